// Interest routing for the selected user — what a model with a
// multi-interest extractor (ADIGRec, DimeRec, ComiRec) exposes through its
// inspection hooks — judged by paper 000's definition of routing collapse
// (§4.4.2: "a single interest expressed by a single item"). One RoutingPane
// for the current model, and a second beside it for another session model
// with routing, for the same user (e.g. ADIGRec trained with and without
// L_reg on planted data).
#pragma once

#include <QStringList>
#include <QVector>
#include <QWidget>

#include <functional>
#include <optional>

#include "views/routing_pane.h"

class QComboBox;
class QLabel;

namespace recdiff::views {

class HeatmapView;

class InterestsPanel : public QWidget {
  Q_OBJECT

 public:
  using Inspection = RoutingPane::Inspection;

  explicit InterestsPanel(QWidget* parent = nullptr);

  void setItemLabeler(std::function<QString(qint64)> labeler);
  // The current model's inspection outputs for one user and that user's
  // history (oldest first, as the model saw it).
  void setInspection(const QString& user, const Inspection& inspection, const QVector<qint64>& history);
  void clear(const QString& why);
  // Across users and the item table (empty: not computed).
  void setDiagnostics(const std::optional<eval::ModelDiagnostics>& diagnostics, const QStringList& categoryNames);
  void setModelLabel(const QString& label);  // the current model's name, over its pane

  // The other session models with routing, offered for comparison: their
  // display labels and the opaque ids the app knows them by. The choice is
  // kept when its id is still offered (no comparisonChanged either way).
  void setComparisonModels(const QStringList& labels, const QStringList& ids);
  QString comparisonId() const;             // "" = none
  QStringList comparisonIds() const;        // all offered, in order
  void setComparisonId(const QString& id);  // emits comparisonChanged when it changes
  // The second pane, filled by the app for the same user.
  RoutingPane* comparison() const { return second_; }
  RoutingPane* current() const { return first_; }

  HeatmapView* routing() const { return first_->routing(); }
  HeatmapView* covariance() const { return first_->covariance(); }
  double regulariser() const { return first_->regulariser(); }  // NaN when not exposed
  QVector<qint64> topItemPerInterest() const { return first_->topItemPerInterest(); }
  QString summary() const;
  QString diagnosticsText() const { return first_->diagnosticsText(); }
  HeatmapView* headShares() const { return first_->headShares(); }

 Q_SIGNALS:
  // The model to compare with changed ("" = none).
  void comparisonChanged(const QString& id);

 private:
  void showComparison(bool on);

  QLabel* header_;
  QComboBox* compare_;
  RoutingPane* first_;
  RoutingPane* second_;
};

}  // namespace recdiff::views
