#include "app/studio/main_window.h"

#include <QAction>
#include <QApplication>
#include <QCloseEvent>
#include <QDir>
#include <QDockWidget>
#include <QDragEnterEvent>
#include <QDropEvent>
#include <QFileDialog>
#include <QFileInfo>
#include <QKeySequence>
#include <QLabel>
#include <QLayout>
#include <QMenuBar>
#include <QMimeData>
#include <QScreen>
#include <QStatusBar>
#include <QStyle>
#include <QTimer>
#include <QToolBar>

#include "app/studio/about_box.h"
#include "app/studio/core_facade.h"
#include "app/studio/demo.h"
#include "app/studio/evaluation_controller.h"
#include "app/studio/job_runner.h"
#include "app/studio/studio_controller.h"
#include "app/studio/studio_settings.h"
#include "app/studio/training_controller.h"
#include "views/dataset_panel.h"
#include "views/error_banner.h"
#include "views/evaluation_panel.h"
#include "views/log_panel.h"
#include "views/model_panel.h"
#include "views/panel_scroll_area.h"
#include "views/start_page.h"
#include "views/training_panel.h"

// Q_INIT_RESOURCE must be used outside any namespace. The resources are
// compiled into the recdiff_studio library, which a linker would otherwise
// be free to leave out of the executable and the tests.
static void initStudioResources() { Q_INIT_RESOURCE(resources); }

namespace recdiff::studio {

namespace {
constexpr int kLayoutVersion = 1;
const char* kSessionFilter =
    QT_TRANSLATE_NOOP("MainWindow", "RecDiff sessions (*.rdsession);;JSON (*.json);;All files (*)");
}  // namespace

MainWindow::MainWindow(QWidget* parent) : MainWindow(Options{}, parent) {}

MainWindow::MainWindow(const Options& options, QWidget* parent)
    : QMainWindow(parent), options_(options), recovery_(options.recoveryFile) {
  initStudioResources();
  setObjectName("mainWindow");
  setWindowIcon(QIcon(":/icons/recdiff-studio.svg"));
  setAcceptDrops(true);
  setDockNestingEnabled(true);
  setDockOptions(QMainWindow::AnimatedDocks | QMainWindow::AllowTabbedDocks | QMainWindow::AllowNestedDocks);
  ask_ = [this](const QString& title, const QString& text, QMessageBox::StandardButtons buttons) {
    return QMessageBox::question(this, title, text, buttons);
  };
  studio_ = new StudioController(this);
  demo_ = new DemoRunner(studio_, this);

  startPage_ = new views::StartPage(this);
  setCentralWidget(startPage_);
  notification_ = new views::ErrorBanner(this);
  notificationBar_ = new QToolBar(tr("Notifications"), this);
  notificationBar_->setObjectName("notificationBar");
  notificationBar_->setMovable(false);
  notificationBar_->setFloatable(false);
  notificationBar_->toggleViewAction()->setVisible(false);
  // A widget in a tool bar is shown and hidden through its action (QToolBar
  // ignores the widget's own show()); the banner starts hidden.
  notificationAction_ = notificationBar_->addWidget(notification_);
  notification_->setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Preferred);
  buildDocks();
  buildActions();
  addToolBarBreak(Qt::TopToolBarArea);
  addToolBar(Qt::TopToolBarArea, notificationBar_);
  notificationBar_->hide();
  connect(notification_, &views::ErrorBanner::dismissed, notificationBar_, &QToolBar::hide);
  buildStatusBar();
  wirePanels();

  resize(defaultWindowSize());
  defaultState_ = saveState(kLayoutVersion);
  if (options_.restoreLayout) {
    restoreGeometry(settings::windowGeometry());
    const QByteArray state = settings::windowState();
    if (!state.isEmpty() && restoreState(state, kLayoutVersion)) defaultDockSizesPending_ = false;
  }
  notificationBar_->hide();

  autosaveTimer_ = new QTimer(this);
  autosaveTimer_->setInterval(options_.autosaveMs);
  connect(autosaveTimer_, &QTimer::timeout, this, &MainWindow::autosave);
  autosaveTimer_->start();

  studio_->newSession();
  refreshRecent();
  startPage_->setRecoveryOffer(recovery_.exists() ? recovery_.describe() : QString());
  startVisible_ = false;
  setStartPageVisible(true);
  refreshTitle();
}

