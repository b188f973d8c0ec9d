#include "views/scrubber_panel.h"

#include <QCheckBox>
#include <QComboBox>
#include <QCompleter>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QChart>
#include <QLegend>
#include <QPushButton>
#include <QShortcut>
#include <QSlider>
#include <QSpinBox>
#include <QSplitter>
#include <QStyle>
#include <QTabWidget>
#include <QTableView>
#include <QTextDocumentFragment>
#include <QTimer>
#include <QToolButton>
#include <QVBoxLayout>

#include <cmath>
#include <numeric>

#include "views/chart_style.h"
#include "views/error_banner.h"
#include "views/noise_dependence_summary.h"
#include "views/step_chart.h"
#include "views/trace_step_model.h"
#include "views/wrapped_label.h"

namespace recdiff::views {

namespace {

QToolButton* transportButton(QStyle::StandardPixmap icon, const QString& tip, QWidget* parent) {
  auto* b = new QToolButton(parent);
  b->setIcon(parent->style()->standardIcon(icon));
  b->setToolTip(tip);
  b->setAutoRaise(true);
  return b;
}

// Steps per second of playback.
const int kSpeeds[] = {2, 5, 10, 25, 60};

}  // namespace

ScrubberPanel::ScrubberPanel(QWidget* parent) : QWidget(parent) {
  setFocusPolicy(Qt::StrongFocus);
  auto* layout = new QVBoxLayout(this);
  banner_ = new ErrorBanner(this);
  layout->addWidget(banner_);

  auto* controls = new QHBoxLayout;
  user_ = new QComboBox(this);
  user_->setEditable(true);
  user_->setInsertPolicy(QComboBox::NoInsert);
  user_->setMinimumContentsLength(14);  // the panel must fit its dock in a 1280×720 window
  user_->setToolTip(tr("The test user whose reverse process to scrub; type to search by user id"));
  user_->completer()->setFilterMode(Qt::MatchContains);
  user_->completer()->setCompletionMode(QCompleter::PopupCompletion);
  order_ = new QComboBox(this);
  order_->setObjectName("scrubberUserOrder");
  order_->addItem(tr("in test order"), static_cast<int>(UserOrder::Test));
  order_->addItem(tr("best final rank first"), static_cast<int>(UserOrder::BestRankFirst));
  order_->addItem(tr("worst final rank first"), static_cast<int>(UserOrder::WorstRankFirst));
  order_->setToolTip(
      tr("List the users by the rank the model gives their true next item at the end of the "
         "reverse process (ranks every test user once)"));
  runCount_ = new QSpinBox(this);
  runCount_->setRange(1, 16);
  runCount_->setToolTip(tr("Stochastic reverse runs, one seed each: their spread shows the generated distribution"));
  seed_ = new QSpinBox(this);
  seed_->setRange(0, 1000000);
  seed_->setValue(1);
  seed_->setToolTip(tr("Seed of the first run; run i uses seed + i"));
  sampler_ = new QComboBox(this);
  sampler_->addItem(tr("DDPM"), "ddpm");
  sampler_->addItem(tr("DDIM"), "ddim");
  sampler_->addItem(tr("DDPM + DDIM"), "both");
  sampler_->setToolTip(tr("Reverse sampler; \"DDPM + DDIM\" runs both for each seed, side by side"));
  ddimSteps_ = new QSpinBox(this);
  ddimSteps_->setRange(1, 100000);
  ddimSteps_->setValue(10);
  ddimSteps_->setToolTip(tr("DDIM steps S (a subset of the T diffusion steps)"));
  excludeHistory_ = new QCheckBox(tr("Hide history"), this);
  excludeHistory_->setToolTip(tr("Keep items already in the history out of the ranking"));
  compare_ = new QComboBox(this);
  compare_->setObjectName("scrubberCompare");
  compare_->setToolTip(tr("Run a second session model for the same user, side by side"));
  setComparisonModels({});
  runButton_ = new QPushButton(tr("Run"), this);
  runButton_->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_R));
  runButton_->setToolTip(tr("Run the reverse process (Ctrl+R)"));
  controls->addWidget(new QLabel(tr("User:"), this));
  controls->addWidget(user_, 1);
  controls->addWidget(order_);
  controls->addWidget(new QLabel(tr("Compare with:"), this));
  controls->addWidget(compare_);
  layout->addLayout(controls);
  controls = new QHBoxLayout;
  controls->addWidget(new QLabel(tr("Runs:"), this));
  controls->addWidget(runCount_);
  controls->addWidget(new QLabel(tr("Seed:"), this));
  controls->addWidget(seed_);
  controls->addWidget(sampler_);
  controls->addWidget(new QLabel(tr("S:"), this));
  controls->addWidget(ddimSteps_);
  controls->addWidget(excludeHistory_);
  controls->addStretch(1);
  controls->addWidget(runButton_);
  layout->addLayout(controls);

  history_ = new QLabel(this);
  history_->setWordWrap(true);
  history_->setTextFormat(Qt::RichText);
  history_->setTextInteractionFlags(Qt::TextSelectableByMouse);
  layout->addWidget(history_);

  auto* transport = new QHBoxLayout;
  auto* first = transportButton(QStyle::SP_MediaSkipBackward, tr("First step, t = T (Home)"), this);
  auto* back = transportButton(QStyle::SP_MediaSeekBackward, tr("Step back (←)"), this);
  playButton_ = transportButton(QStyle::SP_MediaPlay, tr("Play / pause (Space)"), this);
  auto* forward = transportButton(QStyle::SP_MediaSeekForward, tr("Step forward (→)"), this);
  auto* last = transportButton(QStyle::SP_MediaSkipForward, tr("Final x0, t = 0 (End)"), this);
  slider_ = new QSlider(Qt::Horizontal, this);
  slider_->setRange(0, 0);
  slider_->setToolTip(tr("Reverse step: left is pure noise (t = T), right the final x0 (t = 0)"));
  speed_ = new QComboBox(this);
  for (int s : kSpeeds) speed_->addItem(tr("%1 steps/s").arg(s), s);
  speed_->setCurrentIndex(2);
  speed_->setToolTip(tr("Playback speed"));
  for (QWidget* w : {static_cast<QWidget*>(first), static_cast<QWidget*>(back), static_cast<QWidget*>(playButton_),
                     static_cast<QWidget*>(forward), static_cast<QWidget*>(last)}) {
    transport->addWidget(w);
  }
  transport->addWidget(slider_, 1);
  transport->addWidget(speed_);
  auto* exportButton = new QPushButton(tr("Export…"), this);
  exportButton->setToolTip(tr("Save the charts (PNG, SVG) or the whole run as a video (AVI)"));
  transport->addWidget(exportButton);
  layout->addLayout(transport);
  summary_ = new QLabel(this);
  summary_->setTextFormat(Qt::PlainText);
  // The line changes at every step: its width must not re-lay the panel
  // out (that re-renders every chart and cost up to 100 ms a move).
  summary_->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
  layout->addWidget(summary_);

  auto* splitter = new QSplitter(Qt::Horizontal, this);
  auto* left = new QWidget(splitter);
  auto* leftLayout = new QVBoxLayout(left);
  leftLayout->setContentsMargins(0, 0, 0, 0);
  runChoice_ = new QComboBox(left);
  runChoice_->setToolTip(tr("The run whose steps the slider walks through and whose top items are listed"));
  leftLayout->addWidget(runChoice_);
  topItems_ = new TraceStepModel(this);
  table_ = new QTableView(left);
  table_->setModel(topItems_);
  table_->verticalHeader()->hide();
  table_->horizontalHeader()->setSectionResizeMode(TraceStepModel::ItemColumn, QHeaderView::Stretch);
  table_->horizontalHeader()->setSectionResizeMode(TraceStepModel::RankColumn, QHeaderView::ResizeToContents);
  table_->setSelectionBehavior(QAbstractItemView::SelectRows);
  table_->setAlternatingRowColors(true);
  leftLayout->addWidget(table_, 1);
  partnerBox_ = new QWidget(left);
  auto* partnerLayout = new QVBoxLayout(partnerBox_);
  partnerLayout->setContentsMargins(0, 0, 0, 0);
  partnerTitle_ = new QLabel(partnerBox_);
  partnerTitle_->setObjectName("partnerTitle");
  partnerTitle_->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
  partnerItems_ = new TraceStepModel(this);
  auto* partnerTable = new QTableView(partnerBox_);
  partnerTable->setObjectName("partnerTable");
  partnerTable->setModel(partnerItems_);
  partnerTable->verticalHeader()->hide();
  partnerTable->horizontalHeader()->setSectionResizeMode(TraceStepModel::ItemColumn, QHeaderView::Stretch);
  partnerTable->horizontalHeader()->setSectionResizeMode(TraceStepModel::RankColumn, QHeaderView::ResizeToContents);
  partnerTable->setAlternatingRowColors(true);
  partnerLayout->addWidget(partnerTitle_);
  partnerLayout->addWidget(partnerTable, 1);
  partnerBox_->hide();
  leftLayout->addWidget(partnerBox_, 1);
  buildCharts();
  splitter->addWidget(left);
  splitter->addWidget(chartBox_);
  splitter->setStretchFactor(0, 2);
  splitter->setStretchFactor(1, 3);
  splitter->setSizes({380, 620});
  layout->addWidget(splitter, 1);

  playTimer_ = new QTimer(this);
  connect(playTimer_, &QTimer::timeout, this, &ScrubberPanel::advance);
  connect(runButton_, &QPushButton::clicked, this, [this] {
    if (user_->count() > 0) Q_EMIT runRequested(request());
  });
  connect(user_, qOverload<int>(&QComboBox::currentIndexChanged), this, [this](int i) {
    if (i >= 0) Q_EMIT sampleChanged(sampleAt(i));
  });
  connect(order_, qOverload<int>(&QComboBox::currentIndexChanged), this, [this] {
    if (userOrder() != UserOrder::Test && sampleRanks_.size() != sampleLabels_.size()) {
      Q_EMIT rankingRequested();
      return;
    }
    fillUserList();
  });
  connect(sampler_, qOverload<int>(&QComboBox::currentIndexChanged), this,
          [this] { ddimSteps_->setEnabled(sampler_->currentData().toString() != "ddpm"); });
  ddimSteps_->setEnabled(false);
  connect(slider_, &QSlider::valueChanged, this, [this] {
    refreshStep();
    Q_EMIT stepChanged(slider_->value());
  });
  connect(runChoice_, qOverload<int>(&QComboBox::currentIndexChanged), this, [this](int run) {
    if (run < 0 || run >= runs_.size()) return;
    const int steps = static_cast<int>(runs_[run].table.steps.size());
    const bool atEnd = slider_->value() == slider_->maximum();
    slider_->setRange(0, std::max(0, steps - 1));
    if (atEnd) slider_->setValue(slider_->maximum());
    refreshStep();
  });
  connect(first, &QToolButton::clicked, this, [this] { setCurrentStep(0); });
  connect(back, &QToolButton::clicked, this, [this] { setCurrentStep(currentStep() - 1); });
  connect(forward, &QToolButton::clicked, this, [this] { setCurrentStep(currentStep() + 1); });
  connect(last, &QToolButton::clicked, this, [this] { setCurrentStep(stepCount() - 1); });
  connect(playButton_, &QToolButton::clicked, this, [this] { setPlaying(!isPlaying()); });
  connect(speed_, qOverload<int>(&QComboBox::currentIndexChanged), this,
          [this] { playTimer_->setInterval(1000 / std::max(1, speed_->currentData().toInt())); });
  playTimer_->setInterval(1000 / kSpeeds[2]);
  connect(exportButton, &QPushButton::clicked, this, &ScrubberPanel::exportDialog);

  // Keyboard control anywhere in the panel, except while typing a user id.
  auto shortcut = [this](const QKeySequence& key, std::function<void()> fn) {
    auto* s = new QShortcut(key, this);
    s->setContext(Qt::WidgetWithChildrenShortcut);
    connect(s, &QShortcut::activated, this, [this, fn] {
      if (!user_->hasFocus()) fn();
    });
  };
  shortcut(QKeySequence(Qt::Key_Left), [this] { setCurrentStep(currentStep() - 1); });
  shortcut(QKeySequence(Qt::Key_Right), [this] { setCurrentStep(currentStep() + 1); });
  shortcut(QKeySequence(Qt::Key_Home), [this] { setCurrentStep(0); });
  shortcut(QKeySequence(Qt::Key_End), [this] { setCurrentStep(stepCount() - 1); });
  shortcut(QKeySequence(Qt::Key_Space), [this] { setPlaying(!isPlaying()); });
  clearRuns(tr("Train a model or load a checkpoint, pick a user and press Run."));
}

