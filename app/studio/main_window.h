// The main window: a start page, then docks — Dataset, Model, Training,
// Evaluation, Scrubber, Interests, Projection, Log — whose layout is remembered; menus with the standard
// shortcuts; a status bar with the device and thread count; a notification
// strip for session-level errors.
//
// The inspection docks (scrubber, interests, projection) are built and wired in
// main_window_inspection.cpp; further panels join with addPanel(dock, area)
// and reach the trained model through studio()->currentModel().
#pragma once

#include <QKeySequence>
#include <QMainWindow>
#include <QMessageBox>
#include <QPointer>

#include <functional>
#include <memory>

#include "app/studio/recovery_store.h"

class QAction;
class QDockWidget;
class QLabel;
class QMenu;
class QTimer;
class QToolBar;

namespace recdiff::views {
class DatasetPanel;
class ErrorBanner;
class EvaluationPanel;
class LogPanel;
class InterestsPanel;
class ModelPanel;
class ProjectionPanel;
struct ProjectionSettings;
class ScrubberPanel;
class StartPage;
class TrainingPanel;
}  // namespace recdiff::views

namespace recdiff::studio {

class DemoRunner;
class InspectionController;
class ProjectionController;
class StudioController;

class MainWindow : public QMainWindow {
  Q_OBJECT

 public:
  struct Options {
    QString recoveryFile;        // "" = the default location
    bool restoreLayout = true;   // from QSettings
    int autosaveMs = 60 * 1000;  // crash-recovery copy while modified
  };
  // The default layout: the window's size (less on a smaller screen) and
  // the width of its left docks (dataset, model); the right docks
  // (training, evaluation, inspection) get the rest.
  static constexpr QSize kDefaultSize{1500, 950};
  static constexpr int kDefaultLeftDockWidth = 640;

  explicit MainWindow(QWidget* parent = nullptr);
  MainWindow(const Options& options, QWidget* parent = nullptr);
  ~MainWindow() override;

  StudioController* studio() const { return studio_; }
  DemoRunner* demo() const { return demo_; }
  views::DatasetPanel* datasetPanel() const { return datasetPanel_; }
  views::ModelPanel* modelPanel() const { return modelPanel_; }
  views::TrainingPanel* trainingPanel() const { return trainingPanel_; }
  views::EvaluationPanel* evaluationPanel() const { return evaluationPanel_; }
  views::LogPanel* logPanel() const { return logPanel_; }
  views::ScrubberPanel* scrubberPanel() const { return scrubberPanel_; }
  views::InterestsPanel* interestsPanel() const { return interestsPanel_; }
  views::ProjectionPanel* projectionPanel() const { return projectionPanel_; }
  InspectionController* inspection() const { return inspection_; }
  ProjectionController* projection() const { return projection_; }
  views::StartPage* startPage() const { return startPage_; }
  views::ErrorBanner* notification() const { return notification_; }

  // Adds a dock (its objectName must be set: the layout is saved by name),
  // with a toggle in the View menu.
  void addPanel(QDockWidget* dock, Qt::DockWidgetArea area = Qt::RightDockWidgetArea);
  QDockWidget* dock(const QString& objectName) const;
  // Leaves the start page and raises the dock ("dataset", "model",
  // "training", "evaluation", "log" or a dock's objectName).
  void showPanel(const QString& name);
  bool isStartPageVisible() const { return startVisible_; }
  void setStartPageVisible(bool visible);

  bool openSessionFile(const QString& path);  // errors go to the notification strip
  bool saveSessionTo(const QString& path);
  void startDemo();
  void openClassroomSession();
  // Writes the crash-recovery copy now (the timer does it while modified).
  void autosave();
  RecoveryStore& recovery() { return recovery_; }

  // Questions the window asks (quit while training, unsaved changes) go
  // through this; tests replace it. Returns the button chosen.
  using Ask = std::function<QMessageBox::StandardButton(const QString& title, const QString& text,
                                                        QMessageBox::StandardButtons buttons)>;
  void setAsk(Ask ask) { ask_ = std::move(ask); }
  // Close without questions (screenshots, scripted runs).
  void setQuietClose(bool quiet) { quietClose_ = quiet; }
  // The window closes once training has stopped after "stop and quit".
  bool isClosingAfterTraining() const { return closeAfterTraining_; }