MainWindow::~MainWindow() = default;

QDockWidget* MainWindow::makeDock(const QString& objectName, const QString& title, QWidget* panel) {
  auto* d = new QDockWidget(title, this);
  d->setObjectName(objectName);
  d->setWidget(new views::PanelScrollArea(panel));
  d->setFeatures(QDockWidget::DockWidgetClosable | QDockWidget::DockWidgetMovable | QDockWidget::DockWidgetFloatable);
  docks_ << d;
  return d;
}

void MainWindow::buildDocks() {
  datasetPanel_ = new views::DatasetPanel(this);
  modelPanel_ = new views::ModelPanel(this);
  trainingPanel_ = new views::TrainingPanel(this);
  evaluationPanel_ = new views::EvaluationPanel(this);
  logPanel_ = new views::LogPanel(this);
  QDockWidget* dataset = makeDock("datasetDock", tr("Dataset"), datasetPanel_);
  QDockWidget* model = makeDock("modelDock", tr("Model"), modelPanel_);
  QDockWidget* training = makeDock("trainingDock", tr("Training"), trainingPanel_);
  QDockWidget* evaluation = makeDock("evaluationDock", tr("Evaluation"), evaluationPanel_);
  QDockWidget* log = makeDock("logDock", tr("Log"), logPanel_);
  const QList<QDockWidget*> inspection = buildInspectionDocks();
  addDockWidget(Qt::LeftDockWidgetArea, dataset);
  addDockWidget(Qt::RightDockWidgetArea, training);
  addDockWidget(Qt::BottomDockWidgetArea, log);
  tabifyDockWidget(dataset, model);
  tabifyDockWidget(training, evaluation);
  QDockWidget* previous = evaluation;
  for (QDockWidget* d : inspection) {
    tabifyDockWidget(previous, d);
    previous = d;
  }
  dataset->raise();
  training->raise();
}

QSize MainWindow::defaultWindowSize() const {
  const QScreen* screen = this->screen();
  if (!screen) return kDefaultSize;
  return kDefaultSize.boundedTo(screen->availableGeometry().size() * 0.95);
}

void MainWindow::restoreDefaultLayout() {
  restoreState(defaultState_, kLayoutVersion);
  applyDefaultDockSizes();
}

// Qt keeps dock sizes only once the docks are laid out in a shown window;
// until then the sizes wait (defaultDockSizesPending_).
void MainWindow::applyDefaultDockSizes() {
  if (!isVisible()) return;
  defaultDockSizesPending_ = false;
  layout()->activate();  // docks shown a moment ago have no geometry yet
  resizeDocks({dock("datasetDock"), dock("trainingDock")}, {kDefaultLeftDockWidth, width() - kDefaultLeftDockWidth},
              Qt::Horizontal);
  const int logHeight = 110;
  resizeDocks({dock("datasetDock"), dock("logDock")}, {height() - logHeight, logHeight}, Qt::Vertical);
}

void MainWindow::showEvent(QShowEvent* event) {
  QMainWindow::showEvent(event);
  if (defaultDockSizesPending_ && !startVisible_) applyDefaultDockSizes();
}

// Alt+1…8 show or hide a panel, by the panel rather than by the order the
// docks were made in; a panel added by other code has none.
QKeySequence MainWindow::panelShortcut(const QString& dockName) {
  static const char* const order[] = {"datasetDock", "modelDock",    "trainingDock",  "evaluationDock",
                                      "logDock",     "scrubberDock", "interestsDock", "projectionDock"};
  for (int i = 0; i < 8; ++i) {
    if (dockName == order[i]) return QKeySequence(QString("Alt+%1").arg(i + 1));
  }
  return {};
}

void MainWindow::addPanel(QDockWidget* d, Qt::DockWidgetArea area) {
  if (!d) return;
  if (d->objectName().isEmpty()) d->setObjectName(d->windowTitle().simplified().replace(' ', '_') + "Dock");
  d->setParent(this);
  if (d->widget() && !qobject_cast<views::PanelScrollArea*>(d->widget())) {
    d->setWidget(new views::PanelScrollArea(d->widget()));
  }
  docks_ << d;
  addDockWidget(area, d);
  d->toggleViewAction()->setShortcut(panelShortcut(d->objectName()));
  if (viewMenu_) viewMenu_->insertAction(panelSeparator_, d->toggleViewAction());
  if (startVisible_) d->hide();
}