void ScrubberPanel::buildCharts() {
  chartBox_ = new QWidget(this);
  auto* v = new QVBoxLayout(chartBox_);
  v->setContentsMargins(0, 0, 0, 0);
  rankChart_ = new StepChart(tr("Rank of the true next item (by x̂0)"), tr("rank (log)"), true, chartBox_);
  cosineChart_ = new StepChart(tr("Cosine to the true item (solid x̂0, dashed x_t)"), tr("cosine"), false, chartBox_);
  normChart_ = new StepChart(tr("‖x_t‖"), tr("norm"), false, chartBox_);
  // The charts share their x axis and their runs: one legend (above them)
  // and one axis title (at the bottom) leave the plots the height. The
  // legend is a wrapping label, not a chart legend, which elides six runs'
  // labels to "ADIGRec …" in a chart's width. The sensitivity sits right
  // under the rank, so a class sees both at once; the rest are tabs.
  runLegend_ = new QLabel(chartBox_);
  runLegend_->setWordWrap(true);
  runLegend_->setTextFormat(Qt::RichText);
  sensitivityChart_ = new StepChart(tr("Sensitivity of x̂0 to x_t"), tr("elasticity"), false, chartBox_);
  sensitivityChart_->setMinimumYRange(0.0, 1.0);
  sensitivityChart_->setToolTip(
      tr("How much x̂0 changes, relative to itself, per relative change of x_t (a 1 % "
         "nudge at each step): 0 = x̂0 ignores x_t, 1 = it moves in proportion"));
  noiseSentence_ = new WrappedLabel(chartBox_);
  noiseSentence_->setObjectName("noiseDependenceSentence");
  noiseSentence_->setTextFormat(Qt::PlainText);
  noiseSentence_->setTextInteractionFlags(Qt::TextSelectableByMouse);
  noiseSentence_->setStyleSheet("QLabel { background: #eef4fb; border: 1px solid #c9d9ec; padding: 4px; }");
  noiseSentence_->setToolTip(
      tr("Seeds that give the same top items (mean overlap >= 95 %) mean the output does not "
         "depend on the noise; below 70 % it does. Sensitivity: how much x̂0 changes, "
         "relative to itself, per relative change of x_t (a 1 % nudge at every step)."));
  for (StepChart* c : {rankChart_, cosineChart_, normChart_, sensitivityChart_}) c->chart()->legend()->hide();
  rankChart_->setTimeAxisTitleVisible(false);
  sensitivityChart_->setTimeAxisTitleVisible(false);
  accuracyChart_ = new StepChart(tr("HR@K of x̂0 at each step, whole test split (%)"), tr("HR (%)"), false, chartBox_);
  auto* accuracyPage = new QWidget(chartBox_);
  auto* accuracyLayout = new QVBoxLayout(accuracyPage);
  accuracyLayout->setContentsMargins(0, 0, 0, 0);
  accuracyButton_ = new QPushButton(tr("Compute over the test split"), accuracyPage);
  accuracyButton_->setObjectName("computeStepAccuracy");
  accuracyButton_->setToolTip(
      tr("Rank x̂0 of every step for every test user (the DimeRec paper's Figure 5); "
         "uses the sampler and seed above"));
  connect(accuracyButton_, &QPushButton::clicked, this, [this] { Q_EMIT stepAccuracyRequested(request()); });
  accuracyLayout->addWidget(accuracyButton_, 0, Qt::AlignLeft);
  accuracyLayout->addWidget(accuracyChart_, 1);
  lowerCharts_ = new QTabWidget(chartBox_);
  lowerCharts_->addTab(cosineChart_, tr("Cosine to the true item"));
  lowerCharts_->addTab(normChart_, tr("‖x_t‖"));
  lowerCharts_->addTab(accuracyPage, tr("Test-set HR per step"));
  v->addWidget(runLegend_);
  v->addWidget(noiseSentence_);
  v->addWidget(rankChart_);
  v->addWidget(sensitivityChart_);
  v->addWidget(lowerCharts_);
}

