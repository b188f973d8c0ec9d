// The reverse-diffusion scrubber: pick a test user, run the model's reverse
// process once or several times (seeds; DDPM and/or DDIM), then step through
// it from T down to 0 — slider, play/pause, step back/forward, speed,
// keyboard (←/→, Space, Home/End). A second model can run beside the first
// for the same user: its runs join the charts and its top items stand in a
// second table, at the same fraction of its own reverse process. At each
// step: the top-k items with scores (true next item highlighted), and
// across all steps the target's rank and, right under it, how much x̂0
// responds to x_t (the sensitivity probe), then (in tabs) the cosines of
// x_t and x̂0 to the target and ‖x_t‖, with a cursor at the current step;
// above them a sentence a teacher can read aloud on whether the output
// depends on the noise (noise_dependence_summary.h). The runs are computed
// elsewhere (runRequested → setRuns).
#pragma once

#include <QStringList>
#include <QVector>
#include <QWidget>

#include <functional>

#include "core/diffusion/trace_table.h"
#include "core/eval/stepwise_accuracy.h"

class QCheckBox;
class QComboBox;
class QLabel;
class QPushButton;
class QToolButton;
class QSlider;
class QSpinBox;
class QTabWidget;
class QTableView;
class QTimer;

namespace recdiff::views {

class ErrorBanner;
class StepChart;
class TraceStepModel;
class WrappedLabel;

struct ScrubberRequest {
  int sample = 0;  // index into the test split
  int runs = 1;    // stochastic runs, seeds seed..seed+runs-1
  quint64 seed = 1;
  QString sampler = "ddpm";  // "ddpm", "ddim" or "both"
  int ddimSteps = 10;        // S for DDIM
  bool excludeHistory = false;
  int compareWith = -1;  // index into setComparisonModels' list; -1 = none
};

struct ScrubberRun {
  QString label;                // "seed 1 · DDPM" (prefixed by the model when two run)
  diffusion::TraceTable table;  // batch 1
  int model = 0;                // 0 = the current model, 1 = the one compared with
  QString sampler = "ddpm";     // "ddpm" or "ddim": runs of one sampler differ only by their noise
};

class ScrubberPanel : public QWidget {
  Q_OBJECT

 public:
  explicit ScrubberPanel(QWidget* parent = nullptr);

  // The test users, one label per test sample ("user 17 (12 items)").
  void setSamples(const QStringList& labels);
  // Each test sample's final rank of its true item (empty = not known): the
  // user list can then be ordered by it, best or worst first.
  void setSampleRanks(const QVector<qint64>& ranks);
  enum class UserOrder { Test, BestRankFirst, WorstRankFirst };
  void setUserOrder(UserOrder order);
  UserOrder userOrder() const;
  int sampleAt(int listRow) const;  // the test sample the list's row shows
  void setItemLabeler(std::function<QString(qint64)> labeler);
  void setDiffusionSteps(qint64 steps);  // 0: a non-diffusion model (one step)
  // The other session models the current one can be compared with.
  void setComparisonModels(const QStringList& labels);
  // The selected sample's history (item ids, oldest first) and target.
  void setHistory(const QVector<qint64>& history, qint64 target);
  void setRuns(const QVector<ScrubberRun>& runs);
  void setBusy(bool busy, const QString& what = QString());
  void showError(const QString& title, const QString& details);
  void clearRuns(const QString& why = QString());

  ScrubberRequest request() const;
  void setRequest(const ScrubberRequest& request);
  int stepCount() const;
  int currentStep() const;  // index into the selected run's steps
  void setCurrentStep(int step);
  int currentRun() const;
  void setCurrentRun(int run);
  int currentTimestep() const;  // t of the current step (0 = final x0)
  bool isPlaying() const;
  void setPlaying(bool playing);
  const QVector<ScrubberRun>& runs() const { return runs_; }
  TraceStepModel* topItems() const { return topItems_; }
  // Side by side: the other model's run paired with the selected one (-1 =
  // none), its step at the slider's position, and its top items.
  int partnerRun() const;
  int partnerStep() const;
  TraceStepModel* partnerItems() const { return partnerItems_; }
  QSlider* slider() const { return slider_; }
  QString stepSummary() const;  // the line under the slider
  // The charts' shared legend: every run's whole label beside its colour.
  QString runLegendText() const;
  QList<StepChart*> charts() const;
  // Each run's elasticity of x̂0 to x_t per step, and the sentence that
  // says whether the output depends on the noise (empty without runs).
  StepChart* sensitivityChart() const { return sensitivityChart_; }
  QString noiseDependenceText() const;

  // HR@10 / HR@20 of x̂0 at every step over the test split, as a chart.
  void setStepAccuracy(const std::vector<eval::StepAccuracy>& steps, const QString& message);
  void setStepAccuracyProgress(qint64 done, qint64 total);
  StepChart* stepAccuracyChart() const { return accuracyChart_; }

  // Writes the scrubbed run as a video (one frame per step, Motion-JPEG
  // AVI), atomically. False with `error` set on failure. (The exports live
  // in scrubber_export.cpp.)
  bool exportVideo(const QString& path, double framesPerSecond, QString* error);
  // Writes the charts as one PNG or SVG (by the file's suffix).
  bool exportCharts(const QString& path, QString* error);

 Q_SIGNALS:
  void runRequested(const ScrubberRequest& request);
  void stepAccuracyRequested(const ScrubberRequest& request);
  void sampleChanged(int sample);
  // An order by rank was chosen but the ranks are not known yet.
  void rankingRequested();
  void stepChanged(int step);

 private:
  void buildCharts();
  void refreshStep();
  void advance();
  void exportDialog();
  void fillUserList();

  QComboBox* user_;
  QComboBox* order_;
  QStringList sampleLabels_;
  QVector<qint64> sampleRanks_;
  QSpinBox* runCount_;
  QSpinBox* seed_;
  QComboBox* sampler_;
  QSpinBox* ddimSteps_;
  QCheckBox* excludeHistory_;
  QComboBox* compare_;
  QPushButton* runButton_;
  QLabel* history_;
  QToolButton* playButton_;
  QSlider* slider_;
  QComboBox* speed_;
  QLabel* summary_;
  QComboBox* runChoice_;
  QTableView* table_;
  TraceStepModel* topItems_;
  QWidget* partnerBox_;
  QLabel* partnerTitle_;
  TraceStepModel* partnerItems_;
  QLabel* runLegend_;
  StepChart* rankChart_;
  StepChart* cosineChart_;
  StepChart* normChart_;
  StepChart* sensitivityChart_;
  WrappedLabel* noiseSentence_;
  StepChart* accuracyChart_;
  QTabWidget* lowerCharts_;
  QPushButton* accuracyButton_;
  QWidget* chartBox_;
  ErrorBanner* banner_;
  QTimer* playTimer_;
  QVector<ScrubberRun> runs_;
  std::function<QString(qint64)> labeler_;
  qint64 target_ = 0;
};

}  // namespace recdiff::views