QDockWidget* MainWindow::dock(const QString& objectName) const {
  for (QDockWidget* d : docks_) {
    if (d->objectName() == objectName) return d;
  }
  return nullptr;
}

void MainWindow::showPanel(const QString& name) {
  setStartPageVisible(false);
  QDockWidget* d = dock(name);
  if (!d) d = dock(name + "Dock");
  if (!d) return;
  d->show();
  d->raise();
}

void MainWindow::setStartPageVisible(bool visible) {
  if (visible == startVisible_) return;
  startVisible_ = visible;
  if (visible) {
    workspaceState_ = saveState(kLayoutVersion);
    for (QDockWidget* d : docks_) d->hide();
    startPage_->setRecoveryOffer(recovery_.exists() ? recovery_.describe() : QString());
    refreshRecent();
    startPage_->show();
  } else {
    startPage_->hide();
    if (workspaceState_.isEmpty() || !restoreState(workspaceState_, kLayoutVersion)) restoreDefaultLayout();
    notificationBar_->setVisible(notificationAction_->isVisible() && !notification_->text().isEmpty());
    // A layout saved with every dock closed would leave an empty window.
    bool any = false;
    for (QDockWidget* d : docks_) any = any || d->isVisible();
    if (!any) restoreDefaultLayout();
    if (defaultDockSizesPending_) applyDefaultDockSizes();
  }
}

