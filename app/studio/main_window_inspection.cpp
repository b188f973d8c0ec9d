// MainWindow: the inspection docks — the reverse-diffusion scrubber, the
// interest routing view and the embedding projection — and their wiring to
// the inspection and projection controllers. The scrubber's request and
// step and the projection's settings are kept in the session's view state.
#include <cstdint>

#include <QDockWidget>
#include <QStatusBar>

#include "app/studio/dataset_controller.h"
#include "app/studio/inspection_controller.h"
#include "app/studio/main_window.h"
#include "app/studio/projection_controller.h"
#include "app/studio/studio_controller.h"
#include "views/interests_panel.h"
#include "views/log_panel.h"
#include "views/projection_panel.h"
#include "views/scrubber_panel.h"

namespace recdiff::studio {

namespace {

nlohmann::json toJson(const views::ScrubberRequest& r, int step) {
  return {{"sample", r.sample},
          {"runs", r.runs},
          {"seed", r.seed},
          {"sampler", r.sampler.toStdString()},
          {"ddim_steps", r.ddimSteps},
          {"exclude_history", r.excludeHistory},
          {"step", step}};
}

nlohmann::json toJson(const views::ProjectionSettings& s) {
  return {{"method", s.method.toStdString()},
          {"perplexity", s.perplexity},
          {"neighbours", s.neighbours},
          {"seed", s.seed},
          {"normalise", s.normalise}};
}

views::ProjectionSettings projectionFromJson(const nlohmann::json& j, views::ProjectionSettings s) {
  if (!j.is_object()) return s;
  s.method = QString::fromStdString(j.value("method", s.method.toStdString()));
  s.perplexity = j.value("perplexity", s.perplexity);
  s.neighbours = j.value("neighbours", s.neighbours);
  s.seed = j.value("seed", s.seed);
  s.normalise = j.value("normalise", s.normalise);
  return s;
}

QStringList categoryNames(const data::SequenceDataset& dataset) {
  QStringList names;
  for (const auto& name : dataset.metadata.categoryNames) names << QString::fromStdString(name);
  return names;
}

// The trained session models other than the current one: what the
// side-by-side comparisons offer.
std::vector<const ModelEntry*> otherTrainedModels(const StudioController& studio) {
  std::vector<const ModelEntry*> others;
  const ModelEntry* current = studio.session().current();
  for (const ModelEntry& entry : studio.session().models) {
    if ((current && entry.id == current->id) || studio.modelHandle(entry.id).isNull()) continue;
    others.push_back(&entry);
  }
  return others;
}

QString modelLabel(const ModelEntry* entry) { return entry ? QString::fromStdString(entry->label) : QString(); }

// The registry has no "exposes routing" flag; every model with a
// multi-interest extractor declares its k as "interests" (ADIGRec, ComiRec,
// DimeRec), and a model that does not still gets the pane's "no routing".
bool hasInterestRouting(const ModelEntry& entry) {
  const models::ModelInfo* info = core::findModel(entry.modelName);
  return info && info->find("interests") != nullptr;
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
  projectionPanel_ = new views::ProjectionPanel(this);
  return {makeDock("scrubberDock", tr("Scrubber"), scrubberPanel_),
          makeDock("interestsDock", tr("Interests"), interestsPanel_),
          makeDock("projectionDock", tr("Projection"), projectionPanel_)};
}

void MainWindow::wireInspection() {
  inspection_ = new InspectionController(studio_->jobs(), this);
  projection_ = new ProjectionController(studio_->jobs(), this);
  connect(projectionPanel_, &views::ProjectionPanel::computeRequested, this, &MainWindow::startProjection);
  connect(projectionPanel_, &views::ProjectionPanel::cancelRequested, projection_, &ProjectionController::cancel);
  connect(projection_, &ProjectionController::started, this,
          [this](const QString& what) { projectionPanel_->setBusy(true, what); });
  connect(projection_, &ProjectionController::progress, this,
          [this](const QString& what, int percent, const QVector<QPointF>& layout) {
            projectionPanel_->setBusy(true, what, percent);
            projectionPanel_->setLayout2d(layout);
          });
  connect(projection_, &ProjectionController::finished, this, [this](bool ok, bool cancelled, const QString& message) {
    projectionPanel_->setBusy(false, message);
    if (demoProjecting_) {
      demoProjecting_ = false;
      Q_EMIT demoFinished(true, message);
    }
    if (!ok) {
      projectionPanel_->showError(tr("The projection failed"), message);
      return;
    }
    if (cancelled) return;
    const ProjectionResult& r = projection_->last();
    projectionPanel_->setResult(r.catalog, r.generated, r.contours, message);
    refreshProjectionOverlay();
    logPanel_->append(message);
  });
  projectionPanel_->setNeighbourFinder([this](int item, int count) { return projection_->nearestItems(item, count); });
  connect(studio_->datasets(), &DatasetController::loaded, this, &MainWindow::refreshInspection);
  connect(studio_, &StudioController::currentModelChanged, this, &MainWindow::refreshInspection);
  connect(studio_, &StudioController::modelsChanged, this, &MainWindow::refreshInspection);
  connect(scrubberPanel_, &views::ScrubberPanel::sampleChanged, this, &MainWindow::showInspectionSample);
  connect(scrubberPanel_, &views::ScrubberPanel::runRequested, this, [this] { startInspection(QString()); });
  connect(scrubberPanel_, &views::ScrubberPanel::stepAccuracyRequested, this, [this](const views::ScrubberRequest& r) {
    const views::TrainingRequest& training = studio_->session().training;
    QString error;
    if (!inspection_->startStepAccuracy(studio_->currentModel(), studio_->dataset(), r,
                                        QString::fromStdString(training.device), training.threads, &error)) {
      scrubberPanel_->showError(tr("Cannot rank the test split"), error);
    }
  });
  connect(scrubberPanel_, &views::ScrubberPanel::rankingRequested, this, [this] {
    const views::TrainingRequest& training = studio_->session().training;
    QString error;
    if (!inspection_->startRanking(studio_->currentModel(), studio_->dataset(), QString::fromStdString(training.device),
                                   training.threads, &error)) {
      scrubberPanel_->setSampleRanks({});
      scrubberPanel_->showError(tr("Cannot rank the test users"), error);
    }
  });
  connect(inspection_, &InspectionController::rankingProgress, this, [this](qint64 done, qint64 total) {
    statusBar()->showMessage(tr("Ranking the test users: %1 of %2…").arg(done).arg(total), 2000);
  });
  connect(inspection_, &InspectionController::rankingFinished, this, [this](bool ok, const QString& message) {
    scrubberPanel_->setSampleRanks(ok ? inspection_->testRanks(studio_->currentModel()) : QVector<qint64>());
    if (!ok) scrubberPanel_->showError(tr("Ranking the test users failed"), message);
    statusBar()->showMessage(message, 4000);
  });
  connect(inspection_, &InspectionController::stepAccuracyProgress, scrubberPanel_,
          &views::ScrubberPanel::setStepAccuracyProgress);
  connect(inspection_, &InspectionController::stepAccuracyFinished, this, [this](bool ok, const QString& message) {
    if (ok) {
      scrubberPanel_->setStepAccuracy(inspection_->lastStepAccuracy(), message);
    } else {
      scrubberPanel_->setStepAccuracy({}, QString());
      scrubberPanel_->showError(tr("Ranking the test split failed"), message);
    }
  });
  connect(scrubberPanel_, &views::ScrubberPanel::stepChanged, this, [this](int step) {
    if (!scrubberPanel_->runs().isEmpty()) studio_->setViewState("scrubber", toJson(scrubberPanel_->request(), step));
    refreshProjectionOverlay();
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
        interestsPanel_->setModelLabel(modelLabel(studio_->session().current()));
        interestsPanel_->setInspection(r.user, r.inspection, QVector<qint64>(history.begin(), history.end()));
        interestsPanel_->setDiagnostics(r.diagnostics, categoryNames(*dataset));
      }
      // The demo shows its two models' routing side by side too.
      const QStringList others = interestsPanel_->comparisonIds();
      if (demoInspecting_ && interestsPanel_->comparisonId().isEmpty() && !others.isEmpty()) {
        interestsPanel_->setComparisonId(others.first());  // starts the comparison
      } else {
        startInterestComparison();
      }
      studio_->setViewState("scrubber", toJson(scrubberPanel_->request(), scrubberPanel_->currentStep()));
      refreshProjectionOverlay();
      logPanel_->append(message);
    } else {
      scrubberPanel_->showError(tr("The reverse run failed"), message);
      logPanel_->append(message, views::LogPanel::Level::Error);
    }
    // The demo's catalogue map waits for the routing comparison: both fill
    // the panels its screenshots show.
    if (demoInspecting_ && !inspection_->isRoutingRunning()) continueDemoWithProjection(message);
  });
  connect(interestsPanel_, &views::InterestsPanel::comparisonChanged, this, [this](const QString& id) {
    studio_->setViewState("interests", {{"compare_with", id.toStdString()}});
    startInterestComparison();
  });
  connect(inspection_, &InspectionController::routingFinished, this, [this](bool ok, const QString& message) {
    views::RoutingPane* pane = interestsPanel_->comparison();
    const RoutingResult& r = inspection_->lastRouting();
    const auto dataset = studio_->dataset();
    if (!ok) {
      pane->clear(tr("Cannot read this model's routing: %1").arg(message));
    } else if (dataset && static_cast<std::size_t>(r.sample) < dataset->test.size()) {
      const auto& history = dataset->test[static_cast<std::size_t>(r.sample)].history;
      pane->setInspection(r.inspection, QVector<qint64>(history.begin(), history.end()));
      pane->setDiagnostics(r.diagnostics, categoryNames(*dataset));
    }
    // (A comparison left over from before the demo's own run does not count.)
    if (demoInspecting_ && !inspection_->isRunning()) continueDemoWithProjection(message);
  });
}

