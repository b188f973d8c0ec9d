#include "views/training_panel.h"

#include <QCheckBox>
#include <QComboBox>
#include <QGridLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QProgressBar>
#include <QPushButton>
#include <QSlider>
#include <QSpinBox>
#include <QSplitter>
#include <QTabWidget>
#include <QStyle>
#include <QThread>
#include <QVBoxLayout>

#include <cmath>
#include <cstdint>

#include "views/error_banner.h"
#include "views/series_chart.h"

namespace recdiff::views {

QString formatDuration(double seconds) {
  if (!std::isfinite(seconds) || seconds < 0) return QStringLiteral("–");
  const long long s = std::llround(seconds);
  if (s >= 3600) {
    return QString("%1:%2:%3").arg(s / 3600).arg((s / 60) % 60, 2, 10, QChar('0')).arg(s % 60, 2, 10, QChar('0'));
  }
  return QString("%1:%2").arg(s / 60).arg(s % 60, 2, 10, QChar('0'));
}

TrainingPanel::TrainingPanel(QWidget* parent) : QWidget(parent) {
  setObjectName("trainingPanel");
  auto* layout = new QVBoxLayout(this);
  banner_ = new ErrorBanner(this);
  layout->addWidget(banner_);

  auto* settings = new QGroupBox(tr("Run"), this);
  auto* grid = new QGridLayout(settings);
  device_ = new QComboBox(settings);
  device_->setObjectName("trainDevice");
  device_->addItem(tr("CPU"), "cpu");
  device_->setToolTip(tr("Where the model trains; CUDA appears when LibTorch sees a GPU"));
  threads_ = new QSpinBox(settings);
  threads_->setObjectName("trainThreads");
  threads_->setRange(0, 256);
  threads_->setSpecialValueText(tr("all cores"));
  threads_->setValue(QThread::idealThreadCount());
  threads_->setToolTip(tr("LibTorch intra-op threads (0 = all cores)"));
  epochs_ = new QSpinBox(settings);
  epochs_->setObjectName("trainEpochs");
  epochs_->setRange(0, 100000);
  epochs_->setSpecialValueText(tr("model's"));
  epochs_->setToolTip(
      tr("Epochs to train; \"model's\" uses the model's epochs parameter "
         "(early stopping may end sooner)"));
  validationSamples_ = new QSpinBox(settings);
  validationSamples_->setObjectName("validationSamples");
  validationSamples_->setRange(0, 100000000);
  validationSamples_->setSpecialValueText(tr("all"));
  validationSamples_->setSingleStep(500);
  validationSamples_->setToolTip(tr("Validate on a subset drawn with the run's seed, to save time (0 = all samples)"));
  seed_ = new QSpinBox(settings);
  seed_->setObjectName("trainSeed");
  seed_->setRange(0, 2147483647);
  seed_->setValue(42);
  seed_->setToolTip(tr("Seed of every random draw: same seed and CPU, same numbers"));
  const std::pair<QString, QWidget*> fields[] = {{tr("Device"), device_},
                                                 {tr("Threads"), threads_},
                                                 {tr("Epochs"), epochs_},
                                                 {tr("Validation samples"), validationSamples_},
                                                 {tr("Seed"), seed_}};
  int col = 0;
  for (const auto& [text, w] : fields) {
    auto* l = new QLabel(text, settings);
    l->setBuddy(w);
    grid->addWidget(l, 0, col++);
    grid->addWidget(w, 0, col++);
  }
  grid->setColumnStretch(col, 1);
  layout->addWidget(settings);
  for (QSpinBox* s : {threads_, epochs_, validationSamples_, seed_}) {
    connect(s, &QSpinBox::valueChanged, this, &TrainingPanel::settingsChanged);
  }
  connect(device_, &QComboBox::currentIndexChanged, this, &TrainingPanel::settingsChanged);

  auto* controls = new QHBoxLayout;
  start_ = new QPushButton(style()->standardIcon(QStyle::SP_MediaPlay), tr("Start"), this);
  start_->setObjectName("startTraining");
  pause_ = new QPushButton(style()->standardIcon(QStyle::SP_MediaPause), tr("Pause"), this);
  pause_->setObjectName("pauseTraining");
  pause_->setToolTip(tr("Pause after the current batch (F6)"));
  resume_ = new QPushButton(style()->standardIcon(QStyle::SP_MediaSeekForward), tr("Resume"), this);
  resume_->setObjectName("resumeTraining");
  resume_->setToolTip(tr("Continue a paused run (F6)"));
  cancel_ = new QPushButton(style()->standardIcon(QStyle::SP_MediaStop), tr("Cancel"), this);
  cancel_->setObjectName("cancelTraining");
  cancel_->setToolTip(tr("Stop within one batch; the best checkpoint so far is kept (Esc)"));
  progress_ = new QProgressBar(this);
  progress_->setObjectName("trainingProgress");
  progress_->setRange(0, 1000);
  progress_->setValue(0);
  progress_->setFormat("%p %");
  eta_ = new QLabel(this);
  eta_->setObjectName("trainingEta");
  eta_->setMinimumWidth(220);
  for (QPushButton* b : {start_, pause_, resume_, cancel_}) controls->addWidget(b);
  controls->addWidget(progress_, 1);
  controls->addWidget(eta_);
  layout->addLayout(controls);
  status_ = new QLabel(tr("Load a dataset and choose a model, then press Start (F5)."), this);
  status_->setObjectName("trainingStatus");
  status_->setWordWrap(true);
  layout->addWidget(status_);
  connect(start_, &QPushButton::clicked, this, &TrainingPanel::startRequested);
  connect(pause_, &QPushButton::clicked, this, &TrainingPanel::pauseRequested);
  connect(resume_, &QPushButton::clicked, this, &TrainingPanel::resumeRequested);
  connect(cancel_, &QPushButton::clicked, this, &TrainingPanel::cancelRequested);

  auto* chartOptions = new QHBoxLayout;
  auto* smoothingLabel = new QLabel(tr("Smoothing"), this);
  smoothing_ = new QSlider(Qt::Horizontal, this);
  smoothing_->setObjectName("lossSmoothing");
  smoothing_->setRange(0, 95);
  smoothing_->setValue(60);
  smoothing_->setMaximumWidth(160);
  smoothing_->setToolTip(tr("Exponential moving average of the per-batch losses (0 = raw)"));
  smoothingLabel->setBuddy(smoothing_);
  logScale_ = new QCheckBox(tr("Log scale"), this);
  logScale_->setToolTip(tr("Loss components of very different sizes read better on a log axis"));
  chartOptions->addWidget(smoothingLabel);
  chartOptions->addWidget(smoothing_);
  chartOptions->addWidget(logScale_);
  chartOptions->addStretch(1);
  layout->addLayout(chartOptions);

  auto* charts = new QSplitter(Qt::Vertical, this);
  losses_ = new SeriesChart(perBatchTitle(), tr("batch"), tr("loss"), charts);
  losses_->setObjectName("lossChart");
  losses_->setSmoothing(smoothing_->value() / 100.0);
  validation_ = new SeriesChart(tr("Validation (per epoch)"), tr("epoch"), tr("%"), charts);
  validation_->setObjectName("validationChart");
  validation_->setPointsVisible(true);
  validation_->setDisplayFactor(100.0);
  collapse_ = new SeriesChart(tr("Collapse watch (per epoch, on validation users)"), tr("epoch"), tr("%"), charts);
  collapse_->setObjectName("collapseChart");
  collapse_->setPointsVisible(true);
  collapse_->setDisplayFactor(100.0);
  collapse_->setToolTip(
      tr("Routing collapse (paper 000 §4.4.2) is \"a single interest expressed by a single item\": "
         "rising lines are collapse for the interest heads — heads with at least 0.9 of their "
         "weight on one item, heads attending alike (mean cosine), one head winning every "
         "position. For the item table a falling effective rank (of d) is collapse."));
  // Validation and the collapse watch share the lower half as tabs: three
  // stacked charts leave none of them room for its axis labels.
  epochCharts_ = new QTabWidget(charts);
  epochCharts_->setObjectName("epochCharts");
  epochCharts_->addTab(validation_, tr("Validation"));
  epochCharts_->addTab(collapse_, tr("Collapse watch"));
  charts->addWidget(losses_);
  charts->addWidget(epochCharts_);
  charts->setStretchFactor(0, 3);
  charts->setStretchFactor(1, 2);
  layout->addWidget(charts, 1);
  connect(smoothing_, &QSlider::valueChanged, this, [this](int v) { losses_->setSmoothing(v / 100.0); });
  connect(logScale_, &QCheckBox::toggled, losses_, &SeriesChart::setLogScale);
  updateButtons();
}

TrainingRequest TrainingPanel::request() const {
  TrainingRequest r;
  r.device = device_->currentData().toString().toStdString();
  r.threads = threads_->value();
  r.epochs = epochs_->value() == 0 ? -1 : epochs_->value();
  r.validationSamples = validationSamples_->value();
  r.seed = static_cast<std::uint64_t>(seed_->value());
  return r;
}

void TrainingPanel::setRequest(const TrainingRequest& r) {
  const QSignalBlocker blockDevice(device_);
  const int d = device_->findData(QString::fromStdString(r.device));
  device_->setCurrentIndex(d >= 0 ? d : 0);
  for (QSpinBox* s : {threads_, epochs_, validationSamples_, seed_}) s->blockSignals(true);
  threads_->setValue(r.threads);
  epochs_->setValue(r.epochs < 0 ? 0 : static_cast<int>(r.epochs));
  validationSamples_->setValue(static_cast<int>(r.validationSamples));
  seed_->setValue(static_cast<int>(r.seed));
  for (QSpinBox* s : {threads_, epochs_, validationSamples_, seed_}) s->blockSignals(false);
  Q_EMIT settingsChanged();
}

void TrainingPanel::setCudaAvailable(bool available, const QString& description) {
  const int index = device_->findData("cuda");
  if (available && index < 0) {
    device_->addItem(description.isEmpty() ? tr("CUDA") : description, "cuda");
  } else if (!available && index >= 0) {
    device_->removeItem(index);
  }
}

void TrainingPanel::setReady(bool ready, const QString& why) {
  ready_ = ready;
  notReady_ = why;
  updateButtons();
}

void TrainingPanel::updateButtons() {
  const bool idle = state_ == State::Idle;
  start_->setEnabled(idle && ready_);
  start_->setToolTip(idle && !ready_ && !notReady_.isEmpty() ? notReady_ : tr("Train the selected model (F5)"));
  pause_->setEnabled(state_ == State::Running);
  resume_->setEnabled(state_ == State::Paused);
  cancel_->setEnabled(state_ == State::Running || state_ == State::Paused);
  for (QWidget* w : std::initializer_list<QWidget*>{device_, threads_, epochs_, validationSamples_, seed_}) {
    w->setEnabled(idle);
  }
}

QString TrainingPanel::perBatchTitle() const { return tr("Training losses (per batch)"); }

void TrainingPanel::trainingStarted(const QString& what, std::int64_t plannedEpochs) {
  banner_->clear();
  losses_->clear();
  losses_->setTitles(perBatchTitle(), tr("batch"));
  validation_->clear();
  collapse_->clear();
  progress_->setValue(0);
  eta_->setText(tr("starting…"));
  status_->setText(what + (plannedEpochs > 0 ? tr(" — up to %1 epochs").arg(plannedEpochs) : QString()));
  state_ = State::Running;
  updateButtons();
}

void TrainingPanel::addBatches(const std::vector<TrainingBatchPoint>& points) {
  if (points.empty()) return;
  for (const TrainingBatchPoint& p : points) {
    for (const auto& [name, value] : p.losses) {
      losses_->addPoint(QString::fromStdString(name), static_cast<double>(p.globalBatch), value);
    }
  }
  const TrainingBatchPoint& last = points.back();
  if (last.totalBatches > 0) {
    progress_->setValue(static_cast<int>(1000.0 * last.globalBatch / last.totalBatches));
  }
  if (state_ == State::Running) {
    eta_->setText(tr("epoch %1 · batch %2/%3 · %4 left")
                      .arg(last.epoch)
                      .arg(last.batch)
                      .arg(last.batches)
                      .arg(formatDuration(last.etaSeconds)));
  }
}

void TrainingPanel::addEpoch(const TrainingEpochPoint& p) {
  if (p.validation) {
    const auto& v = *p.validation;
    const auto hr = v.hitRate.find(20), ndcg = v.ndcg.find(20);
    if (hr != v.hitRate.end()) validation_->addPoint("HR@20", static_cast<double>(p.globalEpoch), hr->second);
    if (ndcg != v.ndcg.end()) validation_->addPoint("NDCG@20", static_cast<double>(p.globalEpoch), ndcg->second);
    validation_->flush();
  }
  if (const auto& c = p.collapse) {
    const auto x = static_cast<double>(p.globalEpoch);
    if (c->interests > 0) {
      // Paper 000 §4.4.2: routing collapse is a head on a single item.
      collapse_->addPoint(tr("heads collapsed onto one item"), x, c->collapsedHeadShare);
      collapse_->addPoint(tr("head redundancy (mean cosine × 100)"), x, c->headRedundancy);
      collapse_->addPoint(tr("largest head's share of positions"), x, c->largestHeadShare);
    }
    if (c->dimensions > 0)
      collapse_->addPoint(tr("item-table effective rank (of d)"), x, c->itemEffectiveRank / c->dimensions);
    collapse_->flush();
  }
  QString text = tr("Epoch %1 done in %2").arg(p.globalEpoch).arg(formatDuration(p.seconds));
  const auto total = p.meanLosses.find("total");
  if (total != p.meanLosses.end()) text += tr(" · mean loss %1").arg(total->second, 0, 'g', 4);
  if (p.validation) {
    const auto ndcg = p.validation->ndcg.find(20);
    if (ndcg != p.validation->ndcg.end()) {
      text += tr(" · validation NDCG@20 %1 %").arg(100.0 * ndcg->second, 0, 'f', 2);
    }
    if (p.improved) text += tr(" (best so far, checkpoint saved)");
  }
  // Records written before the routing-collapse figures have none (NaN).
  if (p.collapse && p.collapse->interests > 0 && std::isfinite(p.collapse->collapsedHeadShare)) {
    text += tr(" · %1 % of heads collapsed onto one item, %2 effective items per head, head redundancy %3, L_reg %4")
                .arg(100.0 * p.collapse->collapsedHeadShare, 0, 'f', 1)
                .arg(p.collapse->effectiveItemsPerHead, 0, 'f', 2)
                .arg(p.collapse->headRedundancy, 0, 'f', 2)
                .arg(p.collapse->lReg, 0, 'g', 3);
  }
  status_->setText(text);
}

void TrainingPanel::setPaused(bool paused) {
  if (state_ == State::Idle || state_ == State::Stopping) return;
  state_ = paused ? State::Paused : State::Running;
  if (paused) eta_->setText(tr("paused"));
  updateButtons();
}

void TrainingPanel::setStopping() {
  if (state_ == State::Idle) return;
  state_ = State::Stopping;
  eta_->setText(tr("stopping…"));
  updateButtons();
}

void TrainingPanel::trainingFinished(bool ok, bool cancelled, const QString& message) {
  state_ = State::Idle;
  losses_->flush();
  validation_->flush();
  collapse_->flush();
  if (ok && !cancelled) progress_->setValue(progress_->maximum());
  eta_->setText(cancelled ? tr("cancelled") : ok ? tr("done") : tr("failed"));
  status_->setText(message);
  if (!ok) banner_->showError(tr("Training failed"), message);
  updateButtons();
}

void TrainingPanel::showError(const QString& title, const QString& details) { banner_->showError(title, details); }

void TrainingPanel::showHistory(const std::vector<TrainingEpochPoint>& epochs) {
  if (state_ != State::Idle) return;
  losses_->clear();
  // A past run's batches are not kept: its losses are plotted per epoch.
  if (epochs.empty()) {
    losses_->setTitles(perBatchTitle(), tr("batch"));
  } else {
    losses_->setTitles(tr("Training losses (epoch means)"), tr("epoch"));
  }
  validation_->clear();
  collapse_->clear();
  for (const TrainingEpochPoint& p : epochs) {
    for (const auto& [name, value] : p.meanLosses) {
      losses_->addPoint(QString::fromStdString(name), static_cast<double>(p.globalEpoch), value);
    }
    addEpoch(p);
  }
  losses_->flush();
  progress_->setValue(0);
  eta_->clear();
  status_->setText(epochs.empty()
                       ? tr("Press Start (F5) to train the current model.")
                       : tr("Trained earlier: %1 epochs (the loss chart shows epoch means).").arg(epochs.size()));
}

}  // namespace recdiff::views