void ScrubberPanel::setStepAccuracy(const std::vector<eval::StepAccuracy>& steps, const QString& message) {
  accuracyChart_->clear();
  accuracyButton_->setEnabled(true);
  QVector<QPointF> hr10, hr20;
  for (const auto& s : steps) {
    hr10.push_back(QPointF(s.t, 100.0 * s.metrics.hitRate.at(10)));
    hr20.push_back(QPointF(s.t, 100.0 * s.metrics.hitRate.at(20)));
  }
  accuracyChart_->addSeries(tr("HR@10"), hr10, 0);
  accuracyChart_->addSeries(tr("HR@20"), hr20, 1);
  accuracyChart_->setCursor(currentTimestep());
  lowerCharts_->setCurrentWidget(accuracyChart_->parentWidget());
  if (!message.isEmpty()) summary_->setText(message);
}

void ScrubberPanel::setStepAccuracyProgress(qint64 done, qint64 total) {
  accuracyButton_->setEnabled(false);
  summary_->setText(tr("Ranking x̂0 at every step: %1 of %2 test users…").arg(done).arg(total));
}

QList<StepChart*> ScrubberPanel::charts() const {
  return {rankChart_, cosineChart_, normChart_, accuracyChart_, sensitivityChart_};
}

QString ScrubberPanel::noiseDependenceText() const { return noiseSentence_->text(); }