bool MainWindow::startProjection(const views::ProjectionSettings& p) {
  const views::TrainingRequest& training = studio_->session().training;
  ProjectionRequest r;
  r.method = p.method;
  r.perplexity = p.perplexity;
  r.neighbours = p.neighbours;
  r.seed = p.seed;
  r.normalise = p.normalise;
  QString error;
  if (!projection_->start(studio_->currentModel(), studio_->dataset(), r, QString::fromStdString(training.device),
                          training.threads, &error)) {
    projectionPanel_->showError(tr("Cannot map the catalogue"), error);
    return false;
  }
  studio_->setViewState("projection", toJson(p));
  return true;
}

void MainWindow::continueDemoWithProjection(const QString& message) {
  // Then its catalogue map, with the runs in it.
  demoInspecting_ = false;
  showPanel("interests");
  showPanel("projection");
  showPanel("scrubber");
  demoProjecting_ = true;
  views::ProjectionSettings map = projectionPanel_->settings();
  map.method = "tsne";  // a few seconds for the demo's 500 items; the categories show as islands
  projectionPanel_->setSettings(map);
  if (!startProjection(map)) {
    demoProjecting_ = false;
    Q_EMIT demoFinished(true, message);
  }
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
  {
    QStringList labels;
    QVector<int> category, popularity(dataset->numItems, 0);
    for (std::int32_t id = 1; id <= dataset->numItems; ++id) {
      labels << itemLabel(*dataset, id);
      category << dataset->metadata.primaryCategory(id);
    }
    for (const auto& s : dataset->train) {
      for (auto item : s.history) ++popularity[item - 1];
      ++popularity[s.target - 1];
    }
    projectionPanel_->setItems(labels, category, categoryNames(*dataset), popularity);
    projectionPanel_->setSettings(projectionFromJson(studio_->viewState("projection"), projectionPanel_->settings()));
  }
  if (projection_->last().catalog.size() != dataset->numItems)
    projectionPanel_->clearMap(tr("Compute a projection of the catalogue."));
  {
    QStringList labels;
    comparisonIds_.clear();
    for (const ModelEntry* entry : otherTrainedModels(*studio_)) {
      comparisonIds_ << QString::fromStdString(entry->id);
      labels << QString::fromStdString(entry->label);
    }
    scrubberPanel_->setComparisonModels(labels);
  }
  refreshInterestComparisons();
  const views::ScrubberRequest saved = requestFromJson(studio_->viewState("scrubber"), scrubberPanel_->request());
  scrubberPanel_->setSamples(testSampleLabels(*dataset));
  scrubberPanel_->setSampleRanks(inspection_->testRanks(model));
  scrubberPanel_->setRequest(saved);
  if (model.isNull()) {
    scrubberPanel_->clearRuns(tr("Train the model or load a checkpoint, then press Run."));
    interestsPanel_->clear(tr("Train a multi-interest model (ADIGRec, DimeRec, ComiRec) to see its routing."));
    return;
  }
  scrubberPanel_->setDiffusionSteps(model.diffusionSteps());
}

