// MainWindow: the wiring between the panels and the studio controller, and
// the refreshes that keep the panels in step with the session.
#include <cstdint>

#include <QDockWidget>
#include <QFileInfo>
#include <QLabel>
#include <QMenu>
#include <QStatusBar>
#include <QThread>
#include <QToolBar>

#include "app/studio/core_facade.h"
#include "app/studio/dataset_controller.h"
#include "app/studio/demo.h"
#include "app/studio/evaluation_controller.h"
#include "app/studio/job_runner.h"
#include "app/studio/main_window.h"
#include "app/studio/metrics_json.h"
#include "app/studio/studio_controller.h"
#include "app/studio/studio_settings.h"
#include "app/studio/training_controller.h"
#include "views/dataset_panel.h"
#include "views/error_banner.h"
#include "views/evaluation_panel.h"
#include "views/log_panel.h"
#include "views/model_panel.h"
#include "views/param_form.h"
#include "views/scrubber_panel.h"
#include "views/start_page.h"
#include "views/training_panel.h"

namespace recdiff::studio {

void MainWindow::wirePanels() {
  connect(studio_, &StudioController::message, logPanel_, [this](const QString& text, int level) {
    logPanel_->append(text, level == 2   ? views::LogPanel::Level::Error
                            : level == 1 ? views::LogPanel::Level::Warning
                                         : views::LogPanel::Level::Info);
  });
  connect(studio_, &StudioController::sessionChanged, this, &MainWindow::refreshSession);
  connect(studio_, &StudioController::modelsChanged, this, &MainWindow::refreshModels);
  connect(studio_, &StudioController::currentModelChanged, this, &MainWindow::refreshModels);
  connect(studio_, &StudioController::modifiedChanged, this, &MainWindow::refreshTitle);
  connect(studio_->jobs(), &JobRunner::runningChanged, this, &MainWindow::refreshStatusBar);

  connect(startPage_, &views::StartPage::demoRequested, this, &MainWindow::startDemo);
  connect(startPage_, &views::StartPage::classroomRequested, this, &MainWindow::openClassroomSession);
  connect(startPage_, &views::StartPage::openDatasetRequested, this, [this] {
    showPanel("dataset");
    openDatasetDialog();
  });
  connect(startPage_, &views::StartPage::openSessionRequested, this, &MainWindow::openSessionDialog);
  connect(startPage_, &views::StartPage::recentSessionRequested, this, [this](const QString& path) {
    if (maybeSave()) openSessionFile(path);
  });
  connect(startPage_, &views::StartPage::restoreRecoveryRequested, this, [this] {
    try {
      const RecoveryStore::Recovered r = recovery_.load();
      studio_->adoptSession(r.session, r.originalPath, true);
      startPage_->setRecoveryOffer(QString());
      showPanel("dataset");
      logPanel_->append(tr("Restored the autosaved session"));
    } catch (const std::exception& e) {
      notify(tr("Could not restore the session"), QString::fromStdString(e.what()));
      startPage_->setRecoveryOffer(QString());
    }
  });
  connect(startPage_, &views::StartPage::discardRecoveryRequested, this, [this] {
    recovery_.discard();
    startPage_->setRecoveryOffer(QString());
  });
  connect(demo_, &DemoRunner::progressed, this, [this](const QString& what) {
    statusBar()->showMessage(what);
    logPanel_->append(what);
  });
  connect(demo_, &DemoRunner::finished, this, [this](bool ok, const QString& message) {
    statusBar()->showMessage(ok ? tr("Demo finished: %1").arg(message) : tr("Demo stopped: %1").arg(message), 8000);
    // The demo ends in the inspection views: three reverse runs of its
    // first test user, so the spread of the generated items shows, with
    // DimeRec's beside ADIGRec's (the second of the other models, after
    // ADIGRec without L_reg, which the Interests panel compares).
    views::ScrubberRequest first = scrubberPanel_->request();
    first.runs = 3;
    first.compareWith = 1;
    scrubberPanel_->setRequest(first);
    if (ok && startInspection(message)) {
      demoInspecting_ = true;
      return;
    }
    if (ok) showPanel("evaluation");
    Q_EMIT demoFinished(ok, message);
  });
  wireDataset();
  wireModels();
  wireTraining();
  wireEvaluation();
  wireInspection();
}

void MainWindow::wireDataset() {
  connect(datasetPanel_, &views::DatasetPanel::loadRequested, this, [this] {
    const data::DatasetSpec spec = datasetPanel_->spec();
    if (spec.path.empty()) {
      datasetPanel_->showError(tr("No dataset chosen"), tr("Type a path, use File… or Folder…, or drop a file here."));
      return;
    }
    studio_->loadDataset({DatasetSource::Kind::File, spec, {}});
  });
  connect(datasetPanel_, &views::DatasetPanel::generateRequested, this, [this] {
    DatasetSource source;
    source.kind = DatasetSource::Kind::Synthetic;
    source.synthetic = datasetPanel_->syntheticConfig();
    studio_->loadDataset(source);
  });
  DatasetController* data = studio_->datasets();
  connect(data, &DatasetController::loadingStarted, this, [this](const QString& what) {
    datasetPanel_->setBusy(true, what);
    datasetStatus_->setText(tr("Dataset: loading…"));
  });
  connect(data, &DatasetController::loaded, this, [this, data] {
    datasetPanel_->setBusy(false);
    datasetPanel_->showDataset(data->name(), data->splitName(), data->stats(), data->reportLines(), data->warnings());
    if (data->source().kind == DatasetSource::Kind::Synthetic) {
      datasetPanel_->setSyntheticSelected(true);
      datasetPanel_->setSyntheticConfig(data->source().synthetic);
    }
    refreshReadiness();
    refreshStatusBar();
    if (isStartPageVisible()) showPanel("dataset");
  });
  connect(data, &DatasetController::failed, this, [this](const QString& message) {
    datasetPanel_->setBusy(false, tr("Not loaded; see the message above."));
    datasetPanel_->showError(tr("Could not load the dataset"), message);
    showPanel("dataset");
    refreshStatusBar();
  });
  connect(data, &DatasetController::cleared, this, [this] {
    datasetPanel_->clearDataset();
    refreshStatusBar();
  });
}

void MainWindow::wireModels() {
  modelPanel_->setAvailableModels(core::availableModels());
  connect(modelPanel_, &views::ModelPanel::currentEntryChanged, studio_, &StudioController::setCurrentModel);
  connect(modelPanel_, &views::ModelPanel::addRequested, this, [this](const QString& name) {
    const bool formShowsType = QString::fromStdString(modelPanel_->form()->info().name) == name;
    studio_->addModel(name.toStdString(), formShowsType ? modelPanel_->config() : models::Config::object());
  });
  connect(modelPanel_, &views::ModelPanel::removeRequested, studio_, &StudioController::removeModel);
  connect(modelPanel_, &views::ModelPanel::labelEdited, studio_, &StudioController::renameModel);
  connect(modelPanel_, &views::ModelPanel::configEdited, this, [this](int index) {
    studio_->updateModel(index, modelPanel_->selectedModelName().toStdString(), modelPanel_->config());
  });
  connect(modelPanel_, &views::ModelPanel::loadCheckpointRequested, studio_, &StudioController::loadCheckpoint);
  connect(studio_, &StudioController::checkpointFailed, this, [this](const QString& message) {
    modelPanel_->showError(tr("Could not load the checkpoint"), message);
    showPanel("model");
  });
  connect(studio_, &StudioController::checkpointLoaded, this, [this] {
    modelPanel_->banner()->clear();
    showPanel("model");
  });
}

void MainWindow::wireTraining() {
  const core::DeviceInfo device = core::deviceInfo();
  trainingPanel_->setCudaAvailable(device.cudaAvailable,
                                   device.cudaAvailable ? tr("CUDA (%1 GPU)").arg(device.cudaDevices) : QString());
  views::TrainingRequest defaults = settings::trainingDefaults();
  if (defaults.device == "cuda" && !device.cudaAvailable) defaults.device = "cpu";
  trainingPanel_->setRequest(defaults);
  connect(trainingPanel_, &views::TrainingPanel::settingsChanged, this, [this] {
    studio_->setTrainingRequest(trainingPanel_->request());
    refreshStatusBar();
  });
  connect(trainingPanel_, &views::TrainingPanel::startRequested, trainAction_, &QAction::trigger);
  TrainingController* t = studio_->training();
  // Cancel (Esc) is enabled while any job runs.
  connect(studio_->jobs(), &JobRunner::runningChanged, this, &MainWindow::refreshReadiness);
  connect(trainingPanel_, &views::TrainingPanel::pauseRequested, t, &TrainingController::pause);
  connect(trainingPanel_, &views::TrainingPanel::resumeRequested, t, &TrainingController::resume);
  connect(trainingPanel_, &views::TrainingPanel::cancelRequested, t, &TrainingController::cancel);
  connect(t, &TrainingController::started, this, [this](const QString&, const QString& what, qint64 epochs) {
    trainingPanel_->trainingStarted(what, epochs);
    chartsEntry_ = studio_->training()->runningEntry();
    modelPanel_->setEditingEnabled(false);
    refreshReadiness();
    refreshStatusBar();
  });
  connect(t, &TrainingController::batches, trainingPanel_, &views::TrainingPanel::addBatches);
  connect(t, &TrainingController::epochEnded, trainingPanel_, &views::TrainingPanel::addEpoch);
  connect(t, &TrainingController::pausedChanged, this, [this](bool paused) {
    trainingPanel_->setPaused(paused);
    refreshStatusBar();
  });
  connect(t, &TrainingController::stopping, trainingPanel_, &views::TrainingPanel::setStopping);
  connect(t, &TrainingController::finished, this,
          [this](const QString&, bool ok, bool cancelled, const QString& message) {
            trainingPanel_->trainingFinished(ok, cancelled, message);
            modelPanel_->setEditingEnabled(true);
            refreshModels();
            refreshStatusBar();
            if (closeAfterTraining_) {
              // "Stop and quit": the run has stopped and its best checkpoint is on disk.
              QMetaObject::invokeMethod(this, &QWidget::close, Qt::QueuedConnection);
            }
          });
}

void MainWindow::wireEvaluation() {
  connect(evaluationPanel_, &views::EvaluationPanel::evaluateRequested, evaluateAction_, &QAction::trigger);
  EvaluationController* e = studio_->evaluation();
  connect(evaluationPanel_, &views::EvaluationPanel::cancelRequested, e, &EvaluationController::cancel);
  connect(e, &EvaluationController::started, this, [this](const QString&, const QString& what) {
    evaluationPanel_->evaluationStarted(what);
    refreshStatusBar();
  });
  connect(e, &EvaluationController::progress, evaluationPanel_, &views::EvaluationPanel::setProgress);
  connect(e, &EvaluationController::finished, this,
          [this](const QString&, bool ok, bool cancelled, const QString& message) {
            evaluationPanel_->evaluationFinished(ok, cancelled, message);
            refreshEvaluation();
            refreshStatusBar();
          });
}

void MainWindow::refreshSession() {
  const SessionDocument& s = studio_->session();
  chartsEntry_ = QStringLiteral("-");  // redraw the charts for the new session
  if (s.dataset.kind == DatasetSource::Kind::File) {
    datasetPanel_->setSpec(s.dataset.spec);
    datasetPanel_->setSyntheticSelected(false);
  } else if (s.dataset.kind == DatasetSource::Kind::Synthetic) {
    datasetPanel_->setSyntheticConfig(s.dataset.synthetic);
    datasetPanel_->setSyntheticSelected(true);
  }
  datasetPanel_->banner()->clear();
  modelPanel_->banner()->clear();
  trainingPanel_->banner()->clear();
  evaluationPanel_->banner()->clear();
  views::TrainingRequest request = s.training;
  if (request.device == "cuda" && !core::deviceInfo().cudaAvailable) request.device = "cpu";
  {
    const QSignalBlocker block(trainingPanel_);
    trainingPanel_->setRequest(request);
  }
  refreshModels();
  refreshTitle();
}

void MainWindow::refreshModels() {
  const SessionDocument& s = studio_->session();
  QVector<views::ModelEntryView> entries;
  for (const ModelEntry& m : s.models) {
    entries.push_back(
        {QString::fromStdString(m.label), QString::fromStdString(m.modelName), m.config, studio_->modelStatus(m)});
  }
  modelPanel_->setEntries(entries, s.currentModel);
  // The training charts show the current model's run: live while it trains,
  // its saved history (epoch means) after a switch of model or session.
  const QString currentId = s.current() ? QString::fromStdString(s.current()->id) : QString();
  if (!studio_->training()->isRunning() && currentId != chartsEntry_) {
    trainingPanel_->showHistory(s.current() ? core::epochPoints(s.current()->history)
                                            : std::vector<views::TrainingEpochPoint>());
    chartsEntry_ = currentId;
  }
  refreshReadiness();
  refreshEvaluation();
}

void MainWindow::refreshReadiness() {
  const bool training = studio_->training()->isRunning();
  QString why;
  if (!studio_->dataset()) {
    why = tr("Load a dataset first (Dataset panel).");
  } else if (!studio_->session().current()) {
    why = tr("Add a model first (Model panel).");
  }
  trainingPanel_->setReady(why.isEmpty(), why);
  trainAction_->setEnabled(why.isEmpty() && !training);
  pauseAction_->setEnabled(training);
  cancelAction_->setEnabled(studio_->jobs()->anyRunning() || demo_->isRunning());
}

void MainWindow::refreshEvaluation() {
  const SessionDocument& s = studio_->session();
  const ModelEntry* current = s.current();
  const ModelHandle model = studio_->currentModel();
  QString why;
  if (!current) {
    why = tr("Add a model first.");
  } else if (model.isNull()) {
    why = tr("Train the model or load a checkpoint first.");
  } else if (!studio_->dataset()) {
    why = tr("Load a dataset first.");
  }
  evaluationPanel_->setReady(why.isEmpty(), current ? QString::fromStdString(current->label) : QString(), why);
  evaluateAction_->setEnabled(why.isEmpty() && !studio_->evaluation()->isRunning());
  if (current) {
    const std::string split = evaluationPanel_->split().toStdString();
    std::optional<eval::RankingMetrics> metrics;
    if (current->results.contains(split)) metrics = metricsFromJson(current->results[split]);
    evaluationPanel_->showMetrics(QString::fromStdString(current->label), QString::fromStdString(split), metrics);
  } else {
    evaluationPanel_->showMetrics(QString(), QString(), std::nullopt);
  }
  QVector<views::ComparisonRow> rows;
  for (const ModelEntry& m : s.models) {
    views::ComparisonRow row;
    row.label = QString::fromStdString(m.label);
    const models::ModelInfo* info = core::findModel(m.modelName);
    row.modelType = info ? QString::fromStdString(info->displayName) : QString::fromStdString(m.modelName);
    for (const char* split : {"test", "validation"}) {
      if (m.results.contains(split)) {
        row.metrics = metricsFromJson(m.results[split]);
        if (row.metrics) {
          row.split = split;
          if (m.results[split].contains("collapse")) row.collapse = collapseFromJson(m.results[split]["collapse"]);
          break;
        }
      }
    }
    rows.push_back(row);
  }
  evaluationPanel_->setComparison(rows);
}

void MainWindow::refreshStatusBar() {
  const views::TrainingRequest r = trainingPanel_->request();
  deviceStatus_->setText(tr("Device: %1").arg(r.device == "cuda" ? QStringLiteral("CUDA") : QStringLiteral("CPU")));
  threadStatus_->setText(tr("Threads: %1").arg(r.threads > 0 ? r.threads : QThread::idealThreadCount()));
  const auto data = studio_->datasets();
  datasetStatus_->setText(data->isLoading()    ? tr("Dataset: loading…")
                          : data->hasDataset() ? tr("Dataset: %1").arg(data->name())
                                               : tr("No dataset"));
  QString job;
  if (studio_->training()->isRunning()) {
    job = studio_->training()->isPaused() ? tr("Training paused") : tr("Training…");
  } else if (studio_->evaluation()->isRunning()) {
    job = tr("Evaluating…");
  } else if (data->isLoading()) {
    job = tr("Reading the dataset…");
  }
  jobStatus_->setText(job);
  refreshReadiness();
}

void MainWindow::refreshTitle() {
  setWindowTitle(tr("%1[*] — RecDiff Studio").arg(studio_->sessionName()));
  setWindowModified(studio_->isModified());
  saveAction_->setEnabled(true);
}

void MainWindow::refreshRecent() {
  const QStringList recent = settings::recentSessions();
  startPage_->setRecentSessions(recent);
  recentMenu_->clear();
  for (const QString& path : recent) {
    recentMenu_
        ->addAction(QFileInfo(path).fileName(), this,
                    [this, path] {
                      if (maybeSave()) openSessionFile(path);
                    })
        ->setToolTip(path);
  }
  recentMenu_->setEnabled(!recent.isEmpty());
}

}  // namespace recdiff::studio
