#include "views/trace_step_model.h"

#include <QBrush>
#include <QColor>
#include <QFont>

namespace recdiff::views {

TraceStepModel::TraceStepModel(QObject* parent) : QAbstractTableModel(parent) {}

void TraceStepModel::setItemLabeler(ItemLabeler labeler) {
  labeler_ = std::move(labeler);
  if (!ids_.empty()) Q_EMIT dataChanged(index(0, ItemColumn), index(rowCount() - 1, ItemColumn));
}

void TraceStepModel::setStep(const diffusion::TraceTable* table, int step, qint64 row, qint64 target) {
  std::vector<qint64> ids;
  std::vector<float> scores;
  if (table && step >= 0 && step < static_cast<int>(table->steps.size()) && row >= 0 && row < table->batch) {
    const auto& s = table->steps[static_cast<std::size_t>(step)];
    const auto k = static_cast<std::size_t>(table->topK);
    const auto first = static_cast<std::size_t>(row) * k;
    if (s.topkIds.size() >= first + k && s.topkScores.size() >= first + k) {
      ids.assign(s.topkIds.begin() + static_cast<std::ptrdiff_t>(first),
                 s.topkIds.begin() + static_cast<std::ptrdiff_t>(first + k));
      scores.assign(s.topkScores.begin() + static_cast<std::ptrdiff_t>(first),
                    s.topkScores.begin() + static_cast<std::ptrdiff_t>(first + k));
    }
  }
  if (ids.size() == ids_.size() && !ids.empty()) {
    // Same shape: update in place, so views keep their selection and scroll.
    ids_ = std::move(ids);
    scores_ = std::move(scores);
    target_ = target;
    Q_EMIT dataChanged(index(0, 0), index(rowCount() - 1, ColumnCount - 1));
    return;
  }
  beginResetModel();
  ids_ = std::move(ids);
  scores_ = std::move(scores);
  target_ = target;
  endResetModel();
}

qint64 TraceStepModel::itemAt(int row) const {
  return row >= 0 && row < rowCount() ? ids_[static_cast<std::size_t>(row)] : 0;
}

int TraceStepModel::targetRow() const {
  for (std::size_t i = 0; i < ids_.size(); ++i) {
    if (target_ > 0 && ids_[i] == target_) return static_cast<int>(i);
  }
  return -1;
}

int TraceStepModel::rowCount(const QModelIndex& parent) const {
  return parent.isValid() ? 0 : static_cast<int>(ids_.size());
}

int TraceStepModel::columnCount(const QModelIndex& parent) const { return parent.isValid() ? 0 : ColumnCount; }

QVariant TraceStepModel::data(const QModelIndex& index, int role) const {
  if (!index.isValid() || index.row() >= rowCount() || index.column() >= ColumnCount) return {};
  const auto r = static_cast<std::size_t>(index.row());
  const bool isTarget = target_ > 0 && ids_[r] == target_;
  switch (role) {
    case Qt::DisplayRole:
      if (index.column() == RankColumn) return index.row() + 1;
      if (index.column() == ItemColumn) {
        const QString label = labeler_ ? labeler_(ids_[r]) : QString::number(ids_[r]);
        return isTarget ? label + tr("  ← true next item") : label;
      }
      return QString::number(static_cast<double>(scores_[r]), 'f', 4);
    case Qt::ToolTipRole:
      return tr("item id %1, score %2").arg(ids_[r]).arg(static_cast<double>(scores_[r]), 0, 'g', 6);
    case Qt::BackgroundRole:
      return isTarget ? QVariant(QBrush(QColor(0xe6, 0x9f, 0x00, 90))) : QVariant();
    case Qt::FontRole:
      if (isTarget) {
        QFont f;
        f.setBold(true);
        return f;
      }
      return {};
    case Qt::TextAlignmentRole:
      return index.column() == ItemColumn ? QVariant(Qt::AlignLeft | Qt::AlignVCenter)
                                          : QVariant(Qt::AlignRight | Qt::AlignVCenter);
    case Qt::UserRole:
      return QVariant::fromValue(ids_[r]);
    default:
      return {};
  }
}

QVariant TraceStepModel::headerData(int section, Qt::Orientation orientation, int role) const {
  if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
    return QAbstractTableModel::headerData(section, orientation, role);
  switch (section) {
    case RankColumn:
      return tr("#");
    case ItemColumn:
      return tr("Item");
    case ScoreColumn:
      return tr("Score");
    default:
      return {};
  }
}

}  // namespace recdiff::views