void ScrubberPanel::setSamples(const QStringList& labels) {
  sampleLabels_ = labels;
  sampleRanks_.clear();
  {
    const QSignalBlocker block(order_);
    order_->setCurrentIndex(0);
  }
  fillUserList();
  runButton_->setEnabled(!labels.isEmpty());
  if (!labels.isEmpty()) {
    user_->setCurrentIndex(0);
    Q_EMIT sampleChanged(sampleAt(0));
  }
}

void ScrubberPanel::setSampleRanks(const QVector<qint64>& ranks) {
  sampleRanks_ = ranks.size() == sampleLabels_.size() ? ranks : QVector<qint64>();
  if (sampleRanks_.isEmpty()) {
    const QSignalBlocker block(order_);
    order_->setCurrentIndex(0);
  }
  fillUserList();
}

void ScrubberPanel::setUserOrder(UserOrder order) {
  order_->setCurrentIndex(order_->findData(static_cast<int>(order)));
}

ScrubberPanel::UserOrder ScrubberPanel::userOrder() const {
  return static_cast<UserOrder>(order_->currentData().toInt());
}

int ScrubberPanel::sampleAt(int listRow) const {
  const QVariant v = user_->itemData(listRow);
  return v.isValid() ? v.toInt() : listRow;
}

void ScrubberPanel::fillUserList() {
  // Rebuilt in the chosen order, the selected user kept selected.
  const int selected = user_->count() > 0 ? sampleAt(std::max(0, user_->currentIndex())) : 0;
  const bool ranked = sampleRanks_.size() == sampleLabels_.size() && !sampleRanks_.isEmpty();
  QVector<int> order(sampleLabels_.size());
  std::iota(order.begin(), order.end(), 0);
  const UserOrder how = ranked ? userOrder() : UserOrder::Test;
  if (how != UserOrder::Test) {
    std::stable_sort(order.begin(), order.end(), [this, how](int a, int b) {
      return how == UserOrder::BestRankFirst ? sampleRanks_[a] < sampleRanks_[b] : sampleRanks_[a] > sampleRanks_[b];
    });
  }
  const QSignalBlocker block(user_);
  user_->clear();
  for (int sample : order) {
    const QString label =
        ranked ? tr("%1 · final rank %2").arg(sampleLabels_[sample]).arg(sampleRanks_[sample]) : sampleLabels_[sample];
    user_->addItem(label, sample);
  }
  const int row = user_->findData(selected);
  if (row >= 0) user_->setCurrentIndex(row);
}

