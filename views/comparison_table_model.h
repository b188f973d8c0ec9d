// Every model of the session side by side: HR/NDCG@5,10,20,50 and MRR on
// the evaluated split, the best value of each column in bold; then, for
// models with interest routing, routing collapse on the same split (paper
// 000 §4.4.2: heads on a single item), effective items per head, head
// redundancy and L_reg — blank for models without routing.
#pragma once

#include <QAbstractTableModel>
#include <QString>
#include <QVector>
#include <optional>

#include "core/eval/ranking_metrics.h"
#include "views/training_progress.h"

namespace recdiff::views {

struct ComparisonRow {
  QString label;      // the session's name for the model, e.g. "ADIGRec (demo)"
  QString modelType;  // the registry's display name
  QString split;      // "test" or "validation", or "" when not evaluated
  std::optional<eval::RankingMetrics> metrics;
  std::optional<EpochCollapse> collapse;  // on the same split; none = not measured
};

class ComparisonTableModel : public QAbstractTableModel {
  Q_OBJECT

 public:
  explicit ComparisonTableModel(QObject* parent = nullptr);

  void setRows(const QVector<ComparisonRow>& rows);
  const QVector<ComparisonRow>& rows() const { return rows_; }

  // Column layout: label, type, split, then HR/NDCG per cutoff, then MRR,
  // then the routing figures in RoutingFigure's order.
  static constexpr int kFixedColumns = 3;
  enum RoutingFigure { CollapsedHeads, EffectiveItemsPerHead, HeadRedundancy, LReg, RoutingFigureCount };
  int metricColumn(const QString& metric) const;  // "hr@20", "ndcg@5", "mrr"; -1 if none
  int routingColumn(RoutingFigure figure) const;

  int rowCount(const QModelIndex& parent = QModelIndex()) const override;
  int columnCount(const QModelIndex& parent = QModelIndex()) const override;
  QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
  QVariant headerData(int section, Qt::Orientation orientation, int role) const override;

 private:
  int metricColumns() const;  // up to and including MRR
  std::optional<double> metricValue(int row, int column) const;
  std::optional<double> routingValue(int row, int column) const;
  QVariant routingData(int row, int column, int role) const;
  bool isBest(int row, int column) const;

  QVector<ComparisonRow> rows_;
  QVector<int> cutoffs_;
};

}  // namespace recdiff::views
