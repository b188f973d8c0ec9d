#include "app/studio/studio_controller.h"

#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QLocale>
#include <QRandomGenerator>
#include <QStandardPaths>

#include "app/studio/dataset_controller.h"
#include "app/studio/evaluation_controller.h"
#include "app/studio/job_runner.h"
#include "app/studio/metrics_json.h"
#include "app/studio/training_controller.h"
#include "views/atomic_save.h"

namespace recdiff::studio {

namespace {

nlohmann::json datasetJson(const DatasetSource& source) {
  SessionDocument d;
  d.dataset = source;
  return d.toJson(QDir::root())["dataset"];
}

QString percent(const nlohmann::json& metrics, const char* key) {
  if (!metrics.is_object() || !metrics.contains(key) || !metrics[key].is_number()) return QStringLiteral("–");
  return QString::number(100.0 * metrics[key].get<double>(), 'f', 2) + " %";
}

}  // namespace

StudioController::StudioController(QObject* parent) : QObject(parent) {
  jobs_ = new JobRunner(this);
  datasets_ = new DatasetController(jobs_, this);
  training_ = new TrainingController(jobs_, this);
  evaluation_ = new EvaluationController(jobs_, this);
  scratchId_ = QDateTime::currentDateTime().toString("yyyyMMdd-HHmmss") + "-" +
               QString::number(QRandomGenerator::global()->generate() % 100000);
  connect(datasets_, &DatasetController::loaded, this, &StudioController::onDatasetLoaded);
  connect(datasets_, &DatasetController::failed, this,
          [this](const QString& m) { Q_EMIT message(tr("Dataset not loaded: %1").arg(m), 2); });
  connect(training_, &TrainingController::finished, this, &StudioController::onTrainingFinished);
  connect(training_, &TrainingController::started, this, [this](const QString&, const QString& what, qint64) {
    Q_EMIT message(what, 0);
    Q_EMIT modelsChanged();
  });
  connect(evaluation_, &EvaluationController::finished, this, &StudioController::onEvaluationFinished);
}

StudioController::~StudioController() {
  // Stop the workers before the controllers their results would go to.
  delete jobs_;
  jobs_ = nullptr;
}

QString StudioController::sessionName() const {
  if (!path_.isEmpty()) return QFileInfo(path_).completeBaseName();
  if (!session_.title.empty()) return QString::fromStdString(session_.title);
  return tr("Untitled session");
}

void StudioController::setModified(bool modified) {
  if (modified_ == modified) return;
  modified_ = modified;
  Q_EMIT modifiedChanged(modified);
}

void StudioController::newSession() { adoptSession(SessionDocument{}, QString(), false); }

bool StudioController::openSession(const QString& path, QString* error) {
  SessionDocument doc;
  try {
    doc = loadSessionFile(path);
    for (std::size_t i = 0; i < doc.models.size(); ++i) {
      const ModelEntry& m = doc.models[i];
      if (!core::findModel(m.modelName)) {
        throw SessionError(path.toStdString() + ": models[" + std::to_string(i) + "]: unknown model '" + m.modelName +
                           "' (this studio has no such model)");
      }
      try {
        core::validate(m.modelName, m.config);
      } catch (const std::exception& e) {
        throw SessionError(path.toStdString() + ": models[" + std::to_string(i) + "]: " + e.what());
      }
    }
  } catch (const std::exception& e) {
    if (error) *error = QString::fromStdString(e.what());
    Q_EMIT message(QString::fromStdString(e.what()), 2);
    return false;
  }
  // A session shipped inside the program is a template: saving asks where.
  const bool resource = path.startsWith(":/") || path.startsWith("qrc:");
  adoptSession(doc, resource ? QString() : QFileInfo(path).absoluteFilePath(), false);
  Q_EMIT message(tr("Opened session %1").arg(path), 0);
  return true;
}

void StudioController::adoptSession(const SessionDocument& document, const QString& path, bool modified) {
  training_->cancel();
  evaluation_->cancel();
  jobs_->discard(JobKind::Checkpoints);
  ++generation_;
  session_ = document;
  path_ = path;
  handles_.clear();
  uncheckedCheckpoints_.clear();
  checkpointErrors_.clear();
  datasets_->clear();
  if (session_.dataset.kind != DatasetSource::Kind::None) datasets_->load(session_.dataset);
  loadSessionCheckpoints();
  modified_ = !modified;  // force the signal
  setModified(modified);
  Q_EMIT sessionChanged();
  Q_EMIT modelsChanged();
  Q_EMIT currentModelChanged();
}

bool StudioController::saveSession(const QString& path, QString* error) {
  const QString absolute = QFileInfo(path).absoluteFilePath();
  try {
    if (!moveScratchCheckpoints(absolute, error)) return false;
    saveSessionFile(absolute, session_);
  } catch (const std::exception& e) {
    if (error) *error = QString::fromStdString(e.what());
    Q_EMIT message(QString::fromStdString(e.what()), 2);
    return false;
  }
  const bool renamed = path_ != absolute;
  path_ = absolute;
  setModified(false);
  Q_EMIT message(tr("Saved session %1").arg(absolute), 0);
  if (renamed) Q_EMIT modelsChanged();  // checkpoint paths may have moved
  return true;
}

QString StudioController::scratchDirectory() const {
  QString base = QStandardPaths::writableLocation(QStandardPaths::AppLocalDataLocation);
  if (base.isEmpty()) base = QDir::tempPath() + "/recdiff-studio";
  return base + "/checkpoints/" + scratchId_;
}

void StudioController::removeScratchCheckpoints() { QDir(scratchDirectory()).removeRecursively(); }

QString StudioController::checkpointDirectory() const {
  if (path_.isEmpty()) return scratchDirectory();
  const QFileInfo info(path_);
  return info.absolutePath() + "/" + info.completeBaseName() + ".checkpoints";
}

namespace {

// The file a session model's training writes its checkpoint to.
QString checkpointFileName(const ModelEntry& e) { return QString::fromStdString(e.id + "-" + e.modelName) + ".pt"; }

// Copies `from` to `to` so that `to` is never half-written (views::saveAtomically).
bool copyFileAtomically(const QString& from, const QString& to, QString* error) {
  QFile source(from);
  if (!source.open(QIODevice::ReadOnly)) {
    if (error) *error = QObject::tr("%1: cannot read it: %2").arg(from, source.errorString());
    return false;
  }
  return views::saveAtomically(
      to,
      [&](QIODevice& device) {
        char buffer[1 << 16];
        for (qint64 n; (n = source.read(buffer, sizeof buffer)) > 0;) {
          if (device.write(buffer, n) != n) return false;
        }
        return source.atEnd();
      },
      error);
}

}  // namespace

bool StudioController::moveScratchCheckpoints(const QString& sessionPath, QString* error) {
  const QString scratch = QDir::cleanPath(scratchDirectory()) + "/";
  const QFileInfo info(sessionPath);
  const QString target = info.absolutePath() + "/" + info.completeBaseName() + ".checkpoints";
  auto copyInto = [&](const QString& from) {
    if (!QDir().mkpath(target)) {
      if (error) *error = tr("%1: cannot create the folder for the checkpoints").arg(target);
      return QString();
    }
    const QString to = target + "/" + QFileInfo(from).fileName();
    return copyFileAtomically(from, to, error) ? to : QString();
  };
  for (ModelEntry& m : session_.models) {
    // An interrupted run's state goes along (also one stopped before its
    // first checkpoint), so the run can still be continued from the session.
    const QString state =
        scratch + QString::fromStdString(core::trainingStatePath(checkpointFileName(m).toStdString()));
    if (QFileInfo::exists(state) && copyInto(state).isEmpty()) return false;
    const QString from = QString::fromStdString(m.checkpoint);
    if (from.isEmpty() || !QDir::cleanPath(from).startsWith(scratch) || !QFileInfo::exists(from)) continue;
    const QString to = copyInto(from);
    if (to.isEmpty()) return false;
    m.checkpoint = to.toStdString();
  }
  return true;
}

void StudioController::loadDataset(const DatasetSource& source) { datasets_->load(source); }

std::shared_ptr<const data::SequenceDataset> StudioController::dataset() const { return datasets_->dataset(); }

void StudioController::onDatasetLoaded() {
  const DatasetSource& source = datasets_->source();
  if (datasetJson(source) != datasetJson(session_.dataset)) {
    session_.dataset = source;
    setModified(true);
  }
  Q_EMIT message(tr("Dataset %1 ready: %2 training, %3 validation, %4 test samples")
                     .arg(datasets_->name())
                     .arg(dataset()->train.size())
                     .arg(dataset()->validation.size())
                     .arg(dataset()->test.size()),
                 0);
  for (const QString& w : datasets_->warnings()) Q_EMIT message(w, 1);
  dropCheckpointsOfOtherData();
  Q_EMIT modelsChanged();  // "ready to train" depends on it
}

// A session's checkpoints load beside its dataset. Once both are there, a
// checkpoint trained on other data is dropped with a message, as loading one
// by hand refuses it: its scores would rank another catalogue.
void StudioController::dropCheckpointsOfOtherData() {
  const auto data = dataset();
  if (!data || uncheckedCheckpoints_.isEmpty()) return;
  const std::string fingerprint = data->fingerprint();
  for (auto it = uncheckedCheckpoints_.begin(); it != uncheckedCheckpoints_.end();
       it = uncheckedCheckpoints_.erase(it)) {
    if (it.value().second == fingerprint) continue;
    handles_.remove(it.key());
    ModelEntry* e = entry(it.key());
    if (!e) continue;
    const QString problem =
        tr("%1: trained on dataset '%2', not on this session's dataset '%3'; train the model "
           "again, or open the dataset it was trained on")
            .arg(QString::fromStdString(e->checkpoint), QString::fromStdString(it.value().first), datasets_->name());
    checkpointErrors_.insert(it.key(), problem);
    Q_EMIT message(problem, 1);
  }
  Q_EMIT modelsChanged();
  Q_EMIT currentModelChanged();
}

ModelEntry* StudioController::entry(const QString& id) {
  for (ModelEntry& m : session_.models) {
    if (QString::fromStdString(m.id) == id) return &m;
  }
  return nullptr;
}

int StudioController::addModel(const std::string& modelName, const models::Config& config, const QString& label) {
  const models::ModelInfo* info = core::findModel(modelName);
  if (!info) {
    Q_EMIT message(tr("Unknown model '%1'").arg(QString::fromStdString(modelName)), 2);
    return -1;
  }
  ModelEntry e;
  e.id = session_.newModelId();
  e.modelName = modelName;
  e.config = info->defaults();
  if (config.is_object()) {
    for (auto it = config.begin(); it != config.end(); ++it) e.config[it.key()] = it.value();
  }
  try {
    core::validate(modelName, e.config);
  } catch (const std::exception& ex) {
    Q_EMIT message(QString::fromStdString(ex.what()), 2);
    return -1;
  }
  int same = 0;
  for (const ModelEntry& m : session_.models) same += m.modelName == modelName;
  QString defaultLabel = QString::fromStdString(info->displayName);
  if (same > 0) defaultLabel += QString(" #%1").arg(same + 1);
  e.label = (label.isEmpty() ? defaultLabel : label).toStdString();
  session_.models.push_back(e);
  session_.currentModel = static_cast<int>(session_.models.size()) - 1;
  setModified(true);
  Q_EMIT modelsChanged();
  Q_EMIT currentModelChanged();
  return session_.currentModel;
}

void StudioController::removeModel(int index) {
  if (index < 0 || index >= static_cast<int>(session_.models.size())) return;
  const QString id = QString::fromStdString(session_.models[static_cast<std::size_t>(index)].id);
  if (training_->runningEntry() == id) {
    Q_EMIT message(tr("Cancel the training run of this model before removing it."), 1);
    return;
  }
  session_.models.erase(session_.models.begin() + index);
  handles_.remove(id);
  checkpointErrors_.remove(id);
  session_.currentModel = std::min(session_.currentModel, static_cast<int>(session_.models.size()) - 1);
  setModified(true);
  Q_EMIT modelsChanged();
  Q_EMIT currentModelChanged();
}

void StudioController::setCurrentModel(int index) {
  if (index < 0 || index >= static_cast<int>(session_.models.size()) || index == session_.currentModel) return;
  session_.currentModel = index;
  setModified(true);
  Q_EMIT currentModelChanged();
}

void StudioController::updateModel(int index, const std::string& modelName, const models::Config& config) {
  if (index < 0 || index >= static_cast<int>(session_.models.size())) return;
  ModelEntry& e = session_.models[static_cast<std::size_t>(index)];
  if (training_->runningEntry() == QString::fromStdString(e.id)) return;
  if (e.modelName == modelName && e.config == config) return;
  if (e.modelName != modelName) {
    // Another model type: what was trained no longer belongs to this entry.
    e.modelName = modelName;
    e.checkpoint.clear();
    e.results = nlohmann::json::object();
    e.history = nlohmann::json::array();
    handles_.remove(QString::fromStdString(e.id));
    if (const models::ModelInfo* info = core::findModel(modelName)) e.label = info->displayName;
    Q_EMIT currentModelChanged();
  }
  e.config = config;
  setModified(true);
  Q_EMIT modelsChanged();
}

void StudioController::renameModel(int index, const QString& label) {
  if (index < 0 || index >= static_cast<int>(session_.models.size()) || label.isEmpty()) return;
  ModelEntry& e = session_.models[static_cast<std::size_t>(index)];
  if (e.label == label.toStdString()) return;
  e.label = label.toStdString();
  setModified(true);
  Q_EMIT modelsChanged();
}

ModelHandle StudioController::currentModel() const {
  const ModelEntry* e = session_.current();
  return e ? handles_.value(QString::fromStdString(e->id)) : ModelHandle();
}

ModelHandle StudioController::modelHandle(const std::string& entryId) const {
  return handles_.value(QString::fromStdString(entryId));
}

QString StudioController::modelStatus(const ModelEntry& e) const {
  const QString id = QString::fromStdString(e.id);
  if (training_->runningEntry() == id) return tr("Training…");
  const ModelHandle handle = handles_.value(id);
  const QString checkpoint =
      e.checkpoint.empty() ? QString() : QFileInfo(QString::fromStdString(e.checkpoint)).fileName();
  if (handle.isNull()) {
    if (!checkpoint.isEmpty()) {
      return checkpointErrors_.contains(id)
                 ? tr("Checkpoint %1 could not be loaded: %2").arg(checkpoint, checkpointErrors_.value(id))
                 : tr("Loading checkpoint %1…").arg(checkpoint);
    }
    return tr("Not trained yet: press Start in the Training panel (F5).");
  }
  QString s = tr("Trained: %1 parameters").arg(QLocale().toString(static_cast<qlonglong>(handle.parameterCount())));
  if (e.results.contains("imported_from")) {
    // Trained elsewhere, by a paper's official code: say so, and when the
    // file held only part of the model (a pre-trained item table), that the
    // rest is untrained, so that nothing it generates is read as learned.
    const auto& from = e.results["imported_from"];
    s = tr("Imported from the official code (%1): %n tensor(s)", "", from.value("copied", 0))
            .arg(QString::fromStdString(from.value("source", "")));
    if (from.value("partial", false))
      s += tr("; the file holds only part of the model, the other %1 weights are untrained: its item table is "
              "meaningful, what it generates is not")
               .arg(from.value("kept_initial", nlohmann::json::array()).size());
  }
  if (e.results.contains("best_epoch")) s += tr(", best epoch %1").arg(e.results["best_epoch"].get<long long>());
  if (e.results.contains("validation"))
    s += tr(", validation NDCG@20 %1").arg(percent(e.results["validation"], "ndcg@20"));
  if (e.results.contains("test")) s += tr(", test NDCG@20 %1").arg(percent(e.results["test"], "ndcg@20"));
  s += checkpoint.isEmpty() ? tr(". Not saved as a checkpoint.") : tr(". Checkpoint: %1.").arg(checkpoint);
  const models::Config trained = handle.config();
  for (auto it = e.config.begin(); it != e.config.end(); ++it) {
    if (!trained.contains(it.key()) || trained[it.key()] != it.value()) {
      s += tr(" Parameters changed since training (%1…): train again to apply them.")
               .arg(QString::fromStdString(it.key()));
      break;
    }
  }
  return s;
}

void StudioController::loadSessionCheckpoints() {
  std::vector<std::pair<QString, std::string>> pending;
  for (const ModelEntry& m : session_.models) {
    if (!m.checkpoint.empty()) pending.emplace_back(QString::fromStdString(m.id), m.checkpoint);
  }
  if (pending.empty()) return;
  const quint64 generation = generation_;
  jobs_->start(JobKind::Checkpoints, [this, pending, generation](JobContext& ctx) {
    for (const auto& [id, path] : pending) {
      if (ctx.cancelled()) return;
      try {
        auto loaded = std::make_shared<core::LoadedCheckpoint>(core::loadCheckpoint(path, nullptr));
        ctx.post([this, id = id, loaded, generation] {
          if (generation != generation_ || !entry(id)) return;
          handles_.insert(id, loaded->model);
          uncheckedCheckpoints_.insert(id, {loaded->summary.datasetName, loaded->summary.datasetFingerprint});
          checkpointErrors_.remove(id);
          dropCheckpointsOfOtherData();
          Q_EMIT modelsChanged();
          if (session_.current() && QString::fromStdString(session_.current()->id) == id) Q_EMIT currentModelChanged();
        });
      } catch (const std::exception& e) {
        const QString message = QString::fromStdString(e.what());
        ctx.post([this, id = id, message, generation] {
          if (generation != generation_ || !entry(id)) return;
          checkpointErrors_.insert(id, message);
          Q_EMIT this->message(message, 1);
          Q_EMIT modelsChanged();
        });
      }
    }
  });
}

void StudioController::loadCheckpoint(const QString& path) {
  const quint64 generation = generation_;
  auto dataset = this->dataset();
  jobs_->start(JobKind::Checkpoints, [this, path, dataset, generation](JobContext& ctx) {
    try {
      auto loaded = std::make_shared<core::LoadedCheckpoint>(core::loadCheckpoint(path.toStdString(), dataset.get()));
      ctx.post([this, path, loaded, generation] {
        if (generation != generation_) return;
        const core::CheckpointSummary& s = loaded->summary;
        const models::ModelInfo* info = core::findModel(s.modelName);
        const QString label = (info ? QString::fromStdString(info->displayName) : QString::fromStdString(s.modelName)) +
                              tr(" (%1)").arg(QFileInfo(path).completeBaseName());
        const int index = addModel(s.modelName, s.config, label);
        if (index < 0) {
          Q_EMIT checkpointFailed(tr("%1: its configuration does not fit this studio's %2 model")
                                      .arg(path, QString::fromStdString(s.modelName)));
          return;
        }
        ModelEntry& e = session_.models[static_cast<std::size_t>(index)];
        e.checkpoint = QFileInfo(path).absoluteFilePath().toStdString();
        if (s.metrics.contains("validation")) e.results["validation"] = s.metrics["validation"];
        if (s.training.contains("best_epoch")) e.results["best_epoch"] = s.training["best_epoch"];
        if (s.training.contains("imported_from")) e.results["imported_from"] = s.training["imported_from"];
        if (s.training.contains("history") && s.training["history"].is_array()) e.history = s.training["history"];
        handles_.insert(QString::fromStdString(e.id), loaded->model);
        // Checked by the core when a dataset was loaded; otherwise when one is.
        uncheckedCheckpoints_.insert(QString::fromStdString(e.id), {s.datasetName, s.datasetFingerprint});
        if (s.training.contains("imported_from")) {
          // A model of a paper's official code, imported onto the loaded dataset.
          Q_EMIT message(tr("Imported %1 as %2 on %3: %4")
                             .arg(path, QString::fromStdString(s.modelName), QString::fromStdString(s.datasetName),
                                  QString::fromStdString(s.training["imported_from"].value("summary", ""))),
                         0);
        } else {
          Q_EMIT message(tr("Loaded checkpoint %1 (%2, trained on %3)")
                             .arg(path, QString::fromStdString(s.modelName), QString::fromStdString(s.datasetName)),
                         0);
        }
        Q_EMIT modelsChanged();
        Q_EMIT currentModelChanged();
        Q_EMIT checkpointLoaded(path);
        dropCheckpointsOfOtherData();
      });
    } catch (const std::exception& e) {
      const QString message = QString::fromStdString(e.what());
      ctx.post([this, message, generation] {
        if (generation != generation_) return;
        Q_EMIT this->message(message, 2);
        Q_EMIT checkpointFailed(message);
      });
    }
  });
}

void StudioController::setTrainingRequest(const views::TrainingRequest& request) {
  const views::TrainingRequest& t = session_.training;
  if (t.device == request.device && t.threads == request.threads && t.epochs == request.epochs &&
      t.validationSamples == request.validationSamples && t.seed == request.seed) {
    return;
  }
  session_.training = request;
  setModified(true);
}

QString StudioController::checkpointPathFor(const ModelEntry& e) const {
  return checkpointDirectory() + "/" + checkpointFileName(e);
}

QString StudioController::currentCheckpointPath() const {
  const ModelEntry* e = session_.current();
  return e ? checkpointPathFor(*e) : QString();
}

std::optional<core::InterruptedRun> StudioController::interruptedRun() const {
  const ModelEntry* e = session_.current();
  if (!e) return std::nullopt;
  auto run = core::interruptedRun(checkpointPathFor(*e).toStdString());
  if (run && run->modelName != e->modelName) return std::nullopt;
  return run;
}

bool StudioController::startTraining(QString* error, bool continueInterrupted) {
  const ModelEntry* e = session_.current();
  if (!e) {
    if (error) *error = tr("Add a model in the Model panel first.");
    return false;
  }
  TrainingJob job;
  job.entryId = QString::fromStdString(e->id);
  job.label = QString::fromStdString(e->label);
  job.modelName = e->modelName;
  job.config = e->config;
  job.dataset = dataset();
  job.settings.device = session_.training.device;
  job.settings.threads = session_.training.threads;
  job.settings.seed = session_.training.seed;
  job.settings.epochs = session_.training.epochs;
  job.settings.validationSamples = session_.training.validationSamples;
  const QString dir = checkpointDirectory();
  if (!QDir().mkpath(dir)) {
    if (error) *error = tr("%1: cannot create the checkpoint folder").arg(dir);
    return false;
  }
  job.settings.checkpointPath = checkpointPathFor(*e).toStdString();
  job.settings.resume = continueInterrupted;
  if (continueInterrupted && !interruptedRun()) {
    if (error) *error = tr("%1 has no interrupted run to continue.").arg(QString::fromStdString(e->label));
    return false;
  }
  if (!training_->start(job, error)) return false;
  trainingGeneration_ = generation_;
  return true;
}

void StudioController::onTrainingFinished(const QString& entryId, bool ok, bool cancelled, const QString& text) {
  Q_EMIT message(text, ok ? 0 : 2);
  ModelEntry* e = entry(entryId);
  if (trainingGeneration_ != generation_ || !e) return;
  const core::TrainOutcome& outcome = training_->lastOutcome();
  if (ok && !outcome.model.isNull()) {
    handles_.insert(entryId, outcome.model);
    e->checkpoint = outcome.checkpointWritten ? training_->lastCheckpoint().toStdString() : std::string();
    e->results = nlohmann::json::object();
    if (outcome.bestValidation) e->results["validation"] = core::metricsToJson(*outcome.bestValidation);
    e->results["best_epoch"] = outcome.bestEpoch;
    e->history = outcome.historyRecords;
    setModified(true);
    if (session_.current() == e) Q_EMIT currentModelChanged();
  }
  (void)cancelled;
  Q_EMIT modelsChanged();
}

bool StudioController::startEvaluation(const QString& split, bool excludeHistory, QString* error) {
  const ModelEntry* e = session_.current();
  if (!e) {
    if (error) *error = tr("Add a model in the Model panel first.");
    return false;
  }
  EvaluationJob job;
  job.entryId = QString::fromStdString(e->id);
  job.label = QString::fromStdString(e->label);
  job.model = currentModel();
  job.dataset = dataset();
  job.split = split;
  job.settings.device = session_.training.device;
  job.settings.threads = session_.training.threads;
  job.settings.seed = session_.training.seed;
  job.settings.excludeHistory = excludeHistory;
  return evaluation_->start(job, error);
}

void StudioController::onEvaluationFinished(const QString& entryId, bool ok, bool cancelled, const QString& text) {
  Q_EMIT message(text, ok ? 0 : 2);
  ModelEntry* e = entry(entryId);
  if (!e || !ok || cancelled || !evaluation_->lastMetrics()) return;
  nlohmann::json& split = e->results[evaluation_->lastSplit().toStdString()];
  split = core::metricsToJson(*evaluation_->lastMetrics());
  // Beside the metrics of the split it was measured on (metricsFromJson
  // skips it): the comparison table's routing-collapse columns.
  if (const auto& collapse = evaluation_->lastCollapse()) split["collapse"] = collapseToJson(*collapse);
  setModified(true);
  Q_EMIT modelsChanged();
}

nlohmann::json StudioController::viewState(const std::string& key) const {
  const auto it = session_.viewState.find(key);
  return it == session_.viewState.end() ? nlohmann::json() : *it;
}

void StudioController::setViewState(const std::string& key, const nlohmann::json& value) {
  if (viewState(key) == value) return;
  session_.viewState[key] = value;
  setModified(true);
}

}  // namespace recdiff::studio
