// The studio's state and the operations on it, with no widget in sight:
// the session document (dataset source, models, results, view state), the
// dataset, the trained models' handles, and the jobs that fill them. The
// main window wires panels to it; tests drive it through the panels.
//
// For inspection docks: currentModel() is the current session model's
// trained model (a torch-free handle), currentModelChanged() says when it
// changes, dataset() is the data it was trained on, and viewState(key) /
// setViewState(key, value) keep a dock's state in the session file.
#pragma once

#include <QHash>
#include <QObject>
#include <QString>

#include <memory>

#include "app/studio/core_facade.h"
#include "app/studio/session_document.h"

namespace recdiff::studio {

class DatasetController;
class EvaluationController;
class JobRunner;
class TrainingController;

class StudioController : public QObject {
  Q_OBJECT

 public:
  explicit StudioController(QObject* parent = nullptr);
  ~StudioController() override;
  // Removes the checkpoints of unsaved work (the folder training writes to
  // before a session is saved; saving copies them beside the session).
  // MainWindow calls it when it closes normally, after the user chose to
  // save or discard and the crash-recovery copy that may name them is gone.
  void removeScratchCheckpoints();

  JobRunner* jobs() const { return jobs_; }
  DatasetController* datasets() const { return datasets_; }
  TrainingController* training() const { return training_; }
  EvaluationController* evaluation() const { return evaluation_; }

  // --- the session -------------------------------------------------------
  const SessionDocument& session() const { return session_; }
  QString sessionPath() const { return path_; }  // "" = not saved yet
  QString sessionName() const;
  bool isModified() const { return modified_; }
  void setModified(bool modified);
  // An empty session (nothing loaded).
  void newSession();
  // Reads `path`; on any problem returns false with `error` set and leaves
  // the current session exactly as it was.
  bool openSession(const QString& path, QString* error);
  // Takes `document` as the session (recovery, demo); `path` may be "".
  void adoptSession(const SessionDocument& document, const QString& path, bool modified);
  // Writes atomically; checkpoints kept in the scratch folder move beside
  // the session file first. On failure nothing is lost: false + error.
  bool saveSession(const QString& path, QString* error);

  // --- the dataset ---------------------------------------------------------
  void loadDataset(const DatasetSource& source);
  std::shared_ptr<const data::SequenceDataset> dataset() const;

  // --- models --------------------------------------------------------------
  int addModel(const std::string& modelName, const models::Config& config, const QString& label = QString());
  void removeModel(int index);
  void setCurrentModel(int index);
  void updateModel(int index, const std::string& modelName, const models::Config& config);
  void renameModel(int index, const QString& label);
  // Loads a checkpoint as a new session model (off the GUI thread).
  void loadCheckpoint(const QString& path);
  ModelHandle currentModel() const;
  ModelHandle modelHandle(const std::string& entryId) const;
  // "trained: best epoch 4 …" for the model panel.
  QString modelStatus(const ModelEntry& entry) const;

  // --- training and evaluation --------------------------------------------
  void setTrainingRequest(const views::TrainingRequest& request);
  // Trains the current model afresh, or, with `continueInterrupted`, goes on
  // with its interrupted run (interruptedRun()) under that run's settings.
  bool startTraining(QString* error, bool continueInterrupted = false);
  // The current model's run that stopped before it ended, if its state is on disk.
  std::optional<core::InterruptedRun> interruptedRun() const;
  // Where training the current model writes its checkpoint ("" without one).
  QString currentCheckpointPath() const;
  bool startEvaluation(const QString& split, bool excludeHistory, QString* error);
  // Where this session's checkpoints go.
  QString checkpointDirectory() const;

  // --- view state ------------------------------------------------------------
  nlohmann::json viewState(const std::string& key) const;
  void setViewState(const std::string& key, const nlohmann::json& value);

 Q_SIGNALS:
  void sessionChanged();
  void modelsChanged();
  void currentModelChanged();
  void modifiedChanged(bool modified);
  void checkpointLoaded(const QString& path);
  void checkpointFailed(const QString& message);
  // For the log: level 0 info, 1 warning, 2 error.
  void message(const QString& text, int level);

 private:
  ModelEntry* entry(const QString& id);
  // Where training `entry` writes its checkpoint (its state goes beside it).
  QString checkpointPathFor(const ModelEntry& entry) const;
  void onDatasetLoaded();
  void onTrainingFinished(const QString& entryId, bool ok, bool cancelled, const QString& message);
  void onEvaluationFinished(const QString& entryId, bool ok, bool cancelled, const QString& message);
  void loadSessionCheckpoints();
  void dropCheckpointsOfOtherData();
  bool moveScratchCheckpoints(const QString& sessionPath, QString* error);
  QString scratchDirectory() const;

  JobRunner* jobs_;
  DatasetController* datasets_;
  TrainingController* training_;
  EvaluationController* evaluation_;
  SessionDocument session_;
  QString path_;
  bool modified_ = false;
  QHash<QString, ModelHandle> handles_;  // by entry id
  // Why an entry's checkpoint did not load, by entry id: shown in its status,
  // never saved (the file may load next time).
  QHash<QString, QString> checkpointErrors_;
  // Checkpoints loaded before the data they must match: entry id -> the
  // dataset (name, fingerprint) they were trained on, until checked.
  QHash<QString, std::pair<std::string, std::string>> uncheckedCheckpoints_;
  quint64 generation_ = 0;  // bumped by every new session; stale loads are dropped
  quint64 trainingGeneration_ = 0;
  QString scratchId_;
};

}  // namespace recdiff::studio
