// Every model of the session side by side: HR/NDCG@5,10,20,50 and MRR on
// the evaluated split, the best value of each column in bold.
#pragma once

#include <QAbstractTableModel>
#include <QString>
#include <QVector>
#include <optional>

#include "core/eval/ranking_metrics.h"

namespace recdiff::views {

struct ComparisonRow {
  QString label;       // the session's name for the model, e.g. "ADIGRec (demo)"
  QString modelType;   // the registry's display name
  QString split;       // "test" or "validation", or "" when not evaluated
  std::optional<eval::RankingMetrics> metrics;
};

class ComparisonTableModel : public QAbstractTableModel {
  Q_OBJECT

 public:
  explicit ComparisonTableModel(QObject* parent = nullptr);

  void setRows(const QVector<ComparisonRow>& rows);
  const QVector<ComparisonRow>& rows() const { return rows_; }

  // Column layout: label, type, split, then HR/NDCG per cutoff, then MRR.
  static constexpr int kFixedColumns = 3;
  int metricColumn(const QString& metric) const;  // "hr@20", "ndcg@5", "mrr"; -1 if none

  int rowCount(const QModelIndex& parent = QModelIndex()) const override;
  int columnCount(const QModelIndex& parent = QModelIndex()) const override;
  QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
  QVariant headerData(int section, Qt::Orientation orientation, int role) const override;

 private:
  std::optional<double> metricValue(int row, int column) const;
  bool isBest(int row, int column) const;

  QVector<ComparisonRow> rows_;
  QVector<int> cutoffs_;
};

}  // namespace recdiff::views
