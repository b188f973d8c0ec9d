// Runs one training job at a time on a worker thread with the core's
// TrainControl: pause, resume and cancel are thread-safe requests the
// trainer honours between batches. Batch reports are gathered on the worker
// and delivered a few times a second; epochs as they end; the outcome (the
// trained model's handle, its history, the checkpoint) once at the end.
#pragma once

#include <QObject>
#include <QString>

#include <memory>
#include <vector>

#include "app/studio/core_facade.h"

namespace recdiff::studio {

class JobRunner;

struct TrainingJob {
  QString entryId;  // the session model being trained
  QString label;
  std::string modelName;
  models::Config config;
  std::shared_ptr<const data::SequenceDataset> dataset;
  core::TrainSettings settings;
};

class TrainingController : public QObject {
  Q_OBJECT

 public:
  TrainingController(JobRunner* jobs, QObject* parent = nullptr);

  // Starts `job`; false (with `error` set) when another run is going or the
  // job is incomplete.
  bool start(const TrainingJob& job, QString* error = nullptr);
  void pause();
  void resume();
  void cancel();
  bool isRunning() const;
  // Paused and the batch in flight has ended: no further batch will come.
  bool isParked() const;
  bool isPaused() const { return paused_; }
  QString runningEntry() const { return isRunning() ? entryId_ : QString(); }
  const core::TrainOutcome& lastOutcome() const { return outcome_; }
  QString lastCheckpoint() const { return checkpoint_; }

 Q_SIGNALS:
  void started(const QString& entryId, const QString& description, qint64 plannedEpochs);
  void batches(const std::vector<recdiff::views::TrainingBatchPoint>& points);
  void epochEnded(const recdiff::views::TrainingEpochPoint& point);
  void pausedChanged(bool paused);
  void stopping();
  // After `finished`, lastOutcome() holds the result of `entryId`.
  void finished(const QString& entryId, bool ok, bool cancelled, const QString& message);

 private:
  JobRunner* jobs_;
  std::shared_ptr<train::TrainControl> control_;
  core::TrainOutcome outcome_;
  QString entryId_;
  QString checkpoint_;
  bool paused_ = false;
};

}  // namespace recdiff::studio