void MainWindow::refreshInterestComparisons() {
  // Those with routing, for the Interests panel's side-by-side view; the
  // choice is kept in the session.
  QStringList labels, ids;
  for (const ModelEntry* entry : otherTrainedModels(*studio_)) {
    if (!hasInterestRouting(*entry)) continue;
    ids << QString::fromStdString(entry->id);
    labels << QString::fromStdString(entry->label);
  }
  interestsPanel_->setComparisonModels(labels, ids);
  const nlohmann::json saved = studio_->viewState("interests");
  if (saved.is_object() && saved.contains("compare_with") && saved["compare_with"].is_string()) {
    interestsPanel_->setComparisonId(QString::fromStdString(saved["compare_with"].get<std::string>()));
  }
}

void MainWindow::startInterestComparison() {
  const QString id = interestsPanel_->comparisonId();
  if (id.isEmpty()) return;
  views::RoutingPane* pane = interestsPanel_->comparison();
  const InspectionResult& shown = inspection_->last();
  if (shown.runs.isEmpty()) {
    pane->clear(tr("Press Run in the scrubber: the comparison shows the same user."));
    return;
  }
  QString error;
  const views::TrainingRequest& training = studio_->session().training;
  if (inspection_->startRouting(studio_->modelHandle(id.toStdString()), studio_->dataset(), shown.sample,
                                training.threads, &error)) {
    pane->clear(tr("Reading the routing for %1…").arg(shown.user));
  } else {
    pane->clear(error);
  }
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
  const views::ScrubberRequest request = scrubberPanel_->request();
  ScrubberComparison comparison;
  if (request.compareWith >= 0 && request.compareWith < comparisonIds_.size()) {
    const std::string id = comparisonIds_[request.compareWith].toStdString();
    for (const ModelEntry& entry : studio_->session().models) {
      if (entry.id == id) comparison.label = QString::fromStdString(entry.label);
    }
    comparison.model = studio_->modelHandle(id);
    const ModelEntry* current = studio_->session().current();
    comparison.mainLabel = current ? QString::fromStdString(current->label) : tr("current model");
  }
  const bool ok = inspection_->start(studio_->currentModel(), studio_->dataset(), request,
                                     QString::fromStdString(training.device), training.threads, &error, comparison);
  if (!ok && why.isEmpty()) scrubberPanel_->showError(tr("Cannot run the reverse process"), error);
  return ok;
}

