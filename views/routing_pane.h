// One model's interest routing, as the Interests panel shows it (once, or
// twice side by side when two models are compared): for the selected user
// the routing weights A (history × k) with each head's peak item outlined
// and collapsed heads labelled, a per-head table, the regulariser L_reg split
// into its concentration and redundancy terms, head redundancy and the
// covariance C; across users the histogram of head peaks, the share of
// collapsed heads and the other routing figures.
//
// Routing collapse is paper 000's (§4.4.2): "a single interest expressed by
// a single item", i.e. a head whose softmax over the history puts at least
// the threshold (0.9) on one position. The per-user figures are computed
// here from the weights (analysis::analyseUserRouting); the across-users
// ones come with the model's diagnostics.
#pragma once

#include <QVector>
#include <QWidget>

#include <functional>
#include <map>
#include <optional>
#include <string>

#include "core/analysis/interest_diagnostics.h"
#include "core/diffusion/trace_table.h"
#include "core/eval/model_diagnostics.h"

class QLabel;
class QBoxLayout;
class QTableView;

namespace recdiff::views {

class HeadRoutingModel;
class HeatmapView;
class HistogramChart;

class RoutingPane : public QWidget {
  Q_OBJECT

 public:
  using Inspection = std::map<std::string, diffusion::TraceTableExtra>;

  explicit RoutingPane(QWidget* parent = nullptr);

  void setItemLabeler(std::function<QString(qint64)> labeler);
  // The model's name over the pane ("" = none).
  void setModelLabel(const QString& label);
  // The model's inspection outputs for one user and that user's history
  // (oldest first, as the model saw it).
  void setInspection(const Inspection& inspection, const QVector<qint64>& history);
  void clear(const QString& why);
  // Across users and the item table (empty: not computed).
  void setDiagnostics(const std::optional<eval::ModelDiagnostics>& diagnostics, const QStringList& categoryNames);
  // One column instead of two: two panes share the panel's width.
  void setCompact(bool compact);

  HeatmapView* routing() const { return routing_; }
  HeatmapView* covariance() const { return covariance_; }
  HeatmapView* headShares() const { return shares_; }
  HeadRoutingModel* heads() const { return heads_; }
  HistogramChart* peaks() const { return peaks_; }
  // The selected user's figures (empty without routing or when A is malformed).
  const std::optional<analysis::UserInterestStats>& userStats() const { return stats_; }
  double collapseThreshold() const { return threshold_; }
  double regulariser() const { return regulariser_; }               // the model's own L_reg; NaN when not exposed
  QVector<qint64> topItemPerInterest() const { return topItems_; }  // each head's peak item
  QString summary() const;                                          // the line over the pane, without the model's name
  QString userText() const;                                         // the selected user's figures
  QString diagnosticsText() const;                                  // across users

 private:
  // A's rows for the user's real (unpadded) history positions.
  struct UserRouting {
    int rows = 0, k = 0;
    QVector<float> values;  // rows × k, row-major
    QStringList rowLabels;
    QVector<qint64> items;
  };
  void showRouting();
  void showCovariance(const Inspection& inspection, const QStringList& headLabels);
  QStringList topItemsText() const;
  QString userFigures(const analysis::UserInterestStats& s) const;
  QString acrossUsersFigures(const analysis::InterestDiagnostics& i) const;
  void showAcrossUsers(const analysis::InterestDiagnostics& i);

  QLabel* title_;
  QBoxLayout* userLayout_;
  HeatmapView* routing_;
  QLabel* userFigures_;
  QTableView* headTable_;
  HeadRoutingModel* heads_;
  HeatmapView* covariance_;
  QBoxLayout* acrossLayout_;
  HistogramChart* peaks_;
  HeatmapView* shares_;
  QLabel* acrossUsers_;
  std::function<QString(qint64)> labeler_;
  void showTitle();

  // The line over the pane: the model, this user's heads, all users' heads.
  QString modelLabel_, headline_, acrossHeadline_;
  UserRouting user_;
  std::optional<analysis::UserInterestStats> stats_;
  double threshold_ = analysis::RoutingCollapseOptions{}.collapseThreshold;
  double regulariser_ = 0.0;
  QVector<qint64> topItems_;
};

}  // namespace recdiff::views