void ScrubberPanel::setItemLabeler(std::function<QString(qint64)> labeler) {
  labeler_ = labeler;
  topItems_->setItemLabeler(labeler);
  partnerItems_->setItemLabeler(std::move(labeler));
}

void ScrubberPanel::setDiffusionSteps(qint64 steps) {
  const bool diffusion = steps > 0;
  sampler_->setEnabled(diffusion);
  runCount_->setEnabled(diffusion);
  if (diffusion) {
    ddimSteps_->setMaximum(static_cast<int>(steps));
    ddimSteps_->setValue(static_cast<int>(std::max<qint64>(1, steps / 5)));  // a fifth of T to start with
  }
  ddimSteps_->setEnabled(diffusion && sampler_->currentData().toString() != "ddpm");
}

void ScrubberPanel::setHistory(const QVector<qint64>& history, qint64 target) {
  target_ = target;
  auto label = [this](qint64 id) { return (labeler_ ? labeler_(id) : QString::number(id)).toHtmlEscaped(); };
  QStringList parts;
  const int shown = 12;
  if (history.size() > shown) parts << tr("… %1 earlier").arg(history.size() - shown);
  for (int i = std::max(0, static_cast<int>(history.size()) - shown); i < history.size(); ++i)
    parts << label(history[i]);
  history_->setText(tr("<b>History</b> (oldest → newest, %1 items): %2 &nbsp;⟶&nbsp; <b>true next item:</b> "
                       "<span style='background:#f6dca0'>%3</span>")
                        .arg(history.size())
                        .arg(parts.isEmpty() ? tr("(empty)") : parts.join(" · "), target > 0 ? label(target) : "?"));
}

