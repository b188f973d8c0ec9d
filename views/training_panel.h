// The training dock: device and threads, start / pause / resume / cancel,
// a progress bar with the time left, live charts of every loss component
// (per batch, smoothed), of validation HR@20 / NDCG@20 per epoch, and of
// the collapse figures per epoch (heads collapsed onto one item — paper
// 000's routing collapse —, head redundancy, head dominance, item-table
// effective rank).
#pragma once

#include <cstdint>

#include <QWidget>

#include "views/training_progress.h"

class QCheckBox;
class QComboBox;
class QLabel;
class QProgressBar;
class QPushButton;
class QSlider;
class QSpinBox;
class QTabWidget;

namespace recdiff::views {

class ErrorBanner;
class SeriesChart;

class TrainingPanel : public QWidget {
  Q_OBJECT

 public:
  enum class State { Idle, Running, Paused, Stopping };

  explicit TrainingPanel(QWidget* parent = nullptr);

  TrainingRequest request() const;
  void setRequest(const TrainingRequest& request);
  void setCudaAvailable(bool available, const QString& description = QString());
  // Whether Start is possible, and why not (shown as its tooltip).
  void setReady(bool ready, const QString& why = QString());

  void trainingStarted(const QString& what, std::int64_t plannedEpochs);
  void addBatches(const std::vector<TrainingBatchPoint>& points);
  void addEpoch(const TrainingEpochPoint& point);
  void setPaused(bool paused);
  void setStopping();
  void trainingFinished(bool ok, bool cancelled, const QString& message);
  void showError(const QString& title, const QString& details);
  // Replays a finished run's history (session reopened).
  void showHistory(const std::vector<TrainingEpochPoint>& epochs);

  State state() const { return state_; }
  SeriesChart* lossChart() const { return losses_; }
  SeriesChart* validationChart() const { return validation_; }
  SeriesChart* collapseChart() const { return collapse_; }
  ErrorBanner* banner() const { return banner_; }
  QProgressBar* progressBar() const { return progress_; }

 Q_SIGNALS:
  void startRequested();
  void pauseRequested();
  void resumeRequested();
  void cancelRequested();
  void settingsChanged();

 private:
  void updateButtons();
  QString perBatchTitle() const;

  ErrorBanner* banner_;
  QComboBox* device_;
  QSpinBox* threads_;
  QSpinBox* epochs_;
  QSpinBox* validationSamples_;
  QSpinBox* seed_;
  QPushButton* start_;
  QPushButton* pause_;
  QPushButton* resume_;
  QPushButton* cancel_;
  QProgressBar* progress_;
  QLabel* eta_;
  QLabel* status_;
  QSlider* smoothing_;
  QCheckBox* logScale_;
  SeriesChart* losses_;
  SeriesChart* validation_;
  SeriesChart* collapse_;
  QTabWidget* epochCharts_;
  State state_ = State::Idle;
  bool ready_ = false;
  QString notReady_;
};

// "1:05" / "1:02:03" for a number of seconds.
QString formatDuration(double seconds);

}  // namespace recdiff::views
