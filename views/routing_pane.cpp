#include "views/routing_pane.h"

#include <QBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QTableView>

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

#include "views/head_routing_model.h"
#include "views/heatmap_view.h"
#include "views/histogram_chart.h"
#include "views/wrapped_label.h"

namespace recdiff::views {

namespace {

QString headLabel(int head) { return RoutingPane::tr("int. %1").arg(head + 1); }

QLabel* richLabel(QWidget* parent) { return new WrappedLabel(parent); }

}  // namespace

RoutingPane::RoutingPane(QWidget* parent) : QWidget(parent) {
  // Plain box layouts, no splitters: a splitter does not pass on the
  // height-for-width of the word-wrapped figures, which then overlap.
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  title_ = richLabel(this);
  layout->addWidget(title_);
  userLayout_ = new QBoxLayout(QBoxLayout::LeftToRight);
  routing_ = new HeatmapView(tr("Routing weights A (history × interest)"), this);
  routing_->setToolTip(
      tr("Each interest's softmax over the history: where it looks. Outlined: its peak item. "
         "\"collapsed\": the peak holds at least the threshold of the weight — a single "
         "interest expressed by a single item (paper 000 §4.4.2)."));
  auto* details = new QVBoxLayout;
  userFigures_ = richLabel(this);
  userFigures_->setObjectName("userFigures");
  userFigures_->setToolTip(
      tr("L_reg's terms, each summed the way L_reg sums the rows of C: concentration (its "
         "diagonal: a head's variance over the history grows as it narrows onto few items) and "
         "redundancy (off the diagonal: heads moving together). They need not add up to L_reg: "
         "L_reg ≤ concentration + redundancy ≤ √2 L_reg."));
  heads_ = new HeadRoutingModel(this);
  headTable_ = new QTableView(this);
  headTable_->setObjectName("headRoutingTable");
  headTable_->setModel(heads_);
  headTable_->verticalHeader()->hide();
  headTable_->setAlternatingRowColors(true);
  headTable_->setTextElideMode(Qt::ElideMiddle);
  headTable_->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
  headTable_->horizontalHeader()->setSectionResizeMode(HeadRoutingModel::PeakItem, QHeaderView::Stretch);
  // As tall as its k rows (a scroll bar inside a table of four rows hides
  // one); the item names are elided rather than scrolled sideways.
  headTable_->setSizeAdjustPolicy(QAbstractScrollArea::AdjustToContents);
  headTable_->setSizePolicy(QSizePolicy::Preferred, QSizePolicy::Fixed);
  headTable_->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
  headTable_->setVerticalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
  covariance_ = new HeatmapView(tr("Covariance C of the routing weights"), this);
  covariance_->setScale(HeatmapView::Scale::Diverging);
  covariance_->setMinimumHeight(150);
  covariance_->setToolTip(
      tr("C = (A − Ā)ᵀ(A − Ā)/L (Eq. 17); L_reg sums the norms of its rows (Eq. 18). "
         "Diagonal: concentration; off the diagonal: heads moving together."));
  details->addWidget(userFigures_);
  details->addWidget(headTable_);
  details->addWidget(covariance_, 1);
  // Halves: k columns of colour need less width than the table's six.
  userLayout_->addWidget(routing_, 1);
  userLayout_->addLayout(details, 1);
  layout->addLayout(userLayout_, 3);

  acrossLayout_ = new QBoxLayout(QBoxLayout::LeftToRight);
  peaks_ = new HistogramChart(tr("Head peak weights across users"), tr("peak weight"), tr("heads"), this);
  peaks_->setObjectName("headPeakHistogram");
  peaks_->setMinimumHeight(240);  // room for its count ticks, which Qt elides when they crowd
  peaks_->setToolTip(
      tr("Each user's heads by their largest weight on one item: a pile at the right (≥ the "
         "threshold) is routing collapse, a head on a single item"));
  auto* acrossRight = new QVBoxLayout;
  shares_ = new HeatmapView(tr("Per head, across users"), this);
  shares_->setMinimumHeight(100);
  shares_->setToolTip(
      tr("positions won: the head's share of all history positions where it has the largest "
         "weight (a head that never wins is dead); collapsed: the share of users whose head sits "
         "on one item"));
  acrossUsers_ = richLabel(this);
  acrossRight->addWidget(acrossUsers_);
  acrossRight->addWidget(shares_, 1);
  acrossLayout_->addWidget(peaks_, 1);
  acrossLayout_->addLayout(acrossRight, 1);
  layout->addLayout(acrossLayout_, 2);
  clear(tr("Nothing to show yet."));
  setDiagnostics(std::nullopt, {});
}

void RoutingPane::setItemLabeler(std::function<QString(qint64)> labeler) { labeler_ = std::move(labeler); }

void RoutingPane::setModelLabel(const QString& label) {
  modelLabel_ = label;
  showTitle();
}

void RoutingPane::showTitle() {
  QStringList parts{modelLabel_.isEmpty() ? QString() : QStringLiteral("<b>%1</b>").arg(modelLabel_.toHtmlEscaped()),
                    summary()};
  parts.removeAll(QString());
  title_->setText(parts.join(QStringLiteral(" · ")));
}

void RoutingPane::setCompact(bool compact) {
  userLayout_->setDirection(compact ? QBoxLayout::TopToBottom : QBoxLayout::LeftToRight);
  acrossLayout_->setDirection(compact ? QBoxLayout::TopToBottom : QBoxLayout::LeftToRight);
}

void RoutingPane::clear(const QString& why) {
  user_ = {};
  stats_.reset();
  topItems_.clear();
  regulariser_ = std::numeric_limits<double>::quiet_NaN();
  routing_->clear(why);
  covariance_->clear();
  heads_->clear();
  userFigures_->clear();
  headline_ = why.toHtmlEscaped();
  showTitle();
}

void RoutingPane::setInspection(const Inspection& inspection, const QVector<qint64>& history) {
  const auto weights = inspection.find("routing_weights");
  if (weights == inspection.end() || weights->second.shape.size() != 2) {
    clear(tr("this model exposes no interest routing."));
    return;
  }
  const auto& a = weights->second;
  const int rows = static_cast<int>(a.shape[0]), k = static_cast<int>(a.shape[1]);
  // The batch is left-padded: the last `history` rows are the real items.
  const int real = std::min(rows, static_cast<int>(history.size()));
  const int offset = rows - real, historyOffset = static_cast<int>(history.size()) - real;
  user_ = {};
  user_.rows = real;
  user_.k = k;
  for (int r = offset; r < rows; ++r) {
    const qint64 item = history[historyOffset + r - offset];
    user_.items << item;
    user_.rowLabels << (labeler_ ? labeler_(item) : QString::number(item));
    for (int c = 0; c < k; ++c) user_.values << a.values[static_cast<std::size_t>(r * k + c)];
  }
  const auto reg = inspection.find("l_reg");
  regulariser_ = reg != inspection.end() && !reg->second.values.empty() ? reg->second.values[0]
                                                                        : std::numeric_limits<double>::quiet_NaN();
  QStringList heads;
  for (int c = 0; c < k; ++c) heads << headLabel(c);
  showCovariance(inspection, heads);
  showRouting();
}

void RoutingPane::showCovariance(const Inspection& inspection, const QStringList& headLabels) {
  const auto cov = inspection.find("routing_covariance");
  if (cov == inspection.end() || cov->second.shape.size() != 2) {
    covariance_->clear(tr("No covariance exposed"));
    return;
  }
  QVector<float> c(cov->second.values.begin(), cov->second.values.end());
  covariance_->setMatrix(static_cast<int>(cov->second.shape[0]), static_cast<int>(cov->second.shape[1]), c, headLabels,
                         headLabels);
}

void RoutingPane::showRouting() {
  QStringList heads;
  for (int c = 0; c < user_.k; ++c) heads << headLabel(c);
  routing_->setMatrix(user_.rows, user_.k, user_.values, user_.rowLabels, heads);
  // A row per line of text, so every history item keeps its label; a long
  // history is squeezed (and the pane scrolls) rather than growing forever.
  const int lineHeight = routing_->fontMetrics().height();
  routing_->setMinimumHeight(std::clamp(4 * lineHeight + user_.rows * lineHeight, 160, 480));
  stats_.reset();
  topItems_.clear();
  try {
    analysis::RoutingCollapseOptions options;
    options.collapseThreshold = threshold_;
    stats_ = analysis::analyseUserRouting(
        Eigen::Map<const analysis::Matrix>(user_.values.constData(), user_.rows, user_.k), options);
  } catch (const analysis::AnalysisError& e) {
    heads_->clear();
    userFigures_->setText(tr("No per-head figures: %1").arg(QString::fromStdString(e.what()).toHtmlEscaped()));
    headline_ = tr("k = %1").arg(user_.k);
    showTitle();
    return;
  }
  QVector<QPoint> peaks;
  QStringList notes;
  const bool canCollapse = stats_->positions >= 2;
  for (std::size_t h = 0; h < stats_->heads.size(); ++h) {
    const analysis::HeadRouting& head = stats_->heads[h];
    peaks << QPoint(static_cast<int>(h), head.peakPosition);
    notes << (canCollapse && head.collapsed ? tr("collapsed") : QString());
    topItems_ << user_.items.value(head.peakPosition);
  }
  routing_->setMarkedCells(peaks);
  routing_->setColumnNotes(notes);
  heads_->setStats(*stats_, user_.rowLabels, topItemsText(), threshold_);
  userFigures_->setText(userFigures(*stats_));
  headline_ = tr("k = %1 · this user: <b>%2 of %1 heads collapsed</b> onto one item")
                  .arg(user_.k)
                  .arg(canCollapse ? QString::number(stats_->collapsedHeads) : tr("n/a"));
  showTitle();
}

// Per head: its three most attended items with their weights.
QStringList RoutingPane::topItemsText() const {
  QStringList lines;
  for (int c = 0; c < user_.k; ++c) {
    std::vector<int> order(static_cast<std::size_t>(user_.rows));
    std::iota(order.begin(), order.end(), 0);
    const auto top = std::min<std::size_t>(3, order.size());
    std::partial_sort(order.begin(), order.begin() + static_cast<std::ptrdiff_t>(top), order.end(),
                      [&](int x, int y) { return user_.values[x * user_.k + c] > user_.values[y * user_.k + c]; });
    QStringList items;
    for (std::size_t i = 0; i < top; ++i) {
      items << QStringLiteral("%1 (%2)")
                   .arg(user_.rowLabels[order[i]])
                   .arg(user_.values[order[i] * user_.k + c], 0, 'f', 2);
    }
    lines << items.join(", ");
  }
  return lines;
}

QString RoutingPane::userFigures(const analysis::UserInterestStats& s) const {
  QStringList lines;
  if (s.positions < 2) {
    lines << tr("<b>This user</b>: a one-item history puts every head on that item — collapse cannot show.");
  } else {
    lines << tr("<b>This user</b> (%1 items; collapsed = peak ≥ %2):").arg(s.positions).arg(threshold_, 0, 'f', 2);
  }
  QString reg = tr("L_reg %1 (Eq. 18) — concentration %2, redundancy %3.")
                    .arg(s.lReg, 0, 'g', 3)
                    .arg(s.lRegConcentration, 0, 'g', 3)
                    .arg(s.lRegRedundancy, 0, 'g', 3);
  // A model trained with another form of the regulariser (off-diagonal
  // only, or none) reports its own value: say so rather than let two
  // numbers called L_reg disagree silently.
  if (std::isfinite(regulariser_) && std::abs(regulariser_ - s.lReg) > 0.01 * std::max(1e-9, s.lReg)) {
    reg += tr(" The model's own regulariser term: %1.").arg(regulariser_, 0, 'g', 3);
  }
  lines << reg;
  lines << tr("Head redundancy %1 (mean cosine of two heads: 0 = disjoint, 1 = identical).")
               .arg(s.headRedundancy, 0, 'f', 2);
  return lines.join("<br>");
}

QString RoutingPane::acrossUsersFigures(const analysis::InterestDiagnostics& i) const {
  QStringList lines;
  lines << tr("<b>Across %1 test users</b>: <b>%2 % of heads collapsed</b> onto one item (peak ≥ %3) · %4 effective "
              "items per head (%5 % of a history) · head redundancy %6 · mean L_reg %7 (concentration %8, "
              "redundancy %9)")
               .arg(i.users)
               .arg(100.0 * i.collapsedHeadShare, 0, 'f', 1)
               .arg(i.collapseThreshold, 0, 'f', 2)
               .arg(i.meanEffectiveItems, 0, 'f', 1)
               .arg(100.0 * i.meanEffectiveItemShare, 0, 'f', 0)
               .arg(i.meanHeadRedundancy, 0, 'f', 2)
               .arg(i.meanLReg, 0, 'g', 3)
               .arg(i.meanLRegConcentration, 0, 'g', 3)
               .arg(i.meanLRegRedundancy, 0, 'g', 3);
  if (i.usersWithOnePosition > 0) {
    lines << tr("%1 users with a one-item history are left out of the per-head figures.").arg(i.usersWithOnePosition);
  }
  lines << tr("Distinct routing directions %1 of %2 (exp entropy of AᵀA's spectrum) — how different the heads are, "
              "blind to collapse: k heads each on its own single item score k.")
               .arg(i.meanDistinctRoutingDirections, 0, 'f', 2)
               .arg(i.interests);
  return lines.join("<br>");
}

void RoutingPane::showAcrossUsers(const analysis::InterestDiagnostics& i) {
  const auto k = static_cast<int>(i.argmaxShare.size());
  QVector<float> shares;
  QStringList heads;
  for (int h = 0; h < k; ++h) {
    shares << static_cast<float>(i.argmaxShare[static_cast<std::size_t>(h)]);
    heads << headLabel(h);
  }
  for (int h = 0; h < k; ++h) {
    const auto at = static_cast<std::size_t>(h);
    shares << static_cast<float>(at < i.collapsedShareByHead.size() ? i.collapsedShareByHead[at] : 0.0);
  }
  shares_->setMatrix(2, k, shares, {tr("positions won"), tr("collapsed")}, heads);
  peaks_->setBins(unitIntervalBins(i.headPeakHistogram));
}

void RoutingPane::setDiagnostics(const std::optional<eval::ModelDiagnostics>& d, const QStringList& categoryNames) {
  acrossHeadline_.clear();
  if (!d) {
    shares_->clear(tr("Not computed"));
    peaks_->clear();
    acrossUsers_->clear();
    showTitle();
    return;
  }
  QStringList lines;
  if (d->interests) {
    const auto& i = *d->interests;
    // The user's heads are judged by the same threshold as the users'.
    if (i.collapseThreshold != threshold_) {
      threshold_ = i.collapseThreshold;
      if (user_.k > 0) showRouting();
    }
    showAcrossUsers(i);
    lines << acrossUsersFigures(i);
    acrossHeadline_ =
        tr("across %1 test users: <b>%2 %</b> of heads").arg(i.users).arg(100.0 * i.collapsedHeadShare, 0, 'f', 1);
  } else {
    shares_->clear(tr("This model has no interest routing"));
    peaks_->clear();
  }
  if (d->categoryMatch) {
    QStringList pairs;
    for (std::size_t h = 0; h < d->categoryMatch->assignment.size(); ++h) {
      const int c = d->categoryMatch->assignment[h];
      pairs << tr("%1→%2").arg(h + 1).arg(c >= 0 && c < categoryNames.size() ? categoryNames[c].toHtmlEscaped()
                                                                             : tr("none"));
    }
    // Chance: the same heads over each user's own items in shuffled order
    // (interest_diagnostics.h); "above chance" needs half as much again.
    const auto& m = *d->categoryMatch;
    const bool above = m.matchedAccuracy > 1.5 * m.chanceMatchedAccuracy;
    lines << tr("Heads vs item categories (on the synthetic data: the planted interests): matched %1 (chance %2), "
                "NMI %3 (chance %4) — %5 (%6)")
                 .arg(m.matchedAccuracy, 0, 'f', 2)
                 .arg(m.chanceMatchedAccuracy, 0, 'f', 2)
                 .arg(m.nmi, 0, 'f', 2)
                 .arg(m.chanceNmi, 0, 'f', 2)
                 .arg(above ? tr("above chance") : tr("no better than chance: the heads do not follow the categories"))
                 .arg(pairs.join(", "));
  }
  const auto& e = d->embedding;
  lines << tr("Item embeddings: effective rank %1 of %2, isotropy %3, singular-value entropy %4 — %5")
               .arg(e.effectiveRank, 0, 'f', 1)
               .arg(e.dimensions)
               .arg(e.isotropy, 0, 'f', 2)
               .arg(e.singularValueEntropy, 0, 'f', 2)
               .arg(QString::fromStdString(e.verdict).toHtmlEscaped());
  if (d->probe) {
    lines << tr("Linear probe of item categories: accuracy %1 (majority %2)")
                 .arg(d->probe->test.accuracy, 0, 'f', 2)
                 .arg(d->probe->majority.accuracy, 0, 'f', 2);
  }
  acrossUsers_->setText(lines.join("<br>"));
  showTitle();
}

QString RoutingPane::summary() const {
  return acrossHeadline_.isEmpty() || headline_.isEmpty() ? headline_ + acrossHeadline_
                                                          : headline_ + QStringLiteral(" · ") + acrossHeadline_;
}

QString RoutingPane::userText() const { return userFigures_->text(); }

QString RoutingPane::diagnosticsText() const { return acrossUsers_->text(); }

}  // namespace recdiff::views