void ScrubberPanel::setRuns(const QVector<ScrubberRun>& runs) {
  setPlaying(false);
  banner_->clear();
  runs_ = runs;
  {
    const QSignalBlocker block(runChoice_);
    runChoice_->clear();
    for (const auto& r : runs_) runChoice_->addItem(r.label);
  }
  for (StepChart* c : {rankChart_, cosineChart_, normChart_, sensitivityChart_})
    c->clear();  // the test-set chart stays
  QStringList legend;
  int color = 0;
  for (const auto& r : runs_) {
    legend << QString("<span style='color:%1'>&#9632;</span>&nbsp;%2")
                  .arg(seriesColor(color).name(), r.label.toHtmlEscaped().replace(" ", "&nbsp;"));
    QVector<QPointF> rank, cosXt, cosX0, norm;
    for (const auto& s : r.table.steps) {
      if (!s.targetRank.empty() && s.targetRank[0] > 0)
        rank.push_back(QPointF(s.t, static_cast<double>(s.targetRank[0])));
      if (!s.cosXtTarget.empty()) cosXt.push_back(QPointF(s.t, s.cosXtTarget[0]));
      if (!s.cosX0Target.empty()) cosX0.push_back(QPointF(s.t, s.cosX0Target[0]));
      if (!s.normXt.empty()) norm.push_back(QPointF(s.t, s.normXt[0]));
    }
    rankChart_->addSeries(r.label, rank, color);
    cosineChart_->addSeries(r.label, cosX0, color);
    cosineChart_->addSeries(r.label + tr(" (x_t)"), cosXt, color, true);
    normChart_->addSeries(r.label, norm, color);
    sensitivityChart_->addSeries(r.label, sensitivitySeries(r.table), color);
    ++color;
  }
  runLegend_->setText(legend.join(" &nbsp; "));
  runLegend_->setVisible(!runs_.isEmpty());
  noiseSentence_->setText(summariseNoiseDependence(runs_).sentence);
  noiseSentence_->setVisible(!noiseSentence_->text().isEmpty());
  const int steps = runs_.isEmpty() ? 0 : static_cast<int>(runs_.front().table.steps.size());
  {
    const QSignalBlocker block(slider_);
    slider_->setRange(0, std::max(0, steps - 1));
    slider_->setValue(0);
  }
  runChoice_->setCurrentIndex(runs_.isEmpty() ? -1 : 0);
  refreshStep();
}

