// The top-k items of one reverse step as a table: rank, item, score, with
// the user's true next item highlighted. The scrubber points it at another
// step with setStep(); the rows are rebuilt, never the model.
#pragma once

#include <QAbstractTableModel>

#include <functional>

#include "core/diffusion/trace_table.h"

namespace recdiff::views {

class TraceStepModel : public QAbstractTableModel {
  Q_OBJECT

 public:
  enum Column { RankColumn, ItemColumn, ScoreColumn, ColumnCount };
  using ItemLabeler = std::function<QString(qint64 item)>;

  explicit TraceStepModel(QObject* parent = nullptr);

  void setItemLabeler(ItemLabeler labeler);
  // Row `row` of step `step` of `table`; the table must outlive the model's
  // use of it (the scrubber owns both). A null table clears the model.
  void setStep(const diffusion::TraceTable* table, int step, qint64 row, qint64 target);
  qint64 itemAt(int row) const;
  int targetRow() const;  // -1 when the target is not among the top-k

  int rowCount(const QModelIndex& parent = QModelIndex()) const override;
  int columnCount(const QModelIndex& parent = QModelIndex()) const override;
  QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
  QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

 private:
  ItemLabeler labeler_;
  std::vector<qint64> ids_;
  std::vector<float> scores_;
  qint64 target_ = 0;
};

}  // namespace recdiff::views
