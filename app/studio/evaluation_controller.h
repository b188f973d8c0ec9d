// Evaluates a trained model on the test (or validation) split off the GUI
// thread: progress as samples are ranked, cancellable, the metrics at the
// end, with the collapse figures over the same split (routing collapse for
// models with interest routing) for the comparison table.
#pragma once

#include <QObject>
#include <QString>

#include <memory>

#include "app/studio/core_facade.h"

namespace recdiff::studio {

class JobRunner;

struct EvaluationJob {
  QString entryId;
  QString label;
  ModelHandle model;
  std::shared_ptr<const data::SequenceDataset> dataset;
  QString split = "test";  // "test" or "validation"
  core::EvalSettings settings;
};

class EvaluationController : public QObject {
  Q_OBJECT

 public:
  EvaluationController(JobRunner* jobs, QObject* parent = nullptr);

  bool start(const EvaluationJob& job, QString* error = nullptr);
  void cancel();
  bool isRunning() const;
  const std::optional<eval::RankingMetrics>& lastMetrics() const { return metrics_; }
  // Empty when the diagnostics failed (they are extra: the metrics stand).
  const std::optional<views::EpochCollapse>& lastCollapse() const { return collapse_; }
  QString lastSplit() const { return split_; }

 Q_SIGNALS:
  void started(const QString& entryId, const QString& description);
  void progress(qint64 done, qint64 total);
  // After `finished` with ok && !cancelled, lastMetrics() holds the result.
  void finished(const QString& entryId, bool ok, bool cancelled, const QString& message);

 private:
  JobRunner* jobs_;
  std::optional<eval::RankingMetrics> metrics_;
  std::optional<views::EpochCollapse> collapse_;
  QString split_;
};

}  // namespace recdiff::studio