void ScrubberPanel::clearRuns(const QString& why) {
  setRuns({});
  if (!why.isEmpty()) summary_->setText(why);
}

void ScrubberPanel::setBusy(bool busy, const QString& what) {
  runButton_->setEnabled(!busy && user_->count() > 0);
  if (busy) summary_->setText(what);
}

void ScrubberPanel::showError(const QString& title, const QString& details) { banner_->showError(title, details); }

ScrubberRequest ScrubberPanel::request() const {
  ScrubberRequest r;
  r.sample = user_->count() > 0 ? sampleAt(std::max(0, user_->currentIndex())) : 0;
  r.runs = runCount_->isEnabled() ? runCount_->value() : 1;
  r.seed = static_cast<quint64>(seed_->value());
  r.sampler = sampler_->isEnabled() ? sampler_->currentData().toString() : "ddpm";
  r.ddimSteps = ddimSteps_->value();
  r.excludeHistory = excludeHistory_->isChecked();
  r.compareWith = compare_->currentIndex() - 1;
  return r;
}

void ScrubberPanel::setRequest(const ScrubberRequest& r) {
  const int row = user_->findData(r.sample);
  if (row >= 0) user_->setCurrentIndex(row);
  runCount_->setValue(r.runs);
  seed_->setValue(static_cast<int>(r.seed));
  const int s = sampler_->findData(r.sampler);
  if (s >= 0) sampler_->setCurrentIndex(s);
  ddimSteps_->setValue(r.ddimSteps);
  excludeHistory_->setChecked(r.excludeHistory);
  if (r.compareWith + 1 < compare_->count()) compare_->setCurrentIndex(r.compareWith + 1);
}

void ScrubberPanel::setComparisonModels(const QStringList& labels) {
  const QString was = compare_->currentText();
  const QSignalBlocker block(compare_);
  compare_->clear();
  compare_->addItem(tr("(no second model)"));
  compare_->addItems(labels);
  const int again = compare_->findText(was);
  compare_->setCurrentIndex(again > 0 ? again : 0);
  compare_->setEnabled(!labels.isEmpty());
}

int ScrubberPanel::partnerRun() const {
  // Pair the n-th run of one model with the n-th run of the other.
  const int run = currentRun();
  if (run < 0 || run >= runs_.size()) return -1;
  const int model = runs_[run].model;
  int nth = 0;
  for (int i = 0; i < run; ++i) nth += runs_[i].model == model ? 1 : 0;
  int fallback = -1;
  for (int i = 0, seen = 0; i < runs_.size(); ++i) {
    if (runs_[i].model == model) continue;
    if (seen++ == nth) return i;
    fallback = i;  // fewer runs over there: the last one
  }
  return fallback;
}

int ScrubberPanel::partnerStep() const {
  // The same fraction of the way through each reverse process (the two
  // models may have different T, or one may be a single-step baseline).
  const int partner = partnerRun();
  const int run = currentRun();
  if (partner < 0 || run < 0) return -1;
  const int mine = static_cast<int>(runs_[run].table.steps.size());
  const int theirs = static_cast<int>(runs_[partner].table.steps.size());
  if (theirs == 0) return -1;
  if (mine <= 1) return theirs - 1;
  return static_cast<int>(std::lround(static_cast<double>(currentStep()) * (theirs - 1) / (mine - 1)));
}

int ScrubberPanel::stepCount() const { return runs_.isEmpty() ? 0 : slider_->maximum() + 1; }
int ScrubberPanel::currentStep() const { return slider_->value(); }
void ScrubberPanel::setCurrentStep(int step) { slider_->setValue(std::clamp(step, 0, slider_->maximum())); }
int ScrubberPanel::currentRun() const { return runChoice_->currentIndex(); }
void ScrubberPanel::setCurrentRun(int run) { runChoice_->setCurrentIndex(run); }

