#include "app/studio/evaluation_controller.h"

#include <atomic>

#include "app/studio/inspection_facade.h"
#include "app/studio/job_runner.h"

namespace recdiff::studio {

namespace {

// The split's collapse figures, or none when the model cannot be diagnosed
// (e.g. a one-item catalogue has no spectrum).
std::optional<views::EpochCollapse> collapseOn(const EvaluationJob& job, const std::vector<data::Sample>& samples) {
  eval::DiagnosticsOptions options;
  options.linearProbe = false;  // not a column of the table
  try {
    return core::collapseFigures(core::diagnose(job.model, *job.dataset, job.settings.threads, &samples, options));
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

}  // namespace

EvaluationController::EvaluationController(JobRunner* jobs, QObject* parent) : QObject(parent), jobs_(jobs) {}

bool EvaluationController::start(const EvaluationJob& job, QString* error) {
  auto fail = [&](const QString& why) {
    if (error) *error = why;
    return false;
  };
  if (isRunning()) return fail(tr("An evaluation is already running."));
  if (job.model.isNull()) return fail(tr("Train the model or load a checkpoint first."));
  if (!job.dataset) return fail(tr("Load a dataset first."));
  const auto& samples = job.split == "validation" ? job.dataset->validation : job.dataset->test;
  if (samples.empty()) return fail(tr("The dataset's %1 split has no samples.").arg(job.split));
  if (job.model.numItems() != job.dataset->numItems) {
    return fail(tr("%1 was trained on a catalogue of %2 items, but the dataset has %3: load the dataset "
                   "it was trained on.")
                    .arg(job.label)
                    .arg(job.model.numItems())
                    .arg(job.dataset->numItems));
  }
  metrics_.reset();
  collapse_.reset();
  split_ = job.split;
  const QString description = tr("Ranking %1 %2 samples with %3…").arg(samples.size()).arg(job.split, job.label);
  jobs_->start(JobKind::Evaluation, [this, job](JobContext& ctx) {
    const auto& list = job.split == "validation" ? job.dataset->validation : job.dataset->test;
    auto report = ctx.throttledProgress([this](qint64 done, qint64 total) { Q_EMIT progress(done, total); });
    try {
      const eval::RankingMetrics m = core::evaluate(job.model, list, job.settings, report);
      const std::optional<views::EpochCollapse> collapse = collapseOn(job, list);
      ctx.finish([this, job, m, collapse] {
        metrics_ = m;
        collapse_ = collapse;
        const double ndcg = m.ndcg.count(20) ? m.ndcg.at(20) : 0.0;
        const double hr = m.hitRate.count(20) ? m.hitRate.at(20) : 0.0;
        Q_EMIT finished(job.entryId, true, false,
                        tr("%1 on %2 %3 samples: HR@20 %4 %, NDCG@20 %5 %")
                            .arg(job.label)
                            .arg(m.count)
                            .arg(job.split)
                            .arg(100.0 * hr, 0, 'f', 2)
                            .arg(100.0 * ndcg, 0, 'f', 2));
      });
    } catch (const JobCancelled&) {
      ctx.finish([this, job] { Q_EMIT finished(job.entryId, true, true, tr("Evaluation cancelled.")); });
    } catch (const std::exception& e) {
      const QString message = QString::fromStdString(e.what());
      ctx.finish([this, job, message] { Q_EMIT finished(job.entryId, false, false, message); });
    }
  });
  Q_EMIT started(job.entryId, description);
  return true;
}

bool EvaluationController::isRunning() const { return jobs_->isRunning(JobKind::Evaluation); }

void EvaluationController::cancel() { jobs_->cancel(JobKind::Evaluation); }

}  // namespace recdiff::studio
