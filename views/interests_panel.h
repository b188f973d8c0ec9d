// Interest routing for the selected user: the routing weights A (history ×
// k) as a heatmap labelled with the history's items, their covariance C
// (k × k) and the regulariser L_reg, and the items each interest attends to
// most — what a model with a multi-interest extractor (ADIGRec, DimeRec,
// ComiRec) exposes through its inspection hooks.
#pragma once

#include <QVector>
#include <QWidget>

#include <functional>
#include <map>
#include <optional>
#include <string>

#include "core/diffusion/trace_table.h"
#include "core/eval/model_diagnostics.h"

class QLabel;
class QTextBrowser;

namespace recdiff::views {

class HeatmapView;

class InterestsPanel : public QWidget {
  Q_OBJECT

 public:
  using Inspection = std::map<std::string, diffusion::TraceTableExtra>;

  explicit InterestsPanel(QWidget* parent = nullptr);

  void setItemLabeler(std::function<QString(qint64)> labeler);
  // The model's inspection outputs for one user and that user's history
  // (oldest first, as the model saw it).
  void setInspection(const QString& user, const Inspection& inspection, const QVector<qint64>& history);
  void clear(const QString& why);
  // Across users and the item table (empty: not computed).
  void setDiagnostics(const std::optional<eval::ModelDiagnostics>& diagnostics, const QStringList& categoryNames);

  HeatmapView* routing() const { return routing_; }
  HeatmapView* covariance() const { return covariance_; }
  double regulariser() const { return regulariser_; }  // NaN when not exposed
  // The most attended history item per interest (item ids).
  QVector<qint64> topItemPerInterest() const { return topItems_; }
  QString summary() const;
  QString diagnosticsText() const;
  HeatmapView* headShares() const { return shares_; }

 private:
  QLabel* header_;
  HeatmapView* routing_;
  HeatmapView* covariance_;
  QTextBrowser* attended_;
  QLabel* acrossUsers_;
  HeatmapView* shares_;
  std::function<QString(qint64)> labeler_;
  double regulariser_ = 0.0;
  QVector<qint64> topItems_;
};

}  // namespace recdiff::views
