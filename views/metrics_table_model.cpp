#include "views/metrics_table_model.h"

#include <QLocale>

namespace recdiff::views {

QString formatPercent(double fraction, int decimals) { return QLocale().toString(100.0 * fraction, 'f', decimals); }

MetricsTableModel::MetricsTableModel(QObject* parent) : QAbstractTableModel(parent) {}

void MetricsTableModel::setMetrics(const eval::RankingMetrics& metrics) {
  beginResetModel();
  metrics_ = metrics;
  cutoffs_.clear();
  for (const auto& entry : metrics.hitRate) cutoffs_.push_back(entry.first);
  endResetModel();
}

void MetricsTableModel::clear() {
  beginResetModel();
  metrics_.reset();
  cutoffs_.clear();
  endResetModel();
}

int MetricsTableModel::rowCount(const QModelIndex& parent) const {
  return parent.isValid() ? 0 : static_cast<int>(cutoffs_.size());
}

int MetricsTableModel::columnCount(const QModelIndex& parent) const { return parent.isValid() ? 0 : ColumnCount; }

QVariant MetricsTableModel::data(const QModelIndex& index, int role) const {
  if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid)) return {};
  const int k = cutoffs_.at(index.row());
  const auto value = [&](const std::map<int, double>& table) -> double {
    const auto it = table.find(k);
    return it == table.end() ? 0.0 : it->second;
  };
  switch (role) {
    case Qt::DisplayRole:
      if (index.column() == CutoffColumn) return QString("@%1").arg(k);
      if (index.column() == HitRateColumn) return formatPercent(value(metrics_->hitRate));
      return formatPercent(value(metrics_->ndcg));
    case Qt::UserRole:  // raw fractions, for sorting and tests
      if (index.column() == CutoffColumn) return k;
      if (index.column() == HitRateColumn) return value(metrics_->hitRate);
      return value(metrics_->ndcg);
    case Qt::TextAlignmentRole:
      return QVariant(Qt::AlignRight | Qt::AlignVCenter);
    case Qt::ToolTipRole:
      if (index.column() == HitRateColumn) {
        return tr("Share of test samples whose target is among the top %1 items, in %").arg(k);
      }
      if (index.column() == NdcgColumn) {
        return tr("Normalised discounted cumulative gain of the target in the top %1, in %").arg(k);
      }
      return {};
    default:
      return {};
  }
}

QVariant MetricsTableModel::headerData(int section, Qt::Orientation orientation, int role) const {
  if (orientation != Qt::Horizontal || role != Qt::DisplayRole) return {};
  switch (section) {
    case CutoffColumn:
      return tr("Cutoff K");
    case HitRateColumn:
      return tr("HR@K (%)");
    case NdcgColumn:
      return tr("NDCG@K (%)");
    default:
      return {};
  }
}

}  // namespace recdiff::views