void MainWindow::buildActions() {
  auto* toolbar = addToolBar(tr("Main"));
  toolbar->setObjectName("mainToolBar");
  toolbar->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
  toolbar->setIconSize(QSize(18, 18));

  QMenu* file = menuBar()->addMenu(tr("&File"));
  QAction* newSession = file->addAction(tr("&New Session"), this, [this] {
    if (!maybeSave()) return;
    studio_->newSession();
    recovery_.discard();
    setStartPageVisible(true);
  });
  newSession->setShortcut(QKeySequence::New);
  QAction* open = file->addAction(style()->standardIcon(QStyle::SP_DialogOpenButton), tr("&Open Session…"), this,
                                  &MainWindow::openSessionDialog);
  open->setShortcut(QKeySequence::Open);
  open->setToolTip(tr("Open a saved session (Ctrl+O)"));
  QAction* openData = file->addAction(style()->standardIcon(QStyle::SP_DirOpenIcon), tr("Open &Dataset…"), this,
                                      &MainWindow::openDatasetDialog);
  openData->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_O));
  openData->setToolTip(tr("Open a dataset file (Ctrl+Shift+O); folders: Dataset panel"));
  recentMenu_ = file->addMenu(tr("Open &Recent"));
  file->addAction(tr("Open C&lassroom Session"), this, &MainWindow::openClassroomSession);
  file->addSeparator();
  saveAction_ = file->addAction(style()->standardIcon(QStyle::SP_DialogSaveButton), tr("&Save Session"), this,
                                [this] { save(); });
  saveAction_->setShortcut(QKeySequence::Save);
  saveAction_->setToolTip(tr("Save the session (Ctrl+S)"));
  QAction* saveAsAction = file->addAction(tr("Save Session &As…"), this, [this] { saveAs(); });
  saveAsAction->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_S));
  QAction* close = file->addAction(tr("&Close Session"), this, [this] {
    if (!maybeSave()) return;
    studio_->newSession();
    recovery_.discard();
    setStartPageVisible(true);
  });
  close->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_W));
  file->addSeparator();
  QAction* quit = file->addAction(tr("&Quit"), this, &QWidget::close);
  quit->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_Q));
  quit->setMenuRole(QAction::QuitRole);

  QMenu* run = menuBar()->addMenu(tr("&Run"));
  QAction* demo = run->addAction(tr("Start the &Demo"), this, &MainWindow::startDemo);
  demo->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_D));
  run->addSeparator();
  trainAction_ =
      run->addAction(style()->standardIcon(QStyle::SP_MediaPlay), tr("&Train"), this, &MainWindow::startTraining);
  trainAction_->setShortcut(QKeySequence(Qt::Key_F5));
  trainAction_->setToolTip(tr("Train the current model (F5)"));
  pauseAction_ = run->addAction(style()->standardIcon(QStyle::SP_MediaPause), tr("&Pause / Resume"), this, [this] {
    if (studio_->training()->isPaused()) {
      studio_->training()->resume();
    } else {
      studio_->training()->pause();
    }
  });
  pauseAction_->setShortcut(QKeySequence(Qt::Key_F6));
  pauseAction_->setToolTip(tr("Pause or resume training (F6)"));
  cancelAction_ =
      run->addAction(style()->standardIcon(QStyle::SP_MediaStop), tr("&Cancel"), this, &MainWindow::cancelCurrent);
  cancelAction_->setShortcut(QKeySequence(Qt::Key_Escape));
  cancelAction_->setToolTip(tr("Cancel what is running: training, evaluation, ranking, a projection (Esc)"));
  evaluateAction_ =
      run->addAction(style()->standardIcon(QStyle::SP_FileDialogDetailedView), tr("&Evaluate"), this, [this] {
        showPanel("evaluation");
        QString error;
        if (!studio_->startEvaluation(evaluationPanel_->split(), evaluationPanel_->excludeHistory(), &error)) {
          evaluationPanel_->banner()->showError(tr("Cannot evaluate"), error);
        }
      });
  evaluateAction_->setShortcut(QKeySequence(Qt::Key_F7));
  evaluateAction_->setToolTip(tr("Evaluate the current model on the test split (F7)"));
  run->addSeparator();
  QAction* checkpoint = run->addAction(tr("&Load Checkpoint…"), this, [this] {
    const QString path = QFileDialog::getOpenFileName(
        this, tr("Load a checkpoint"), QString(),
        tr("Checkpoints (*.ckpt *.pt);;Models saved by the official PyTorch code (*.pth *.pt);;All files (*)"));
    if (!path.isEmpty()) studio_->loadCheckpoint(path);
  });
  checkpoint->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_L));
  checkpoint->setToolTip(
      tr("Load a checkpoint, or a model saved by a paper's official PyTorch code (.pth), imported onto the loaded "
         "dataset (Ctrl+L)"));

  viewMenu_ = menuBar()->addMenu(tr("&View"));
  for (QDockWidget* d : docks_) {
    d->toggleViewAction()->setShortcut(panelShortcut(d->objectName()));
    viewMenu_->addAction(d->toggleViewAction());
  }
  panelSeparator_ = viewMenu_->addSeparator();
  QAction* start = viewMenu_->addAction(tr("&Start Page"), this, [this] { setStartPageVisible(!startVisible_); });
  start->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_Home));
  viewMenu_->addAction(tr("&Reset Layout"), this, [this] {
    setStartPageVisible(false);
    restoreDefaultLayout();
  });

  QMenu* help = menuBar()->addMenu(tr("&Help"));
  help->addAction(tr("&About RecDiff Studio"), this, [this] { showAbout(this); })->setMenuRole(QAction::AboutRole);
  help->addAction(tr("About &Qt"), qApp, &QApplication::aboutQt)->setMenuRole(QAction::AboutQtRole);

  toolbar->addAction(open);
  toolbar->addAction(saveAction_);
  toolbar->addSeparator();
  toolbar->addAction(trainAction_);
  toolbar->addAction(pauseAction_);
  toolbar->addAction(cancelAction_);
  toolbar->addAction(evaluateAction_);
}

void MainWindow::buildStatusBar() {
  datasetStatus_ = new QLabel(this);
  datasetStatus_->setObjectName("datasetIndicator");
  deviceStatus_ = new QLabel(this);
  deviceStatus_->setObjectName("deviceIndicator");
  threadStatus_ = new QLabel(this);
  threadStatus_->setObjectName("threadIndicator");
  jobStatus_ = new QLabel(this);
  jobStatus_->setObjectName("jobIndicator");
  statusBar()->addWidget(jobStatus_, 1);
  statusBar()->addPermanentWidget(datasetStatus_);
  statusBar()->addPermanentWidget(deviceStatus_);
  statusBar()->addPermanentWidget(threadStatus_);
  deviceStatus_->setToolTip(tr("The device training and evaluation run on (Training panel)"));
  threadStatus_->setToolTip(tr("LibTorch intra-op threads (Training panel)"));
  refreshStatusBar();
}

