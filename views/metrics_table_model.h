// HR@K and NDCG@K of one evaluated model: one row per cutoff K, values in
// percent as the papers print them.
#pragma once

#include <QAbstractTableModel>
#include <optional>

#include "core/eval/ranking_metrics.h"

namespace recdiff::views {

class MetricsTableModel : public QAbstractTableModel {
  Q_OBJECT

 public:
  enum Column { CutoffColumn, HitRateColumn, NdcgColumn, ColumnCount };

  explicit MetricsTableModel(QObject* parent = nullptr);

  void setMetrics(const eval::RankingMetrics& metrics);
  void clear();
  const std::optional<eval::RankingMetrics>& metrics() const { return metrics_; }

  int rowCount(const QModelIndex& parent = QModelIndex()) const override;
  int columnCount(const QModelIndex& parent = QModelIndex()) const override;
  QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
  QVariant headerData(int section, Qt::Orientation orientation, int role) const override;

 private:
  std::optional<eval::RankingMetrics> metrics_;
  QVector<int> cutoffs_;
};

// "12.34" for 0.1234: a metric as the papers print it, in percent.
QString formatPercent(double fraction, int decimals = 2);

}  // namespace recdiff::views