int ScrubberPanel::currentTimestep() const {
  const int run = currentRun();
  if (run < 0 || run >= runs_.size()) return 0;
  const auto& steps = runs_[run].table.steps;
  const int i = currentStep();
  return i >= 0 && i < static_cast<int>(steps.size()) ? steps[static_cast<std::size_t>(i)].t : 0;
}

bool ScrubberPanel::isPlaying() const { return playTimer_->isActive(); }

void ScrubberPanel::setPlaying(bool playing) {
  if (playing && stepCount() > 1) {
    if (currentStep() == stepCount() - 1) setCurrentStep(0);
    playTimer_->start();
    playButton_->setIcon(style()->standardIcon(QStyle::SP_MediaPause));
  } else {
    playTimer_->stop();
    playButton_->setIcon(style()->standardIcon(QStyle::SP_MediaPlay));
  }
}

void ScrubberPanel::advance() {
  if (currentStep() + 1 >= stepCount()) {
    setPlaying(false);
    return;
  }
  setCurrentStep(currentStep() + 1);
}

QString ScrubberPanel::runLegendText() const {
  return QTextDocumentFragment::fromHtml(runLegend_->text()).toPlainText().replace(QChar::Nbsp, ' ').simplified();
}

QString ScrubberPanel::stepSummary() const { return summary_->text(); }

void ScrubberPanel::refreshStep() {
  const int run = currentRun();
  if (run < 0 || run >= runs_.size() || runs_[run].table.steps.empty()) {
    topItems_->setStep(nullptr, 0, 0, 0);
    partnerItems_->setStep(nullptr, 0, 0, 0);
    partnerBox_->hide();
    summary_->setText(tr("No run yet."));
    return;
  }
  const auto& table = runs_[run].table;
  const int i = std::clamp(currentStep(), 0, static_cast<int>(table.steps.size()) - 1);
  const auto& s = table.steps[static_cast<std::size_t>(i)];
  topItems_->setStep(&table, i, 0, target_);
  const int partner = partnerRun();
  partnerBox_->setVisible(partner >= 0);
  if (partner >= 0) {
    const auto& other = runs_[partner].table;
    const int j = partnerStep();
    const auto& o = other.steps[static_cast<std::size_t>(j)];
    partnerItems_->setStep(&other, j, 0, target_);
    const QString rank =
        o.targetRank.empty() || o.targetRank[0] < 0 ? QStringLiteral("–") : QString::number(o.targetRank[0]);
    // Two lines, always: the run's name and where it is fit the narrow column
    // without eliding, and a constant height never re-lays the panel out.
    partnerTitle_->setText(tr("%1\nstep %2 of %3 · t = %4 · rank of the true item %5")
                               .arg(runs_[partner].label)
                               .arg(j + 1)
                               .arg(other.steps.size())
                               .arg(o.t)
                               .arg(rank));
  } else {
    partnerItems_->setStep(nullptr, 0, 0, 0);
  }
  for (StepChart* c : charts()) c->setCursor(s.t);
  auto num = [](const std::vector<float>& v) {
    return v.empty() || !std::isfinite(v[0]) ? QStringLiteral("–") : QString::number(v[0], 'f', 3);
  };
  const QString rank =
      s.targetRank.empty() || s.targetRank[0] < 0 ? QStringLiteral("–") : QString::number(s.targetRank[0]);
  summary_->setText(
      tr("Step %1 of %2 · t = %3%4 · rank of the true item %5 · ‖x_t‖ %6 · cos(x_t, e) %7 · cos(x̂0, e) %8")
          .arg(i + 1)
          .arg(table.steps.size())
          .arg(s.t)
          .arg(s.t == 0 ? tr(" (final x0)") : QString())
          .arg(rank, num(s.normXt), num(s.cosXtTarget), num(s.cosX0Target)));
}

}  // namespace recdiff::views