 Q_SIGNALS:
  void demoFinished(bool ok, const QString& message);

 protected:
  void closeEvent(QCloseEvent* event) override;
  void showEvent(QShowEvent* event) override;
  void dragEnterEvent(QDragEnterEvent* event) override;
  void dropEvent(QDropEvent* event) override;

 private:
  void buildDocks();
  void applyDefaultDockSizes();
  void restoreDefaultLayout();                 // which docks where, and their default sizes
  QSize defaultWindowSize() const;             // kDefaultSize, or less on a smaller screen
  QList<QDockWidget*> buildInspectionDocks();  // created, not yet placed
  void wireInspection();
  void refreshInspection();
  void showInspectionSample(int sample);
  void refreshProjectionOverlay();  // the scrubbed runs in the map
  bool startInspection(const QString& why);
  // The Interests panel's second model, for the scrubber's last user.
  void refreshInterestComparisons();
  void startInterestComparison();
  // Maps the catalogue with these settings (the Projection panel's Compute,
  // and the demo's last stage); false, with the panel saying why, when it
  // cannot start.
  bool startProjection(const views::ProjectionSettings& settings);
  static QKeySequence panelShortcut(const QString& dockName);
  void continueDemoWithProjection(const QString& message);
  void buildActions();
  void buildStatusBar();
  void wirePanels();
  void wireDataset();
  void wireModels();
  void wireTraining();
  void wireEvaluation();
  void refreshSession();
  void refreshModels();
  void refreshReadiness();
  void refreshEvaluation();
  void refreshStatusBar();
  void refreshTitle();
  void refreshRecent();
  void notify(const QString& title, const QString& details, bool error = true);
  bool maybeSave();
  bool save();
  bool saveAs();
  void openSessionDialog();
  void openDatasetDialog();
  void cancelCurrent();
  // F5: trains the current model; when it has an interrupted run, asks
  // whether to continue that run or start afresh; otherwise, when its
  // checkpoint file exists, asks before a new run replaces it.
  void startTraining();
  QDockWidget* makeDock(const QString& objectName, const QString& title, QWidget* panel);

  Options options_;
  StudioController* studio_;
  DemoRunner* demo_;
  RecoveryStore recovery_;
  QTimer* autosaveTimer_;
  views::StartPage* startPage_;
  views::DatasetPanel* datasetPanel_;
  views::ModelPanel* modelPanel_;
  views::TrainingPanel* trainingPanel_;
  views::EvaluationPanel* evaluationPanel_;
  views::LogPanel* logPanel_;
  views::ScrubberPanel* scrubberPanel_ = nullptr;
  views::InterestsPanel* interestsPanel_ = nullptr;
  InspectionController* inspection_ = nullptr;
  QStringList comparisonIds_;  // session model ids behind the scrubber's "Compare with" list
  views::ProjectionPanel* projectionPanel_ = nullptr;
  ProjectionController* projection_ = nullptr;
  bool demoInspecting_ = false;  // the demo's last stages: its first reverse runs,
  bool demoProjecting_ = false;  // then the catalogue map
  views::ErrorBanner* notification_;
  QToolBar* notificationBar_;
  QAction* notificationAction_ = nullptr;
  QList<QDockWidget*> docks_;
  QMenu* viewMenu_ = nullptr;
  QMenu* recentMenu_ = nullptr;
  QAction* panelSeparator_ = nullptr;
  QAction* trainAction_ = nullptr;
  QAction* pauseAction_ = nullptr;
  QAction* cancelAction_ = nullptr;
  QAction* evaluateAction_ = nullptr;
  QAction* saveAction_ = nullptr;
  QLabel* datasetStatus_;
  QLabel* deviceStatus_;
  QLabel* threadStatus_;
  QLabel* jobStatus_;
  QString chartsEntry_;  // the session model the training charts show
  QByteArray defaultState_;
  QByteArray workspaceState_;
  bool defaultDockSizesPending_ = true;  // set once the docks have been shown
  bool startVisible_ = false;
  bool closeAfterTraining_ = false;
  bool quietClose_ = false;
  Ask ask_;
};

}  // namespace recdiff::studio
