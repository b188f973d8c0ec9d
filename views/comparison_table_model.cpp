#include "views/comparison_table_model.h"

#include <QColor>
#include <QFont>

#include "views/metrics_table_model.h"

namespace recdiff::views {

ComparisonTableModel::ComparisonTableModel(QObject* parent) : QAbstractTableModel(parent) {
  for (int k : eval::defaultCutoffs()) cutoffs_.push_back(k);
}

void ComparisonTableModel::setRows(const QVector<ComparisonRow>& rows) {
  beginResetModel();
  rows_ = rows;
  endResetModel();
}

int ComparisonTableModel::metricColumn(const QString& metric) const {
  const QString m = metric.toLower();
  if (m == "mrr") return kFixedColumns + 2 * static_cast<int>(cutoffs_.size());
  for (int i = 0; i < cutoffs_.size(); ++i) {
    if (m == QString("hr@%1").arg(cutoffs_[i])) return kFixedColumns + 2 * i;
    if (m == QString("ndcg@%1").arg(cutoffs_[i])) return kFixedColumns + 2 * i + 1;
  }
  return -1;
}

int ComparisonTableModel::rowCount(const QModelIndex& parent) const {
  return parent.isValid() ? 0 : static_cast<int>(rows_.size());
}

int ComparisonTableModel::columnCount(const QModelIndex& parent) const {
  return parent.isValid() ? 0 : kFixedColumns + 2 * static_cast<int>(cutoffs_.size()) + 1;
}

std::optional<double> ComparisonTableModel::metricValue(int row, int column) const {
  const auto& metrics = rows_.at(row).metrics;
  if (!metrics || column < kFixedColumns) return std::nullopt;
  const int m = column - kFixedColumns;
  if (m == 2 * cutoffs_.size()) return metrics->mrr;
  const int k = cutoffs_.at(m / 2);
  const auto& table = (m % 2 == 0) ? metrics->hitRate : metrics->ndcg;
  const auto it = table.find(k);
  if (it == table.end()) return std::nullopt;
  return it->second;
}

bool ComparisonTableModel::isBest(int row, int column) const {
  const auto value = metricValue(row, column);
  if (!value) return false;
  int evaluated = 0;
  for (int r = 0; r < rows_.size(); ++r) {
    const auto other = metricValue(r, column);
    if (!other) continue;
    ++evaluated;
    if (*other > *value) return false;
  }
  return evaluated > 1;
}

QVariant ComparisonTableModel::data(const QModelIndex& index, int role) const {
  if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid)) return {};
  const ComparisonRow& r = rows_.at(index.row());
  const int c = index.column();
  if (c < kFixedColumns) {
    if (role == Qt::DisplayRole || role == Qt::UserRole) {
      if (c == 0) return r.label;
      if (c == 1) return r.modelType;
      return r.split.isEmpty() ? tr("not evaluated") : r.split;
    }
    if (role == Qt::ForegroundRole && c == 2 && r.split.isEmpty()) return QColor(Qt::gray);
    return {};
  }
  const auto value = metricValue(index.row(), c);
  switch (role) {
    case Qt::DisplayRole:
      return value ? formatPercent(*value) : QString("—");
    case Qt::UserRole:
      return value ? QVariant(*value) : QVariant();
    case Qt::TextAlignmentRole:
      return QVariant(Qt::AlignRight | Qt::AlignVCenter);
    case Qt::FontRole:
      if (isBest(index.row(), c)) {
        QFont bold;
        bold.setBold(true);
        return bold;
      }
      return {};
    case Qt::ToolTipRole:
      return isBest(index.row(), c) ? tr("Best of the session's models") : QVariant();
    default:
      return {};
  }
}

QVariant ComparisonTableModel::headerData(int section, Qt::Orientation orientation, int role) const {
  if (orientation == Qt::Vertical) {
    return role == Qt::DisplayRole ? QVariant(section + 1) : QVariant();
  }
  if (role == Qt::ToolTipRole && section >= kFixedColumns) {
    return tr("In percent; the best value of each column is bold");
  }
  if (role != Qt::DisplayRole) return {};
  if (section == 0) return tr("Model");
  if (section == 1) return tr("Type");
  if (section == 2) return tr("Split");
  const int m = section - kFixedColumns;
  if (m == 2 * cutoffs_.size()) return tr("MRR");
  if (m < 0 || m > 2 * cutoffs_.size()) return {};
  const int k = cutoffs_.at(m / 2);
  return (m % 2 == 0 ? QString("HR@%1") : QString("NDCG@%1")).arg(k);
}

}  // namespace recdiff::views
