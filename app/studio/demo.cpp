#include "app/studio/demo.h"

#include "app/studio/dataset_controller.h"
#include "app/studio/evaluation_controller.h"
#include "app/studio/studio_controller.h"
#include "app/studio/training_controller.h"
#include "core/train/demo_recipe.h"

namespace recdiff::studio {

namespace demo {

data::SyntheticConfig syntheticConfig() { return train::demo::syntheticConfig(); }
models::Config modelConfig() { return train::demo::modelConfig(); }

SessionDocument session() {
  SessionDocument s;
  s.title = "Demo: planted interests";
  s.dataset.kind = DatasetSource::Kind::Synthetic;
  s.dataset.synthetic = syntheticConfig();
  for (const train::demo::DemoModel& d : train::demo::models()) {
    ModelEntry m;
    m.id = "m" + std::to_string(s.models.size() + 1);
    m.label = d.label;
    m.modelName = d.modelName;
    m.config = d.config;
    s.models.push_back(m);
  }
  s.currentModel = 0;
  s.training.device = "cpu";
  s.training.threads = 0;
  s.training.epochs = -1;
  s.training.validationSamples = 0;
  s.training.seed = train::demo::kTrainingSeed;
  return s;
}

}  // namespace demo

DemoRunner::DemoRunner(StudioController* studio, QObject* parent) : QObject(parent), studio_(studio) {
  connect(studio_->datasets(), &DatasetController::loaded, this, [this] {
    if (stage_ != Stage::Loading) return;
    trainModel(0);
  });
  connect(studio_->datasets(), &DatasetController::failed, this, [this](const QString& m) {
    if (stage_ == Stage::Loading) fail(m);
  });
  connect(studio_->training(), &TrainingController::finished, this,
          [this](const QString&, bool ok, bool cancelled, const QString& message) {
            if (stage_ != Stage::Training) return;
            if (!ok || cancelled || studio_->currentModel().isNull()) {
              fail(message);
              return;
            }
            QString error;
            stage_ = Stage::Evaluating;
            if (!studio_->startEvaluation("test", false, &error)) {
              fail(error);
              return;
            }
            Q_EMIT progressed(tr("Evaluating on the test split…"));
          });
  connect(studio_->evaluation(), &EvaluationController::finished, this,
          [this](const QString&, bool ok, bool cancelled, const QString& message) {
            if (stage_ != Stage::Evaluating) return;
            if (!ok || cancelled) {
              fail(message);
              return;
            }
            if (model_ + 1 < static_cast<int>(studio_->session().models.size())) {
              trainModel(model_ + 1);
              return;
            }
            stage_ = Stage::Idle;
            studio_->setCurrentModel(0);  // inspection starts from ADIGRec
            Q_EMIT finished(true, message);
          });
}

void DemoRunner::trainModel(int index) {
  model_ = index;
  studio_->setCurrentModel(index);
  QString error;
  stage_ = Stage::Training;
  if (!studio_->startTraining(&error)) {
    fail(error);
    return;
  }
  Q_EMIT progressed(tr("Training %1…").arg(QString::fromStdString(studio_->session().models[index].label)));
}

void DemoRunner::start() {
  stage_ = Stage::Loading;
  studio_->adoptSession(demo::session(), QString(), false);
  Q_EMIT progressed(tr("Generating the synthetic dataset…"));
}

void DemoRunner::abort() {
  if (stage_ == Stage::Idle) return;
  stage_ = Stage::Idle;
  Q_EMIT finished(false, tr("Demo stopped."));
}

void DemoRunner::fail(const QString& message) {
  stage_ = Stage::Idle;
  Q_EMIT finished(false, message);
}

}  // namespace recdiff::studio
