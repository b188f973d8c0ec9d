// The built-in demo: the synthetic planted-interest dataset, a small ADIGRec,
// the same without L_reg and a DimeRec beside them (core/train/demo_recipe.h),
// run start to finish (generate, then train and evaluate each model on the
// test split) in about a minute on two cores.
#pragma once

#include <QObject>

#include "app/studio/session_document.h"

namespace recdiff::studio {

class StudioController;

namespace demo {

// The session the demo (and the classroom session file) starts from.
SessionDocument session();
data::SyntheticConfig syntheticConfig();
models::Config modelConfig();

}  // namespace demo

class DemoRunner : public QObject {
  Q_OBJECT

 public:
  explicit DemoRunner(StudioController* studio, QObject* parent = nullptr);

  // Replaces the session with the demo's and runs it to the end.
  void start();
  bool isRunning() const { return stage_ != Stage::Idle; }
  void abort();

 Q_SIGNALS:
  void progressed(const QString& what);
  // ok: the evaluation finished; otherwise `message` says what stopped it.
  void finished(bool ok, const QString& message);

 private:
  enum class Stage { Idle, Loading, Training, Evaluating };
  void fail(const QString& message);
  void trainModel(int index);  // then evaluate it; then the next model

  StudioController* studio_;
  Stage stage_ = Stage::Idle;
  int model_ = 0;  // the session model in hand
};

}  // namespace recdiff::studio
