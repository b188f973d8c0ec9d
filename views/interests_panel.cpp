#include "views/interests_panel.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QVBoxLayout>

#include "views/wrapped_label.h"

namespace recdiff::views {

InterestsPanel::InterestsPanel(QWidget* parent) : QWidget(parent) {
  setObjectName("interestsPanel");
  auto* layout = new QVBoxLayout(this);
  auto* top = new QHBoxLayout;
  header_ = new WrappedLabel(this);
  compare_ = new QComboBox(this);
  compare_->setObjectName("interestsCompare");
  compare_->setToolTip(tr("Show a second session model's routing for the same user, side by side"));
  compare_->setSizeAdjustPolicy(QComboBox::AdjustToContents);
  auto* compareLabel = new QLabel(tr("Compare with:"), this);
  compareLabel->setBuddy(compare_);
  top->addWidget(header_, 1);
  top->addWidget(compareLabel);
  top->addWidget(compare_);
  layout->addLayout(top);
  auto* caption = new WrappedLabel(tr("Routing collapse, paper 000 §4.4.2: <i>“a single interest expressed by a "
                                      "single item”</i> — a head is marked collapsed when its peak weight reaches "
                                      "the threshold."),
                                   this);
  layout->addWidget(caption);
  // A box, not a splitter: the panes' word-wrapped figures need their
  // height-for-width passed on.
  auto* panes = new QHBoxLayout;
  first_ = new RoutingPane(this);
  second_ = new RoutingPane(this);
  second_->setObjectName("comparisonRouting");
  panes->addWidget(first_, 1);
  panes->addWidget(second_, 1);
  layout->addLayout(panes, 1);
  setComparisonModels({}, {});
  connect(compare_, &QComboBox::currentIndexChanged, this, [this] {
    showComparison(!comparisonId().isEmpty());
    Q_EMIT comparisonChanged(comparisonId());
  });
  clear(tr("Train a multi-interest model (ADIGRec, DimeRec, ComiRec), then pick a user in the scrubber."));
}

void InterestsPanel::setItemLabeler(std::function<QString(qint64)> labeler) {
  first_->setItemLabeler(labeler);
  second_->setItemLabeler(std::move(labeler));
}

void InterestsPanel::clear(const QString& why) {
  header_->clear();  // the panes say why: no user is shown
  first_->clear(why);
  second_->clear(why);
}

void InterestsPanel::setInspection(const QString& user, const Inspection& inspection, const QVector<qint64>& history) {
  header_->setText(tr("<b>%1</b>").arg(user.toHtmlEscaped()));
  first_->setInspection(inspection, history);
}

void InterestsPanel::setDiagnostics(const std::optional<eval::ModelDiagnostics>& diagnostics,
                                    const QStringList& categoryNames) {
  first_->setDiagnostics(diagnostics, categoryNames);
}

void InterestsPanel::setModelLabel(const QString& label) { first_->setModelLabel(label); }

QString InterestsPanel::summary() const {
  QStringList parts{header_->text(), first_->summary()};
  parts.removeAll(QString());
  return parts.join(QStringLiteral(" · "));
}

void InterestsPanel::setComparisonModels(const QStringList& labels, const QStringList& ids) {
  const QString was = comparisonId();
  {
    const QSignalBlocker block(compare_);
    compare_->clear();
    compare_->addItem(tr("(no second model)"), QString());
    for (int i = 0; i < labels.size() && i < ids.size(); ++i) compare_->addItem(labels[i], ids[i]);
    const int again = compare_->findData(was);
    compare_->setCurrentIndex(again > 0 ? again : 0);
    compare_->setEnabled(compare_->count() > 1);
  }
  // No signal: a model that left the list needs no new job, its pane hides.
  showComparison(!comparisonId().isEmpty());
}

QString InterestsPanel::comparisonId() const { return compare_->currentData().toString(); }

QStringList InterestsPanel::comparisonIds() const {
  QStringList ids;
  for (int i = 1; i < compare_->count(); ++i) ids << compare_->itemData(i).toString();
  return ids;
}

void InterestsPanel::setComparisonId(const QString& id) {
  const int at = compare_->findData(id);
  compare_->setCurrentIndex(at > 0 ? at : 0);
}

void InterestsPanel::showComparison(bool on) {
  second_->setVisible(on);
  first_->setCompact(on);
  second_->setCompact(on);
  if (on) second_->setModelLabel(compare_->currentText());
}

}  // namespace recdiff::views
