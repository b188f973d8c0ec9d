#include "views/head_routing_model.h"

#include <QColor>

namespace recdiff::views {

HeadRoutingModel::HeadRoutingModel(QObject* parent) : QAbstractTableModel(parent) {}

void HeadRoutingModel::setStats(const analysis::UserInterestStats& stats, const QStringList& positionLabels,
                                const QStringList& topItems, double threshold) {
  beginResetModel();
  stats_ = stats;
  positionLabels_ = positionLabels;
  topItems_ = topItems;
  threshold_ = threshold;
  endResetModel();
}

void HeadRoutingModel::clear() { setStats({}, {}, {}, threshold_); }

int HeadRoutingModel::rowCount(const QModelIndex& parent) const {
  return parent.isValid() ? 0 : static_cast<int>(stats_.heads.size());
}

int HeadRoutingModel::columnCount(const QModelIndex& parent) const { return parent.isValid() ? 0 : ColumnCount; }

QVariant HeadRoutingModel::display(const analysis::HeadRouting& h, int column) const {
  switch (column) {
    case Peak:
      return QString::number(h.peak, 'f', 2);
    case PeakItem:
      return h.peakPosition < positionLabels_.size() ? positionLabels_[h.peakPosition]
                                                     : QString::number(h.peakPosition + 1);
    case EffectiveItems:
      return QString::number(h.effectiveItems, 'f', 1);
    case HistoryShare:
      return QStringLiteral("%1 %").arg(100.0 * h.effectiveItemShare, 0, 'f', 0);
    case Collapsed:
      if (!canCollapse()) return tr("n/a");
      return h.collapsed ? tr("yes") : tr("no");
    default:
      return {};
  }
}

QVariant HeadRoutingModel::raw(const analysis::HeadRouting& h, int column) const {
  switch (column) {
    case Peak:
      return h.peak;
    case PeakItem:
      return h.peakPosition;
    case EffectiveItems:
      return h.effectiveItems;
    case HistoryShare:
      return h.effectiveItemShare;
    case Collapsed:
      return canCollapse() ? QVariant(h.collapsed) : QVariant();
    default:
      return {};
  }
}

QVariant HeadRoutingModel::data(const QModelIndex& index, int role) const {
  if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid)) return {};
  const int row = index.row(), column = index.column();
  const analysis::HeadRouting& h = stats_.heads.at(static_cast<std::size_t>(row));
  const bool collapsed = canCollapse() && h.collapsed;
  switch (role) {
    case Qt::DisplayRole:
      return column == Head ? QVariant(tr("int. %1").arg(row + 1)) : display(h, column);
    case Qt::UserRole:
      return column == Head ? QVariant(row) : raw(h, column);
    case Qt::TextAlignmentRole:
      return column == PeakItem ? QVariant(Qt::AlignLeft | Qt::AlignVCenter)
                                : QVariant(Qt::AlignRight | Qt::AlignVCenter);
    case Qt::ForegroundRole:
      return collapsed && column == Collapsed ? QVariant(QColor(0xb2182b)) : QVariant();
    case Qt::ToolTipRole:
      if (column == Collapsed && !canCollapse())
        return tr("A history of one item puts every head on it: collapse cannot show");
      if (column == Collapsed && collapsed) {
        return tr("Collapsed: %1 of this head's weight sits on one item (threshold %2)")
            .arg(h.peak, 0, 'f', 2)
            .arg(threshold_, 0, 'f', 2);
      }
      return row < topItems_.size() ? tr("Attends most to: %1").arg(topItems_[row]) : QVariant();
    default:
      return {};
  }
}

QVariant HeadRoutingModel::headerData(int section, Qt::Orientation orientation, int role) const {
  if (orientation == Qt::Vertical) return {};
  if (role == Qt::DisplayRole) {
    switch (section) {
      case Head:
        return tr("Head");
      case Peak:
        return tr("Peak\nweight");
      case PeakItem:
        return tr("Peak item");
      case EffectiveItems:
        return tr("Effective\nitems");
      case HistoryShare:
        return tr("% of\nhistory");
      case Collapsed:
        return tr("Collapsed");
      default:
        return {};
    }
  }
  if (role != Qt::ToolTipRole) return {};
  switch (section) {
    case Peak:
      return tr("The largest weight the head's softmax puts on one history position");
    case PeakItem:
      return tr("The history item that position holds");
    case EffectiveItems:
      return tr("exp(entropy) of the head's weights: 1 = one item, L = the whole history evenly");
    case HistoryShare:
      return tr("Effective items as a share of the history's length L");
    case Collapsed:
      return tr("Routing collapse (paper 000 §4.4.2): \"a single interest expressed by a single item\" — "
                "peak weight ≥ %1")
          .arg(threshold_, 0, 'f', 2);
    default:
      return {};
  }
}

}  // namespace recdiff::views
