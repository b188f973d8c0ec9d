// Runs what the inspection docks show, off the GUI thread: the reverse
// runs a scrubber request asks for (each seed, DDPM and/or DDIM) and the
// model's inspection outputs for the same user; and, for the Interests
// panel's side-by-side view, a second model's routing for that user. A new
// request makes the previous one of its kind stale (its result is dropped).
#pragma once

#include <QObject>
#include <QString>
#include <QPair>
#include <QVector>

#include <memory>
#include <optional>

#include "app/studio/inspection_facade.h"
#include "views/scrubber_panel.h"

namespace recdiff::studio {

class JobRunner;

// "item 42 · Toy Story · Animation": the token, then the title and first
// category when the dataset has them.
QString itemLabel(const data::SequenceDataset& dataset, qint64 item);
// One label per test sample: "user 17 · 12 items".
QStringList testSampleLabels(const data::SequenceDataset& dataset);

struct InspectionResult {
  int sample = 0;
  QString user;
  QVector<views::ScrubberRun> runs;
  core::InspectionTable inspection;
  // Across users; computed once per model (kept from the previous result
  // when the model is the same).
  std::optional<eval::ModelDiagnostics> diagnostics;
};

// One model's routing for one test user: its inspection outputs and its
// diagnostics across users (the Interests panel's second model).
struct RoutingResult {
  int sample = 0;
  ModelHandle model;
  core::InspectionTable inspection;
  std::optional<eval::ModelDiagnostics> diagnostics;
};

// A second model to run beside the current one (none when `model` is null).
struct ScrubberComparison {
  ModelHandle model;
  QString label;      // e.g. "DimeRec"
  QString mainLabel;  // the current model's, e.g. "ADIGRec"
};

class InspectionController : public QObject {
  Q_OBJECT

 public:
  explicit InspectionController(JobRunner* jobs, QObject* parent = nullptr);

  bool start(const ModelHandle& model, std::shared_ptr<const data::SequenceDataset> dataset,
             const views::ScrubberRequest& request, const QString& device, int threads, QString* error = nullptr,
             const ScrubberComparison& comparison = {});
  bool isRunning() const;
  const InspectionResult& last() const { return last_; }

  // `model`'s inspection outputs for test sample `sample`, with its
  // diagnostics across users (computed once per model): no reverse run.
  bool startRouting(const ModelHandle& model, std::shared_ptr<const data::SequenceDataset> dataset, int sample,
                    int threads, QString* error = nullptr);
  const RoutingResult& lastRouting() const { return routing_; }
  bool isRoutingRunning() const;

  // HR@K of x̂0 at every reverse step over the whole test split, with the
  // request's sampler (DDIM when it says "ddim" or "both") and seed.
  bool startStepAccuracy(const ModelHandle& model, std::shared_ptr<const data::SequenceDataset> dataset,
                         const views::ScrubberRequest& request, const QString& device, int threads,
                         QString* error = nullptr);
  const std::vector<eval::StepAccuracy>& lastStepAccuracy() const { return steps_; }

  // Every test user's final rank of the true item (one reverse run each,
  // with the evaluation's seed), so the scrubber can list users by it.
  bool startRanking(const ModelHandle& model, std::shared_ptr<const data::SequenceDataset> dataset,
                    const QString& device, int threads, QString* error = nullptr);
  // The ranks of `model`'s last ranking, empty when it has none.
  QVector<qint64> testRanks(const ModelHandle& model) const;

 Q_SIGNALS:
  void started(const QString& description);
  void finished(bool ok, const QString& message);
  void stepAccuracyProgress(qint64 done, qint64 total);
  void stepAccuracyFinished(bool ok, const QString& message);
  void rankingProgress(qint64 done, qint64 total);
  void rankingFinished(bool ok, const QString& message);
  void routingFinished(bool ok, const QString& message);

 private:
  JobRunner* jobs_;
  // Diagnostics across users are slow-ish (up to 2,000 users): kept for the
  // last two models diagnosed, the current one and the one compared with.
  std::optional<eval::ModelDiagnostics> knownDiagnostics(const ModelHandle& model) const;
  void rememberDiagnostics(const ModelHandle& model, const std::optional<eval::ModelDiagnostics>& diagnostics);

  InspectionResult last_;
  RoutingResult routing_;
  QVector<QPair<ModelHandle, eval::ModelDiagnostics>> diagnosed_;  // newest last
  std::vector<eval::StepAccuracy> steps_;
  ModelHandle ranked_;  // the model ranks_ belong to
  QVector<qint64> ranks_;
};

}  // namespace recdiff::studio
