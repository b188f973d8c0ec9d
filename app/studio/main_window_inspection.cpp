// MainWindow: the inspection docks — the reverse-diffusion scrubber and the
// interest routing view — and their wiring to the inspection controller.
// The scrubber's request and step are kept in the session's view state.
#include <QDockWidget>
#include <QStatusBar>

#include "app/studio/dataset_controller.h"
#include "app/studio/inspection_controller.h"
#include "app/studio/main_window.h"
#include "app/studio/studio_controller.h"
#include "views/interests_panel.h"
#include "views/log_panel.h"
#include "views/scrubber_panel.h"

namespace recdiff::studio {

namespace {

nlohmann::json toJson(const views::ScrubberRequest& r, int step) {
  return {{"sample", r.sample}, {"runs", r.runs}, {"seed", r.seed}, {"sampler", r.sampler.toStdString()},
          {"ddim_steps", r.ddimSteps}, {"exclude_history", r.excludeHistory}, {"step", step}};
}

views::ScrubberRequest requestFromJson(const nlohmann::json& j, views::ScrubberRequest r) {
  if (!j.is_object()) return r;
  r.sample = j.value("sample", r.sample);
  r.runs = j.value("runs", r.runs);
  r.seed = j.value("seed", r.seed);
  r.sampler = QString::fromStdString(j.value("sampler", r.sampler.toStdString()));
  r.ddimSteps = j.value("ddim_steps", r.ddimSteps);
  r.excludeHistory = j.value("exclude_history", r.excludeHistory);
  return r;
}

}  // namespace

QList<QDockWidget*> MainWindow::buildInspectionDocks() {
  scrubberPanel_ = new views::ScrubberPanel(this);
  interestsPanel_ = new views::InterestsPanel(this);
  return {makeDock("scrubberDock", tr("Scrubber"), scrubberPanel_),
          makeDock("interestsDock", tr("Interests"), interestsPanel_)};
}

void MainWindow::wireInspection() {
  inspection_ = new InspectionController(studio_->jobs(), this);
  connect(studio_->datasets(), &DatasetController::loaded, this, &MainWindow::refreshInspection);
  connect(studio_, &StudioController::currentModelChanged, this, &MainWindow::refreshInspection);
  connect(studio_, &StudioController::modelsChanged, this, &MainWindow::refreshInspection);
  connect(scrubberPanel_, &views::ScrubberPanel::sampleChanged, this, &MainWindow::showInspectionSample);
  connect(scrubberPanel_, &views::ScrubberPanel::runRequested, this, [this] { startInspection(QString()); });
  connect(scrubberPanel_, &views::ScrubberPanel::stepChanged, this, [this](int step) {
    if (!scrubberPanel_->runs().isEmpty()) studio_->setViewState("scrubber", toJson(scrubberPanel_->request(), step));
  });
  connect(inspection_, &InspectionController::started, this, [this](const QString& what) {
    scrubberPanel_->setBusy(true, what);
    statusBar()->showMessage(what);
  });
  connect(inspection_, &InspectionController::finished, this, [this](bool ok, const QString& message) {
    scrubberPanel_->setBusy(false);
    statusBar()->showMessage(message, 5000);
    if (ok) {
      const InspectionResult& r = inspection_->last();
      scrubberPanel_->setRuns(r.runs);
      const nlohmann::json saved = studio_->viewState("scrubber");
      const int step = saved.is_object() && saved.value("sample", -1) == r.sample ? saved.value("step", -1) : -1;
      scrubberPanel_->setCurrentStep(step >= 0 ? step : scrubberPanel_->stepCount() - 1);
      const auto dataset = studio_->dataset();
      if (dataset && static_cast<std::size_t>(r.sample) < dataset->test.size()) {
        const auto& history = dataset->test[static_cast<std::size_t>(r.sample)].history;
        interestsPanel_->setInspection(r.user, r.inspection, QVector<qint64>(history.begin(), history.end()));
      }
      studio_->setViewState("scrubber", toJson(scrubberPanel_->request(), scrubberPanel_->currentStep()));
      logPanel_->append(message);
    } else {
      scrubberPanel_->showError(tr("The reverse run failed"), message);
      logPanel_->append(message, views::LogPanel::Level::Error);
    }
    if (demoInspecting_) {
      demoInspecting_ = false;
      showPanel("interests");
      showPanel("scrubber");
      Q_EMIT demoFinished(true, message);
    }
  });
}

void MainWindow::refreshInspection() {
  const auto dataset = studio_->dataset();
  const ModelHandle model = studio_->currentModel();
  if (!dataset) {
    scrubberPanel_->setSamples({});
    scrubberPanel_->clearRuns(tr("Load a dataset first."));
    interestsPanel_->clear(tr("Load a dataset first."));
    return;
  }
  auto labeler = [dataset](qint64 id) { return itemLabel(*dataset, id); };
  scrubberPanel_->setItemLabeler(labeler);
  interestsPanel_->setItemLabeler(labeler);
  const views::ScrubberRequest saved = requestFromJson(studio_->viewState("scrubber"), scrubberPanel_->request());
  scrubberPanel_->setSamples(testSampleLabels(*dataset));
  scrubberPanel_->setRequest(saved);
  if (model.isNull()) {
    scrubberPanel_->clearRuns(tr("Train the model or load a checkpoint, then press Run."));
    interestsPanel_->clear(tr("Train a multi-interest model (ADIGRec, DimeRec, ComiRec) to see its routing."));
    return;
  }
  scrubberPanel_->setDiffusionSteps(model.diffusionSteps());
}

void MainWindow::showInspectionSample(int sample) {
  const auto dataset = studio_->dataset();
  if (!dataset || sample < 0 || static_cast<std::size_t>(sample) >= dataset->test.size()) return;
  const auto& s = dataset->test[static_cast<std::size_t>(sample)];
  scrubberPanel_->setHistory(QVector<qint64>(s.history.begin(), s.history.end()), s.target);
}

bool MainWindow::startInspection(const QString& why) {
  const views::TrainingRequest& training = studio_->session().training;
  QString error;
  const bool ok = inspection_->start(studio_->currentModel(), studio_->dataset(), scrubberPanel_->request(),
                                     QString::fromStdString(training.device), training.threads, &error);
  if (!ok && why.isEmpty()) scrubberPanel_->showError(tr("Cannot run the reverse process"), error);
  return ok;
}

}  // namespace recdiff::studio