void MainWindow::refreshProjectionOverlay() {
  const auto& runs = scrubberPanel_->runs();
  if (!projection_->last().placement || runs.isEmpty()) {
    projectionPanel_->setTrajectory({}, -1);
    projectionPanel_->setRunEnds({});
    return;
  }
  try {
    // The selected run's x̂0 at every step, and where each run ended.
    const int run = std::max(0, scrubberPanel_->currentRun());
    const auto& table = runs[run].table;
    std::vector<float> path;
    for (const auto& step : table.steps) path.insert(path.end(), step.x0Hat.begin(), step.x0Hat.begin() + table.dim);
    projectionPanel_->setTrajectory(projection_->place(path, table.dim), scrubberPanel_->currentStep());
    std::vector<float> ends;
    for (const auto& r : runs) {
      if (!r.table.steps.empty())
        ends.insert(ends.end(), r.table.steps.back().x0Hat.begin(), r.table.steps.back().x0Hat.begin() + r.table.dim);
    }
    projectionPanel_->setRunEnds(projection_->place(ends, table.dim));
  } catch (const std::exception&) {
    // A map of another model's embeddings (another dimension): no overlay.
    projectionPanel_->setTrajectory({}, -1);
    projectionPanel_->setRunEnds({});
  }
}

}  // namespace recdiff::studio
