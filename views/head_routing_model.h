// One user's interest heads as a table: where each head's softmax over the
// history peaks (the weight and the item), how many items it effectively
// spreads over (exp of its entropy, and as a share of the history), and
// whether it is collapsed in paper 000's sense (§4.4.2: routing collapse is
// "a single interest expressed by a single item"): peak >= the threshold.
#pragma once

#include <QAbstractTableModel>
#include <QStringList>

#include "core/analysis/interest_diagnostics.h"

namespace recdiff::views {

class HeadRoutingModel : public QAbstractTableModel {
  Q_OBJECT

 public:
  enum Column { Head, Peak, PeakItem, EffectiveItems, HistoryShare, Collapsed, ColumnCount };

  explicit HeadRoutingModel(QObject* parent = nullptr);

  // `positionLabels[r]` names the item at row r of the routing weights;
  // `topItems[h]` says what head h attends to most (its tooltip).
  void setStats(const analysis::UserInterestStats& stats, const QStringList& positionLabels,
                const QStringList& topItems, double threshold);
  void clear();
  const analysis::UserInterestStats& stats() const { return stats_; }

  int rowCount(const QModelIndex& parent = QModelIndex()) const override;
  int columnCount(const QModelIndex& parent = QModelIndex()) const override;
  QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
  QVariant headerData(int section, Qt::Orientation orientation, int role) const override;

 private:
  QVariant display(const analysis::HeadRouting& head, int column) const;
  QVariant raw(const analysis::HeadRouting& head, int column) const;
  // A history of one item has every head at peak 1: collapse cannot show.
  bool canCollapse() const { return stats_.positions >= 2; }

  analysis::UserInterestStats stats_;
  QStringList positionLabels_, topItems_;
  double threshold_ = 0.9;
};

}  // namespace recdiff::views
