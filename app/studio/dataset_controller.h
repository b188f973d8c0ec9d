// Loads the session's dataset off the GUI thread — a file or folder through
// the core's loader, or the synthetic generator — and keeps the current one
// with its report and statistics. A failed load leaves the current dataset
// as it was.
#pragma once

#include <QObject>
#include <QString>
#include <QStringList>

#include <memory>
#include <optional>

#include "app/studio/session_document.h"
#include "core/data/dataset_stats.h"
#include "core/data/sequence_dataset.h"
#include "core/data/synthetic_truth.h"

namespace recdiff::studio {

class JobRunner;

class DatasetController : public QObject {
  Q_OBJECT

 public:
  DatasetController(JobRunner* jobs, QObject* parent = nullptr);

  void load(const DatasetSource& source);
  bool isLoading() const;

  bool hasDataset() const { return static_cast<bool>(dataset_); }
  std::shared_ptr<const data::SequenceDataset> dataset() const { return dataset_; }
  const DatasetSource& source() const { return source_; }
  const data::DatasetStats& stats() const { return stats_; }
  QString name() const;
  QString splitName() const;
  QStringList reportLines() const { return reportLines_; }
  QStringList warnings() const { return warnings_; }
  // The planted structure, for a synthetic dataset.
  std::shared_ptr<const data::SyntheticTruth> truth() const { return truth_; }
  void clear();

  // The last error: the full message and, for reader errors, file and line.

 Q_SIGNALS:
  void loadingStarted(const QString& what);
  void loaded();
  // `message` names the file and line where there is one.
  void failed(const QString& message);
  void cleared();

 private:
  JobRunner* jobs_;
  DatasetSource source_;
  std::shared_ptr<const data::SequenceDataset> dataset_;
  std::shared_ptr<const data::SyntheticTruth> truth_;
  data::DatasetStats stats_;
  QStringList reportLines_;
  QStringList warnings_;
};

}  // namespace recdiff::studio
