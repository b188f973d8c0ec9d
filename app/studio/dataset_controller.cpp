#include "app/studio/dataset_controller.h"

#include <QFileInfo>

#include "app/studio/job_runner.h"
#include "core/data/data_error.h"
#include "core/data/dataset_loader.h"
#include "core/data/synthetic.h"

namespace recdiff::studio {

namespace {

struct LoadResult {
  std::shared_ptr<const data::SequenceDataset> dataset;
  std::shared_ptr<const data::SyntheticTruth> truth;
  data::DatasetStats stats;
  QStringList report;
  QStringList warnings;
};

QStringList toList(const std::vector<std::string>& lines) {
  QStringList out;
  for (const auto& l : lines) out << QString::fromStdString(l);
  return out;
}

LoadResult readFile(const data::DatasetSpec& spec) {
  LoadResult r;
  data::LoadReport report;
  auto dataset = std::make_shared<data::SequenceDataset>(data::loadDataset(spec, &report));
  r.stats = data::computeStats(*dataset);
  r.report = toList(report.summaryLines());
  r.warnings = toList(report.warnings);
  for (const data::ReadReport& read : report.reads) {
    if (read.rejected() == 0) continue;
    QString w = QObject::tr("%1 of %2 lines of %3 were skipped:")
                    .arg(read.rejected())
                    .arg(read.dataLines)
                    .arg(QFileInfo(QString::fromStdString(read.file)).fileName());
    for (const auto& example : read.examples) w += "\n  " + QString::fromStdString(read.describe(example));
    r.warnings << w;
  }
  r.dataset = std::move(dataset);
  return r;
}

LoadResult generate(const data::SyntheticConfig& config) {
  LoadResult r;
  data::SyntheticData synthetic = data::generateSynthetic(config);
  r.stats = data::computeStats(synthetic.dataset);
  r.report << QObject::tr("synthetic: %1 users, %2 items, %3 categories, each user 1..%4 interests, seed %5")
                  .arg(config.users)
                  .arg(config.items)
                  .arg(config.categories)
                  .arg(config.maxInterestsPerUser)
                  .arg(config.seed);
  r.report << QObject::tr(
                  "sequences: mean length %1, interest kept with probability %2, "
                  "popularity skew %3, noise %4")
                  .arg(config.meanLength)
                  .arg(config.stayProbability)
                  .arg(config.popularitySkew)
                  .arg(config.noiseProbability);
  r.report << QObject::tr("split: leave-one-out, samples train %1 / validation %2 / test %3")
                  .arg(synthetic.dataset.train.size())
                  .arg(synthetic.dataset.validation.size())
                  .arg(synthetic.dataset.test.size());
  r.truth = std::make_shared<data::SyntheticTruth>(std::move(synthetic.truth));
  r.dataset = std::make_shared<data::SequenceDataset>(std::move(synthetic.dataset));
  return r;
}

}  // namespace

DatasetController::DatasetController(JobRunner* jobs, QObject* parent) : QObject(parent), jobs_(jobs) {}

bool DatasetController::isLoading() const { return jobs_->isRunning(JobKind::Dataset); }

void DatasetController::load(const DatasetSource& source) {
  if (source.kind == DatasetSource::Kind::None) {
    clear();
    return;
  }
  const QString what = source.kind == DatasetSource::Kind::Synthetic
                           ? tr("Generating the synthetic dataset…")
                           : tr("Reading %1…").arg(QString::fromStdString(source.spec.path));
  jobs_->start(JobKind::Dataset, [this, source](JobContext& job) {
    try {
      auto result = std::make_shared<LoadResult>(
          source.kind == DatasetSource::Kind::Synthetic ? generate(source.synthetic) : readFile(source.spec));
      job.finish([this, source, result] {
        source_ = source;
        dataset_ = result->dataset;
        truth_ = result->truth;
        stats_ = result->stats;
        reportLines_ = result->report;
        warnings_ = result->warnings;
        Q_EMIT loaded();
      });
    } catch (const std::exception& e) {
      const QString message = QString::fromStdString(e.what());
      job.finish([this, message] { Q_EMIT failed(message); });
    }
  });
  Q_EMIT loadingStarted(what);  // (isLoading() is true from here on)
}

QString DatasetController::name() const {
  if (!dataset_) return {};
  if (source_.kind == DatasetSource::Kind::Synthetic) {
    return dataset_->name.empty() ? tr("synthetic") : QString::fromStdString(dataset_->name);
  }
  return QString::fromStdString(dataset_->name);
}

QString DatasetController::splitName() const {
  return dataset_ ? QString::fromLatin1(data::toString(dataset_->split)) : QString();
}

void DatasetController::clear() {
  jobs_->discard(JobKind::Dataset);
  dataset_.reset();
  truth_.reset();
  stats_ = {};
  reportLines_.clear();
  warnings_.clear();
  source_ = {};
  Q_EMIT cleared();
}

}  // namespace recdiff::studio