void MainWindow::notify(const QString& title, const QString& details, bool error) {
  if (error) {
    notification_->showError(title, details);
  } else {
    notification_->showMessage(title, details, views::ErrorBanner::Kind::Info);
  }
  notificationAction_->setVisible(true);
  notificationBar_->show();
  logPanel_->append(details.isEmpty() ? title : title + ": " + details,
                    error ? views::LogPanel::Level::Error : views::LogPanel::Level::Info);
}

bool MainWindow::openSessionFile(const QString& path) {
  if (studio_->training()->isRunning()) {
    notify(tr("Training is running"), tr("Cancel it (Esc) before opening another session."));
    return false;
  }
  QString error;
  if (!studio_->openSession(path, &error)) {
    notify(tr("Could not open the session"), error + tr("\nThe current session is unchanged."));
    return false;
  }
  notification_->clear();
  notificationBar_->hide();
  if (!path.startsWith(":/")) settings::addRecentSession(path);
  refreshRecent();
  showPanel("training");
  showPanel("dataset");
  return true;
}

bool MainWindow::saveSessionTo(const QString& path) {
  QString error;
  if (!studio_->saveSession(path, &error)) {
    notify(tr("Could not save the session"), error + tr("\nNothing was lost: the session is still open."));
    return false;
  }
  settings::addRecentSession(studio_->sessionPath());
  recovery_.discard();
  refreshRecent();
  refreshTitle();
  statusBar()->showMessage(tr("Saved %1").arg(studio_->sessionPath()), 4000);
  return true;
}

bool MainWindow::save() {
  if (studio_->sessionPath().isEmpty()) return saveAs();
  return saveSessionTo(studio_->sessionPath());
}

bool MainWindow::saveAs() {
  QString path = QFileDialog::getSaveFileName(
      this, tr("Save the session"),
      studio_->sessionPath().isEmpty() ? studio_->sessionName() + ".rdsession" : studio_->sessionPath(),
      tr(kSessionFilter));
  if (path.isEmpty()) return false;
  if (QFileInfo(path).suffix().isEmpty()) path += ".rdsession";
  return saveSessionTo(path);
}

bool MainWindow::maybeSave() {
  if (!studio_->isModified() || quietClose_) return true;
  const auto answer =
      ask_(tr("Unsaved changes"), tr("The session \"%1\" has unsaved changes. Save them?").arg(studio_->sessionName()),
           QMessageBox::Save | QMessageBox::Discard | QMessageBox::Cancel);
  if (answer == QMessageBox::Save) return save();
  return answer == QMessageBox::Discard;
}

void MainWindow::openSessionDialog() {
  if (!maybeSave()) return;
  const QString path = QFileDialog::getOpenFileName(this, tr("Open a session"), QString(), tr(kSessionFilter));
  if (!path.isEmpty()) openSessionFile(path);
}

void MainWindow::openDatasetDialog() {
  const QString path =
      QFileDialog::getOpenFileName(this, tr("Open a dataset file"), QString(),
                                   tr("Datasets (*.txt *.csv *.tsv *.dat *.inter *.data);;All files (*)"));
  if (path.isEmpty()) return;
  showPanel("dataset");
  datasetPanel_->setPath(path);
  studio_->loadDataset({DatasetSource::Kind::File, datasetPanel_->spec(), {}});
}

void MainWindow::startDemo() {
  if (studio_->training()->isRunning()) {
    notify(tr("Training is running"), tr("Cancel it (Esc) before starting the demo."));
    return;
  }
  if (!maybeSave()) return;
  showPanel("training");
  demo_->start();
}

void MainWindow::openClassroomSession() {
  if (!maybeSave()) return;
  openSessionFile(":/sessions/classroom-demo.rdsession");
}

void MainWindow::autosave() {
  if (!studio_->isModified()) return;
  if (recovery_.save(studio_->session(), studio_->sessionPath())) {
    statusBar()->showMessage(tr("Recovery copy saved"), 2000);
  }
}

