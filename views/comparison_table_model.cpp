#include "views/comparison_table_model.h"

#include <QColor>
#include <QFont>

#include <algorithm>
#include <cmath>

#include "views/metrics_table_model.h"

namespace recdiff::views {

namespace {

// Two lines: the table is already wide with nine metric columns.
QString routingHeader(int figure) {
  switch (figure) {
    case ComparisonTableModel::CollapsedHeads:
      return ComparisonTableModel::tr("Heads\ncollapsed");
    case ComparisonTableModel::EffectiveItemsPerHead:
      return ComparisonTableModel::tr("Items\nper head");
    case ComparisonTableModel::HeadRedundancy:
      return ComparisonTableModel::tr("Head\nredundancy");
    case ComparisonTableModel::LReg:
      return ComparisonTableModel::tr("L_reg");
    default:
      return {};
  }
}

// "0.220", "0.0906": the same number of digits down a column, unlike 'g'.
QString threeSignificantDigits(double v) {
  if (v == 0.0) return QStringLiteral("0");
  const int decimals = std::clamp(2 - static_cast<int>(std::floor(std::log10(std::abs(v)))), 0, 12);
  return QString::number(v, 'f', decimals);
}

QString routingHeaderToolTip(int figure) {
  switch (figure) {
    case ComparisonTableModel::CollapsedHeads:
      return ComparisonTableModel::tr(
          "Routing collapse (paper 000 §4.4.2, \"a single interest expressed by a single "
          "item\"): the share of heads, over the split's users, with at least 0.9 of "
          "their weight on one history item");
    case ComparisonTableModel::EffectiveItemsPerHead:
      return ComparisonTableModel::tr("Effective items per head: exp(entropy) of a head's weights, 1 = one item");
    case ComparisonTableModel::HeadRedundancy:
      return ComparisonTableModel::tr(
          "Head redundancy: mean cosine of two heads' weights, 0 = disjoint, 1 = identical");
    case ComparisonTableModel::LReg:
      return ComparisonTableModel::tr(
          "The covariance regulariser L_reg (Eq. 18) of the routing weights, mean over users");
    default:
      return {};
  }
}

}  // namespace

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

int ComparisonTableModel::metricColumns() const { return kFixedColumns + 2 * static_cast<int>(cutoffs_.size()) + 1; }

int ComparisonTableModel::routingColumn(RoutingFigure figure) const { return metricColumns() + figure; }

int ComparisonTableModel::rowCount(const QModelIndex& parent) const {
  return parent.isValid() ? 0 : static_cast<int>(rows_.size());
}

int ComparisonTableModel::columnCount(const QModelIndex& parent) const {
  return parent.isValid() ? 0 : metricColumns() + RoutingFigureCount;
}

std::optional<double> ComparisonTableModel::metricValue(int row, int column) const {
  const auto& metrics = rows_.at(row).metrics;
  if (!metrics || column < kFixedColumns || column >= metricColumns()) return std::nullopt;
  const int m = column - kFixedColumns;
  if (m == 2 * cutoffs_.size()) return metrics->mrr;
  const int k = cutoffs_.at(m / 2);
  const auto& table = (m % 2 == 0) ? metrics->hitRate : metrics->ndcg;
  const auto it = table.find(k);
  if (it == table.end()) return std::nullopt;
  return it->second;
}

std::optional<double> ComparisonTableModel::routingValue(int row, int column) const {
  const auto& c = rows_.at(row).collapse;
  if (!c || c->interests <= 0) return std::nullopt;
  double v = 0.0;
  switch (column - metricColumns()) {
    case CollapsedHeads:
      v = c->collapsedHeadShare;
      break;
    case EffectiveItemsPerHead:
      v = c->effectiveItemsPerHead;
      break;
    case HeadRedundancy:
      v = c->headRedundancy;
      break;
    case LReg:
      v = c->lReg;
      break;
    default:
      return std::nullopt;
  }
  if (!std::isfinite(v)) return std::nullopt;  // a record from before the figure existed
  return v;
}

// Not ranked (no bold): whether fewer collapsed heads is "better" is what
// the comparison is for, not something the table should decide.
QVariant ComparisonTableModel::routingData(int row, int column, int role) const {
  const auto value = routingValue(row, column);
  const auto& c = rows_.at(row).collapse;
  const bool noRouting = c && c->interests <= 0;
  switch (role) {
    case Qt::DisplayRole:
      if (!value) return noRouting ? QString() : QString("—");
      if (column - metricColumns() == CollapsedHeads) return QString("%1 %").arg(100.0 * *value, 0, 'f', 1);
      if (column - metricColumns() == LReg) return threeSignificantDigits(*value);
      return QString::number(*value, 'f', 2);
    case Qt::UserRole:
      return value ? QVariant(*value) : QVariant();
    case Qt::TextAlignmentRole:
      return QVariant(Qt::AlignRight | Qt::AlignVCenter);
    case Qt::ToolTipRole:
      if (noRouting) return tr("This model has no interest routing");
      return value ? QVariant() : tr("Not measured: evaluate the model to see its routing");
    default:
      return {};
  }
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
  if (c >= metricColumns()) return routingData(index.row(), c, role);
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
  const int figure = section - metricColumns();
  if (role == Qt::ToolTipRole && figure >= 0) return routingHeaderToolTip(figure);
  if (role == Qt::ToolTipRole && section >= kFixedColumns) {
    return tr("In percent; the best value of each column is bold");
  }
  if (role != Qt::DisplayRole) return {};
  if (figure >= 0) return routingHeader(figure);
  if (section == 0) return tr("Model");
  if (section == 1) return tr("Type");
  if (section == 2) return tr("Split");
  const int m = section - kFixedColumns;
  if (m == 2 * cutoffs_.size()) return tr("MRR");
  if (m < 0) return {};
  const int k = cutoffs_.at(m / 2);
  return (m % 2 == 0 ? QString("HR@%1") : QString("NDCG@%1")).arg(k);
}

}  // namespace recdiff::views
