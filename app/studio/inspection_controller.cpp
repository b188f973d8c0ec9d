#include "app/studio/inspection_controller.h"

#include <cstdint>

#include "app/studio/job_runner.h"

namespace recdiff::studio {

namespace {

// `known`, or the model's diagnostics across test users computed now; none
// when they fail: they are extra (e.g. a one-item catalogue has no
// spectrum), what the job was asked for still stands.
std::optional<eval::ModelDiagnostics> diagnosticsFor(const ModelHandle& model, const data::SequenceDataset& dataset,
                                                     int threads, const std::optional<eval::ModelDiagnostics>& known) {
  if (known) return known;
  try {
    return core::diagnose(model, dataset, threads);
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

// What a job over the whole test split needs; otherwise the reason.
bool canRunOnTestSplit(const ModelHandle& model, const data::SequenceDataset* dataset, QString* error) {
  auto fail = [&](const QString& why) {
    if (error) *error = why;
    return false;
  };
  if (model.isNull()) return fail(InspectionController::tr("Train the model or load a checkpoint first."));
  if (!dataset || dataset->test.empty())
    return fail(InspectionController::tr("Load a dataset with a test split first."));
  if (model.numItems() != dataset->numItems) {
    return fail(InspectionController::tr("The model was trained on another catalogue."));
  }
  return true;
}

}  // namespace

QString itemLabel(const data::SequenceDataset& dataset, qint64 item) {
  if (item <= 0 || item > dataset.numItems) return QStringLiteral("?");
  const auto id = static_cast<std::int32_t>(item);
  QString label = QString::fromStdString(dataset.items.token(id));
  const auto& meta = dataset.metadata;
  const auto i = static_cast<std::size_t>(item);
  if (i < meta.titles.size() && !meta.titles[i].empty()) label += " · " + QString::fromStdString(meta.titles[i]);
  const int category = meta.primaryCategory(id);
  if (category >= 0 && static_cast<std::size_t>(category) < meta.categoryNames.size()) {
    label += " · " + QString::fromStdString(meta.categoryNames[static_cast<std::size_t>(category)]);
  }
  return label;
}

QStringList testSampleLabels(const data::SequenceDataset& dataset) {
  QStringList labels;
  labels.reserve(static_cast<int>(dataset.test.size()));
  for (const auto& s : dataset.test) {
    const auto u = static_cast<std::size_t>(s.user);
    const QString user =
        u < dataset.userTokens.size() ? QString::fromStdString(dataset.userTokens[u]) : QString::number(s.user);
    labels << QObject::tr("user %1 · %2 items").arg(user).arg(s.history.size());
  }
  return labels;
}

bool InspectionController::isRunning() const { return jobs_->isRunning(JobKind::Inspection); }

bool InspectionController::isRoutingRunning() const { return jobs_->isRunning(JobKind::Routing); }

InspectionController::InspectionController(JobRunner* jobs, QObject* parent) : QObject(parent), jobs_(jobs) {}

bool InspectionController::start(const ModelHandle& model, std::shared_ptr<const data::SequenceDataset> dataset,
                                 const views::ScrubberRequest& request, const QString& device, int threads,
                                 QString* error, const ScrubberComparison& comparison) {
  auto fail = [&](const QString& why) {
    if (error) *error = why;
    return false;
  };
  if (model.isNull()) return fail(tr("Train the model or load a checkpoint first."));
  if (!dataset) return fail(tr("Load a dataset first."));
  if (request.sample < 0 || static_cast<std::size_t>(request.sample) >= dataset->test.size()) {
    return fail(tr("There is no test user %1.").arg(request.sample));
  }
  if (model.numItems() != dataset->numItems) {
    return fail(tr("The model was trained on a catalogue of %1 items, but the dataset has %2.")
                    .arg(model.numItems())
                    .arg(dataset->numItems));
  }
  if (!comparison.model.isNull() && comparison.model.numItems() != dataset->numItems) {
    return fail(tr("%1 was trained on a catalogue of %2 items, but the dataset has %3.")
                    .arg(comparison.label)
                    .arg(comparison.model.numItems())
                    .arg(dataset->numItems));
  }
  const QString user = testSampleLabels(*dataset).at(request.sample);
  const std::optional<eval::ModelDiagnostics> known = knownDiagnostics(model);
  jobs_->start(
      JobKind::Inspection, [this, model, dataset, request, device, threads, user, known, comparison](JobContext& ctx) {
        InspectionResult result;
        result.sample = request.sample;
        result.user = user;
        const data::Sample& sample = dataset->test[static_cast<std::size_t>(request.sample)];
        // Every run the request asks for, of one model; with a second model the
        // labels name the model.
        auto record = [&](const ModelHandle& handle, int modelIndex, const QString& prefix) {
          QStringList samplers;
          if (handle.diffusionSteps() == 0 || request.sampler == "ddpm")
            samplers << "ddpm";
          else if (request.sampler == "ddim")
            samplers << "ddim";
          else
            samplers << "ddpm"
                     << "ddim";
          const int runs = handle.diffusionSteps() == 0 ? 1 : request.runs;
          for (int r = 0; r < runs && !ctx.cancelled(); ++r) {
            for (const QString& sampler : samplers) {
              core::TraceSettings settings;
              settings.device = device.toStdString();
              settings.threads = threads;
              settings.sampler = sampler.toStdString();
              settings.steps = sampler == "ddim" ? request.ddimSteps : 0;
              settings.seed = request.seed + static_cast<quint64>(r);
              settings.excludeHistory = request.excludeHistory;
              views::ScrubberRun run;
              run.model = modelIndex;
              run.sampler = sampler;
              run.label =
                  prefix + (handle.diffusionSteps() == 0 ? tr("single step (not a diffusion model)")
                            : sampler == "ddim"   ? tr("seed %1 · DDIM S=%2").arg(settings.seed).arg(request.ddimSteps)
                            : samplers.size() > 1 ? tr("seed %1 · DDPM").arg(settings.seed)
                                                  : tr("seed %1").arg(settings.seed));
              run.table = core::traceReverse(handle, sample, settings);
              result.runs.push_back(std::move(run));
            }
          }
        };
        try {
          const bool two = !comparison.model.isNull();
          record(model, 0, two ? comparison.mainLabel + " · " : QString());
          if (two) record(comparison.model, 1, comparison.label + " · ");
          result.inspection = core::inspectSample(model, sample, threads);
          result.diagnostics = diagnosticsFor(model, *dataset, threads, known);
          ctx.finish([this, result, model] {
            last_ = result;
            rememberDiagnostics(model, result.diagnostics);
            Q_EMIT finished(true, tr("%1: %2 reverse run(s) recorded.").arg(result.user).arg(result.runs.size()));
          });
        } catch (const std::exception& e) {
          const QString message = QString::fromStdString(e.what());
          ctx.finish([this, message] { Q_EMIT finished(false, message); });
        }
      });
  Q_EMIT started(tr("Running the reverse process for %1…").arg(user));
  return true;
}

bool InspectionController::startRouting(const ModelHandle& model, std::shared_ptr<const data::SequenceDataset> dataset,
                                        int sample, int threads, QString* error) {
  if (!canRunOnTestSplit(model, dataset.get(), error)) return false;
  if (sample < 0 || static_cast<std::size_t>(sample) >= dataset->test.size()) {
    if (error) *error = tr("There is no test user %1.").arg(sample);
    return false;
  }
  const std::optional<eval::ModelDiagnostics> known = knownDiagnostics(model);
  jobs_->start(JobKind::Routing, [this, model, dataset, sample, threads, known](JobContext& ctx) {
    RoutingResult result;
    result.sample = sample;
    result.model = model;
    try {
      result.inspection = core::inspectSample(model, dataset->test[static_cast<std::size_t>(sample)], threads);
      result.diagnostics = diagnosticsFor(model, *dataset, threads, known);
      ctx.finish([this, result] {
        routing_ = result;
        rememberDiagnostics(result.model, result.diagnostics);
        Q_EMIT routingFinished(true, QString());
      });
    } catch (const std::exception& e) {
      const QString message = QString::fromStdString(e.what());
      ctx.finish([this, message] { Q_EMIT routingFinished(false, message); });
    }
  });
  return true;
}

std::optional<eval::ModelDiagnostics> InspectionController::knownDiagnostics(const ModelHandle& model) const {
  for (const auto& [handle, diagnostics] : diagnosed_) {
    if (handle == model) return diagnostics;
  }
  return std::nullopt;
}

void InspectionController::rememberDiagnostics(const ModelHandle& model,
                                               const std::optional<eval::ModelDiagnostics>& diagnostics) {
  if (!diagnostics || knownDiagnostics(model)) return;
  diagnosed_.push_back({model, *diagnostics});
  if (diagnosed_.size() > 2) diagnosed_.removeFirst();
}

bool InspectionController::startStepAccuracy(const ModelHandle& model,
                                             std::shared_ptr<const data::SequenceDataset> dataset,
                                             const views::ScrubberRequest& request, const QString& device, int threads,
                                             QString* error) {
  if (!canRunOnTestSplit(model, dataset.get(), error)) return false;
  core::TraceSettings settings;
  settings.device = device.toStdString();
  settings.threads = threads;
  settings.sampler = request.sampler == "ddpm" ? "ddpm" : "ddim";
  settings.steps = settings.sampler == "ddim" ? request.ddimSteps : 0;
  settings.seed = request.seed;
  jobs_->start(JobKind::StepAccuracy, [this, model, dataset, settings](JobContext& ctx) {
    auto progress =
        ctx.throttledProgress([this](qint64 done, qint64 total) { Q_EMIT stepAccuracyProgress(done, total); });
    try {
      auto steps = core::stepAccuracy(model, *dataset, settings, progress);
      const bool cancelled = ctx.cancelled();
      ctx.finish([this, steps, cancelled] {
        steps_ = steps;
        Q_EMIT stepAccuracyFinished(true, cancelled ? tr("Stopped early: the steps so far are averaged over the "
                                                         "users done.")
                                                    : tr("HR@K of x̂0 at every step over the test split."));
      });
    } catch (const std::exception& e) {
      const QString message = QString::fromStdString(e.what());
      ctx.finish([this, message] { Q_EMIT stepAccuracyFinished(false, message); });
    }
  });
  return true;
}

bool InspectionController::startRanking(const ModelHandle& model, std::shared_ptr<const data::SequenceDataset> dataset,
                                        const QString& device, int threads, QString* error) {
  if (!canRunOnTestSplit(model, dataset.get(), error)) return false;
  core::EvalSettings settings;
  settings.device = device.toStdString();
  settings.threads = threads;
  jobs_->start(JobKind::Ranking, [this, model, dataset, settings](JobContext& ctx) {
    auto progress = ctx.throttledProgress([this](qint64 done, qint64 total) { Q_EMIT rankingProgress(done, total); });
    try {
      std::vector<std::int64_t> ranks;
      core::evaluate(model, dataset->test, settings, progress, &ranks);
      ctx.finish([this, model, ranks] {
        ranked_ = model;
        ranks_ = QVector<qint64>(ranks.begin(), ranks.end());
        Q_EMIT rankingFinished(true, tr("Test users ranked by their true item's final rank."));
      });
    } catch (const JobCancelled&) {
      ctx.finish([this] { Q_EMIT rankingFinished(false, tr("Ranking cancelled.")); });
    } catch (const std::exception& e) {
      const QString message = QString::fromStdString(e.what());
      ctx.finish([this, message] { Q_EMIT rankingFinished(false, message); });
    }
  });
  return true;
}

QVector<qint64> InspectionController::testRanks(const ModelHandle& model) const {
  return model == ranked_ ? ranks_ : QVector<qint64>();
}

}  // namespace recdiff::studio
