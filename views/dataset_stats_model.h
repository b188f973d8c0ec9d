// The dataset statistics table: one row per statistic (users, items,
// interactions, average length, sparsity, split sizes...), two columns
// (statistic, value), filled from the core's DatasetStats.
#pragma once

#include <QAbstractTableModel>
#include <QString>
#include <QVector>

#include "core/data/dataset_stats.h"

namespace recdiff::views {

class DatasetStatsModel : public QAbstractTableModel {
  Q_OBJECT

 public:
  enum Column { NameColumn, ValueColumn, ColumnCount };

  explicit DatasetStatsModel(QObject* parent = nullptr);

  // `name` and `split` describe the dataset (shown as the first rows).
  void setStats(const QString& name, const QString& split, const data::DatasetStats& stats);
  void clear();

  // The value shown for a statistic's label, or an empty string.
  QString valueOf(const QString& statistic) const;

  int rowCount(const QModelIndex& parent = QModelIndex()) const override;
  int columnCount(const QModelIndex& parent = QModelIndex()) const override;
  QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
  QVariant headerData(int section, Qt::Orientation orientation, int role) const override;

 private:
  struct Row {
    QString name;
    QString value;
    QString tooltip;
    QVariant sortValue;
  };
  QVector<Row> rows_;
};

}  // namespace recdiff::views
