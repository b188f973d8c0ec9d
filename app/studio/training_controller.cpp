#include "app/studio/training_controller.h"

#include <cstdint>

#include <QElapsedTimer>
#include <QFileInfo>

#include "app/studio/job_runner.h"

namespace recdiff::studio {

namespace {

// Batch points gathered on the worker and sent in bunches.
struct BatchBuffer {
  std::vector<views::TrainingBatchPoint> points;
  QElapsedTimer sinceFlush;
};

}  // namespace

TrainingController::TrainingController(JobRunner* jobs, QObject* parent) : QObject(parent), jobs_(jobs) {}

bool TrainingController::isRunning() const { return jobs_->isRunning(JobKind::Training); }

bool TrainingController::start(const TrainingJob& job, QString* error) {
  auto fail = [&](const QString& why) {
    if (error) *error = why;
    return false;
  };
  if (isRunning()) return fail(tr("A training run is already going; cancel it first."));
  if (!job.dataset) return fail(tr("Load a dataset first."));
  if (job.dataset->train.empty()) return fail(tr("The dataset has no training samples."));
  if (job.modelName.empty()) return fail(tr("Choose a model first."));
  std::int64_t planned = 0;
  try {
    core::validate(job.modelName, job.config);
    planned = core::plannedEpochs(job.modelName, job.config, job.settings.epochs);
  } catch (const std::exception& e) {
    return fail(QString::fromStdString(e.what()));
  }
  control_ = std::make_shared<train::TrainControl>();
  outcome_ = {};
  entryId_ = job.entryId;
  checkpoint_ = QString::fromStdString(job.settings.checkpointPath);
  paused_ = false;
  auto control = control_;
  const QString description = tr("Training %1 on %2 (%3, %4 threads)")
                                  .arg(job.label, QString::fromStdString(job.dataset->name),
                                       QString::fromStdString(job.settings.device).toUpper(),
                                       job.settings.threads > 0 ? QString::number(job.settings.threads) : tr("all"));
  jobs_->start(
      JobKind::Training,
      [this, job, control](JobContext& ctx) {
        auto buffer = std::make_shared<BatchBuffer>();
        buffer->sinceFlush.start();
        auto flush = [this, &ctx, buffer] {
          if (buffer->points.empty()) return;
          auto points = std::move(buffer->points);
          buffer->points.clear();
          buffer->sinceFlush.restart();
          ctx.post([this, points] { Q_EMIT batches(points); });
        };
        auto onBatch = [&](const views::TrainingBatchPoint& p) {
          buffer->points.push_back(p);
          if (buffer->sinceFlush.elapsed() >= 100 || p.batch == p.batches) flush();
        };
        auto onEpoch = [&](const views::TrainingEpochPoint& p) {
          flush();
          ctx.post([this, p] { Q_EMIT epochEnded(p); });
        };
        try {
          auto outcome = std::make_shared<core::TrainOutcome>(
              core::train(job.modelName, job.config, *job.dataset, job.settings, onBatch, onEpoch, control.get()));
          flush();
          ctx.finish([this, job, outcome] {
            outcome_ = *outcome;
            QString message;
            if (outcome->cancelled) {
              message = outcome->checkpointWritten
                            ? tr("Cancelled. The best model so far (epoch %1) is kept in %2; Train (F5) can "
                                 "continue the run.")
                                  .arg(outcome->bestEpoch)
                                  .arg(QFileInfo(QString::fromStdString(job.settings.checkpointPath)).fileName())
                            : tr("Cancelled before the first validation: no model was kept.");
            } else {
              message = tr("Finished in %1 s: %2 epochs, best epoch %3.")
                            .arg(outcome->seconds, 0, 'f', 1)
                            .arg(outcome->history.size())
                            .arg(outcome->bestEpoch);
              if (outcome->bestValidation && outcome->bestValidation->ndcg.count(20)) {
                message += tr(" Validation NDCG@20 %1 %.").arg(100.0 * outcome->bestValidation->ndcg.at(20), 0, 'f', 2);
              }
            }
            paused_ = false;
            Q_EMIT finished(job.entryId, true, outcome->cancelled, message);
          });
        } catch (...) {
          // Whatever a model's settings do (a diverged run, a LibTorch error),
          // the run ends with a message and the session stays.
          flush();
          QString message = tr("Training failed with an unexpected internal error.");
          try {
            throw;
          } catch (const std::exception& e) {
            message = QString::fromStdString(e.what());
          } catch (...) {
          }
          ctx.finish([this, job, message] {
            outcome_ = {};
            paused_ = false;
            Q_EMIT finished(job.entryId, false, false, message);
          });
        }
      },
      [control] { control->requestCancel(); });
  Q_EMIT started(job.entryId, description, planned);
  return true;
}

void TrainingController::pause() {
  if (!isRunning() || paused_ || !control_) return;
  control_->setPaused(true);
  paused_ = true;
  Q_EMIT pausedChanged(true);
}

void TrainingController::resume() {
  if (!isRunning() || !paused_ || !control_) return;
  control_->setPaused(false);
  paused_ = false;
  Q_EMIT pausedChanged(false);
}

void TrainingController::cancel() {
  if (!isRunning()) return;
  paused_ = false;
  jobs_->cancel(JobKind::Training);  // calls control->requestCancel(), which also wakes a paused run
  Q_EMIT stopping();
}

bool TrainingController::isParked() const { return isRunning() && control_ && control_->parked(); }

}  // namespace recdiff::studio