void MainWindow::startTraining() {
  showPanel("training");
  studio_->setTrainingRequest(trainingPanel_->request());
  bool continueRun = false;
  if (const auto run = studio_->interruptedRun()) {
    const QString stage = QString::fromStdString(run->stage);
    const QString where =
        stage == "train" ? tr("epoch %1").arg(run->nextEpoch) : tr("%1 epoch %2").arg(stage).arg(run->nextEpoch);
    const auto answer =
        ask_(tr("Continue the Interrupted Run?"),
             tr("A run of this model stopped after %1 (best so far: epoch %2). Yes continues it at %3 "
                "with its own settings (seed %4), as if it had not stopped; No starts afresh and discards it.")
                 .arg(run->epochsDone == 1 ? tr("1 epoch") : tr("%1 epochs").arg(run->epochsDone))
                 .arg(run->bestEpoch)
                 .arg(where)
                 .arg(run->seed),
             QMessageBox::Yes | QMessageBox::No | QMessageBox::Cancel);
    if (answer != QMessageBox::Yes && answer != QMessageBox::No) return;
    continueRun = answer == QMessageBox::Yes;
  } else if (const QString checkpoint = studio_->currentCheckpointPath();
             !checkpoint.isEmpty() && QFileInfo::exists(checkpoint)) {
    // No silent overwrite: a fresh run replaces the file at its first validation.
    const auto answer =
        ask_(tr("Replace the Checkpoint?"),
             tr("%1 holds this model's checkpoint from an earlier run. Training again replaces it with the new "
                "run's best model. Yes trains and replaces it; Cancel keeps it (add the model again to train a "
                "copy beside it).")
                 .arg(QDir::toNativeSeparators(checkpoint)),
             QMessageBox::Yes | QMessageBox::Cancel);
    if (answer != QMessageBox::Yes) return;
  }
  QString error;
  if (!studio_->startTraining(&error, continueRun)) trainingPanel_->showError(tr("Cannot start training"), error);
}

// Esc stops whatever runs: the demo's sequence (else it would start its next
// stage), a training run (through its controller, which also wakes a paused
// run), and every other job: evaluation, ranking, step accuracy, projection,
// dataset loading.
void MainWindow::cancelCurrent() {
  if (demo_->isRunning()) demo_->abort();
  if (studio_->training()->isRunning()) studio_->training()->cancel();
  studio_->jobs()->cancelAll();
}

void MainWindow::closeEvent(QCloseEvent* event) {
  if (studio_->training()->isRunning()) {
    if (!quietClose_) {
      const auto answer =
          ask_(tr("Training is running"),
               tr("Stop training and quit? The run stops within one batch; the best checkpoint so far is kept."),
               QMessageBox::Yes | QMessageBox::No);
      if (answer != QMessageBox::Yes) {
        event->ignore();
        return;
      }
    }
    closeAfterTraining_ = true;
    demo_->abort();
    studio_->evaluation()->cancel();
    studio_->training()->cancel();
    statusBar()->showMessage(tr("Stopping the training run, then quitting…"));
    event->ignore();
    return;
  }
  if (!maybeSave()) {
    event->ignore();
    return;
  }
  studio_->evaluation()->cancel();
  settings::saveWindowLayout(saveGeometry(), startVisible_ ? workspaceState_ : saveState(kLayoutVersion));
  settings::saveTrainingDefaults(trainingPanel_->request());
  recovery_.discard();
  autosaveTimer_->stop();
  studio_->removeScratchCheckpoints();  // the demo's and other unsaved runs' (issue 44, case 8)
  event->accept();
}

void MainWindow::dragEnterEvent(QDragEnterEvent* event) {
  const auto urls = event->mimeData()->urls();
  if (!urls.isEmpty() && urls.first().isLocalFile()) event->acceptProposedAction();
}

void MainWindow::dropEvent(QDropEvent* event) {
  const auto urls = event->mimeData()->urls();
  if (urls.isEmpty() || !urls.first().isLocalFile()) return;
  const QString path = urls.first().toLocalFile();
  event->acceptProposedAction();
  if (path.endsWith(".rdsession")) {
    if (maybeSave()) openSessionFile(path);
    return;
  }
  showPanel("dataset");
  datasetPanel_->setPath(urls.size() > 1 ? QFileInfo(path).absolutePath() : path);
  studio_->loadDataset({DatasetSource::Kind::File, datasetPanel_->spec(), {}});
}

}  // namespace recdiff::studio
