#include "views/dataset_stats_model.h"

#include <QLocale>

namespace recdiff::views {

namespace {

QString count(std::size_t n) { return QLocale().toString(static_cast<qulonglong>(n)); }

}  // namespace

DatasetStatsModel::DatasetStatsModel(QObject* parent) : QAbstractTableModel(parent) {}

void DatasetStatsModel::setStats(const QString& name, const QString& split, const data::DatasetStats& s) {
  beginResetModel();
  rows_.clear();
  const QString unit = QString::fromStdString(s.unit);
  const QString units = unit.isEmpty() ? tr("users") : unit;
  auto add = [&](const QString& label, const QString& value, const QString& tip, QVariant sort) {
    rows_.push_back({label, value, tip, sort});
  };
  add(tr("Dataset"), name, tr("The dataset's name, from its folder or file"), name);
  add(tr("Split"), split, tr("How samples were divided into train, validation and test"), split);
  add(units.left(1).toUpper() + units.mid(1), count(s.users),
      units == "samples" ? tr("Samples of a published split (no users behind them)")
                         : tr("Users with at least one sequence"),
      static_cast<qulonglong>(s.users));
  add(tr("Items"), count(s.items), tr("Distinct items in the catalogue"), static_cast<qulonglong>(s.items));
  add(tr("Interactions"), count(s.interactions), tr("Events over all sequences"),
      static_cast<qulonglong>(s.interactions));
  add(tr("Average length"), QLocale().toString(s.averageLength, 'f', 2),
      tr("Interactions per %1").arg(units.endsWith('s') ? units.chopped(1) : units), s.averageLength);
  add(tr("Length range"), QString("%1 – %2").arg(count(s.minLength), count(s.maxLength)),
      tr("Shortest and longest sequence"), static_cast<qulonglong>(s.maxLength));
  add(tr("Sparsity"), QLocale().toString(100.0 * s.sparsity, 'f', 3) + " %", tr("1 − interactions / (users × items)"),
      s.sparsity);
  if (s.trainSamples + s.validationSamples + s.testSamples > 0) {
    add(tr("Train samples"), count(s.trainSamples), tr("Samples the model trains on"),
        static_cast<qulonglong>(s.trainSamples));
    add(tr("Validation samples"), count(s.validationSamples), tr("Samples for early stopping and model selection"),
        static_cast<qulonglong>(s.validationSamples));
    add(tr("Test samples"), count(s.testSamples), tr("Samples the Evaluation panel ranks"),
        static_cast<qulonglong>(s.testSamples));
  }
  endResetModel();
}

void DatasetStatsModel::clear() {
  beginResetModel();
  rows_.clear();
  endResetModel();
}

QString DatasetStatsModel::valueOf(const QString& statistic) const {
  for (const Row& r : rows_) {
    if (r.name == statistic) return r.value;
  }
  return {};
}

int DatasetStatsModel::rowCount(const QModelIndex& parent) const {
  return parent.isValid() ? 0 : static_cast<int>(rows_.size());
}

int DatasetStatsModel::columnCount(const QModelIndex& parent) const { return parent.isValid() ? 0 : ColumnCount; }

QVariant DatasetStatsModel::data(const QModelIndex& index, int role) const {
  if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid)) return {};
  const Row& r = rows_.at(index.row());
  switch (role) {
    case Qt::DisplayRole:
      return index.column() == NameColumn ? r.name : r.value;
    case Qt::ToolTipRole:
      return r.tooltip;
    case Qt::TextAlignmentRole:
      return index.column() == ValueColumn ? QVariant(Qt::AlignRight | Qt::AlignVCenter)
                                           : QVariant(Qt::AlignLeft | Qt::AlignVCenter);
    case Qt::UserRole:
      return index.column() == NameColumn ? QVariant(r.name) : r.sortValue;
    default:
      return {};
  }
}

QVariant DatasetStatsModel::headerData(int section, Qt::Orientation orientation, int role) const {
  if (orientation != Qt::Horizontal || role != Qt::DisplayRole) return {};
  if (section == NameColumn) return tr("Statistic");
  if (section == ValueColumn) return tr("Value");
  return {};
}

}  // namespace recdiff::views
