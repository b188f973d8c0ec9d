// The main window as a desktop application: shortcuts, docks whose layout
// is remembered, default dock sizes, panels that scroll rather than grow the
// window past a laptop screen, a dock added by a later panel, the About box,
// training and evaluation from the keyboard, and the built-in demo end to end.
#include <QAction>
#include <QDockWidget>
#include <QFile>
#include <QLabel>
#include <QPushButton>
#include <QScrollBar>
#include <QSpinBox>
#include <QTemporaryDir>
#include <QTest>
#include <QVBoxLayout>

#include <cmath>

#include "app/studio/about_box.h"
#include "app/studio/dataset_controller.h"
#include "app/studio/demo.h"
#include "app/studio/evaluation_controller.h"
#include "app/studio/inspection_controller.h"
#include "app/studio/job_runner.h"
#include "app/studio/main_window.h"
#include "app/studio/projection_controller.h"
#include "app/studio/studio_controller.h"
#include "app/studio/training_controller.h"
#include "core/core_version.h"
#include "core/train/demo_recipe.h"
#include "gui_test_support.h"
#include "views/comparison_table_model.h"
#include "views/dataset_panel.h"
#include "views/evaluation_panel.h"
#include "views/heatmap_view.h"
#include "views/head_routing_model.h"
#include "views/interests_panel.h"
#include "views/metrics_table_model.h"
#include "views/model_panel.h"
#include "views/panel_scroll_area.h"
#include "views/projection_map.h"
#include "views/projection_panel.h"
#include "views/scrubber_panel.h"
#include "views/trace_step_model.h"
#include "views/start_page.h"
#include "views/training_panel.h"

using namespace recdiff;

// A part of a panel that would like much more room than it needs.
class Stretchy : public QWidget {
 public:
  QSize sizeHint() const override { return {400, 900}; }
  QSize minimumSizeHint() const override { return {300, 200}; }
};

class MainWindowTest : public QObject {
  Q_OBJECT

 private:
  QTemporaryDir dir_;

  std::unique_ptr<studio::MainWindow> makeWindow(bool restoreLayout = false) {
    studio::MainWindow::Options options;
    options.restoreLayout = restoreLayout;
    options.recoveryFile = dir_.filePath("recovery.rdsession");
    auto w = std::make_unique<studio::MainWindow>(options);
    w->setQuietClose(true);
    w->resize(1400, 900);
    w->show();
    return w;
  }

  static QAction* actionFor(QWidget* window, const QKeySequence& keys) {
    for (QAction* a : window->findChildren<QAction*>()) {
      if (a->shortcut() == keys) return a;
    }
    return nullptr;
  }

  void loadSmallSession(studio::MainWindow& w) {
    studio::DatasetSource source;
    source.kind = studio::DatasetSource::Kind::Synthetic;
    source.synthetic = testing::smallSynthetic();
    QSignalSpy loaded(w.studio()->datasets(), &studio::DatasetController::loaded);
    w.studio()->loadDataset(source);
    QVERIFY(testing::waitForCount(loaded, 1, 60000));
    QVERIFY(w.studio()->addModel("adigrec", testing::smallAdigrec(1), "small") >= 0);
    w.trainingPanel()->findChild<QSpinBox*>("trainThreads")->setValue(2);
  }

 private Q_SLOTS:
  void initTestCase() {
    testing::isolateSettings();
    QVERIFY(dir_.isValid());
  }

  void standardShortcuts() {
    auto w = makeWindow();
    for (const QKeySequence& keys :
         {QKeySequence(QKeySequence::Open), QKeySequence(QKeySequence::Save), QKeySequence("Ctrl+Shift+S"),
          QKeySequence("Ctrl+Q"), QKeySequence("F5"), QKeySequence("Esc"), QKeySequence("F7")}) {
      QVERIFY2(actionFor(w.get(), keys), qPrintable(keys.toString()));
    }
    // Alt+1…8: each panel its own key, whatever order the docks were made in.
    const char* const panels[] = {"datasetDock", "modelDock",    "trainingDock",  "evaluationDock",
                                  "logDock",     "scrubberDock", "interestsDock", "projectionDock"};
    for (int i = 0; i < 8; ++i) {
      QDockWidget* d = w->dock(panels[i]);
      QVERIFY2(d, panels[i]);
      QCOMPARE(d->toggleViewAction()->shortcut(), QKeySequence(QString("Alt+%1").arg(i + 1)));
    }
    QVERIFY(w->isStartPageVisible());
    QVERIFY(w->startPage()->isVisible());
    // Status bar: device and threads.
    QVERIFY(w->findChild<QLabel*>("deviceIndicator")->text().contains("CPU"));
    QVERIFY(w->findChild<QLabel*>("threadIndicator")->text().startsWith("Threads"));
    // Tooltips on the main actions.
    QVERIFY(!actionFor(w.get(), QKeySequence("F5"))->toolTip().isEmpty());
  }

  void panelScrollsOnlyWhereItsDockIsSmaller() {
    auto* panel = new QWidget;
    auto* layout = new QVBoxLayout(panel);
    auto* label = new QLabel(QString("a label that wraps ").repeated(20), panel);
    label->setWordWrap(true);  // height-for-width, where QScrollArea's own resizing takes the preferred height
    layout->addWidget(label);
    layout->addWidget(new Stretchy);
    views::PanelScrollArea area(panel);
    QCOMPARE(area.sizeHint(), panel->sizeHint());
    area.resize(800, 500);  // between the panel's minimum and preferred height
    area.show();
    QCoreApplication::processEvents();
    QCOMPARE(panel->size(), area.maximumViewportSize());
    QCOMPARE(area.verticalScrollBar()->maximum(), 0);
    QCOMPARE(area.horizontalScrollBar()->maximum(), 0);
    area.resize(200, 500);  // too narrow: the panel keeps its minimum width and scrolls sideways
    QCoreApplication::processEvents();
    QCOMPARE(panel->width(), panel->minimumSizeHint().width());
    QVERIFY(area.horizontalScrollBar()->maximum() > 0);
    area.resize(800, 500);
    QCoreApplication::processEvents();
    QCOMPARE(area.horizontalScrollBar()->maximum(), 0);
  }

  void defaultDockSizesApplyOnceTheDocksAreShown() {
    auto w = makeWindow();  // shown on the start page: the docks are hidden
    w->showPanel("dataset");
    QCoreApplication::processEvents();
    const int left = w->dock("datasetDock")->width();
    QVERIFY2(std::abs(left - studio::MainWindow::kDefaultLeftDockWidth) < 40, qPrintable(QString::number(left)));
    const int log = w->dock("logDock")->height();
    QVERIFY2(log < 200, qPrintable(QString::number(log)));  // the inspection docks get the height
  }

  void aboutListsLibraries() {
    const QString text = studio::aboutText();
    QVERIFY(text.contains("Qt"));
    QVERIFY(text.contains("LibTorch"));
    QVERIFY(text.contains("BLAS"));
    QVERIFY(text.contains("CUDA"));
    QVERIFY(text.contains(qVersion()));
    // --version prints the same list, as plain lines.
    const QString version = studio::versionText();
    QVERIFY2(version.startsWith("recdiff-studio " + QString::fromStdString(recdiff::buildInfo().recdiffVersion) + "\n"),
             qPrintable(version));
    for (const char* library : {"Qt: ", "LibTorch: ", "CUDA: ", "BLAS: "}) {
      QVERIFY2(version.contains(QString("\n") + library), qPrintable(version));
    }
    QVERIFY(!version.contains('<'));
  }

  void docksAndLayoutAreRemembered() {
    {
      auto w = makeWindow(true);
      w->showPanel("evaluation");
      QVERIFY(!w->isStartPageVisible());
      QDockWidget* log = w->dock("logDock");
      QVERIFY(log && log->isVisible());
      log->close();
      w->setQuietClose(true);
      QVERIFY(w->close());
    }
    auto w = makeWindow(true);
    w->showPanel("training");
    QVERIFY(!w->dock("logDock")->isVisible());
    QVERIFY(w->dock("trainingDock")->isVisible());
    w->dock("logDock")->show();
    QVERIFY(w->close());
  }

  void laterPanelsJoinAsDocks() {
    auto w = makeWindow();
    auto* later = new QDockWidget("Later");
    later->setObjectName("laterDock");
    later->setWidget(new QLabel("a later panel"));
    w->addPanel(later, Qt::RightDockWidgetArea);
    QCOMPARE(w->dock("laterDock"), later);
    QVERIFY(!later->isVisible());  // the start page shows
    w->showPanel("later");
    QVERIFY(later->isVisible());
    // It reaches the trained model through the controller's torch-free handle.
    QVERIFY(w->studio()->currentModel().isNull());
    w->studio()->setViewState("later", {{"zoom", 2}});
    QCOMPARE(w->studio()->viewState("later")["zoom"].get<int>(), 2);
  }

  void trainAndCancelFromTheKeyboard() {
    auto w = makeWindow();
    loadSmallSession(*w);
    w->trainingPanel()->findChild<QSpinBox*>("trainEpochs")->setValue(200);
    QSignalSpy finished(w->studio()->training(), &studio::TrainingController::finished);
    QSignalSpy batches(w->studio()->training(), &studio::TrainingController::batches);
    w->activateWindow();
    QTest::keyClick(w.get(), Qt::Key_F5);
    QVERIFY(w->studio()->training()->isRunning());
    QVERIFY(testing::waitForCount(batches, 1, 60000));
    QTest::keyClick(w.get(), Qt::Key_Escape);
    QVERIFY(testing::waitForCount(finished, 1, 60000));
    QCOMPARE(finished.first().at(2).toBool(), true);
  }

  void evaluationRunsAndCancels() {
    auto w = makeWindow();
    loadSmallSession(*w);
    QSignalSpy trained(w->studio()->training(), &studio::TrainingController::finished);
    QString error;
    QVERIFY2(w->studio()->startTraining(&error), qPrintable(error));
    QVERIFY(testing::waitForCount(trained, 1, 120000));
    w->showPanel("evaluation");
    auto* evaluate = w->evaluationPanel()->findChild<QPushButton*>("evaluate");
    auto* cancel = w->evaluationPanel()->findChild<QPushButton*>("cancelEvaluation");
    QVERIFY(evaluate->isEnabled());

    // Cancelled at once: no result, the panel is ready again.
    QSignalSpy finished(w->studio()->evaluation(), &studio::EvaluationController::finished);
    QTest::mouseClick(evaluate, Qt::LeftButton);
    QVERIFY(cancel->isEnabled());
    QTest::mouseClick(cancel, Qt::LeftButton);
    QVERIFY(testing::waitForCount(finished, 1, 60000));
    QCOMPARE(finished.first().at(2).toBool(), true);
    QVERIFY(!w->studio()->session().current()->results.contains("test"));
    QVERIFY(evaluate->isEnabled());

    // To the end: metrics table, comparison row.
    QTest::mouseClick(evaluate, Qt::LeftButton);
    QVERIFY(testing::waitForCount(finished, 2, 120000));
    QCOMPARE(finished.at(1).at(1).toBool(), true);
    QCOMPARE(finished.at(1).at(2).toBool(), false);
    QCOMPARE(w->evaluationPanel()->metricsModel()->rowCount(), 4);
    QCOMPARE(w->evaluationPanel()->comparisonModel()->rows().size(), 1);
    QVERIFY(w->evaluationPanel()->comparisonModel()->rows().first().metrics.has_value());
    QVERIFY(w->studio()->session().current()->results.contains("test"));
    // Esc stops any job, not only training and evaluation: here the
    // scrubber's HR@K of every step over the test split.
    w->showPanel("scrubber");
    QSignalSpy steps(w->inspection(), &studio::InspectionController::stepAccuracyFinished);
    auto* accuracy = w->scrubberPanel()->findChild<QPushButton*>("computeStepAccuracy");
    QVERIFY(accuracy);
    QTest::mouseClick(accuracy, Qt::LeftButton);
    QVERIFY(w->studio()->jobs()->anyRunning());
    QAction* cancelAction = nullptr;
    for (QAction* a : w->findChildren<QAction*>()) {
      if (a->shortcut() == QKeySequence(Qt::Key_Escape)) cancelAction = a;
    }
    QVERIFY(cancelAction && cancelAction->isEnabled());
    w->activateWindow();
    QTest::keyClick(w.get(), Qt::Key_Escape);
    QVERIFY(testing::waitForCount(steps, 1, 60000));
    QVERIFY2(steps.first().at(1).toString().startsWith("Stopped early"), qPrintable(steps.first().at(1).toString()));
    QTRY_VERIFY(!w->studio()->jobs()->anyRunning());
    QVERIFY(!cancelAction->isEnabled());

    // A second model appears in the comparison, not yet evaluated.
    QVERIFY(w->studio()->addModel("adigrec", testing::smallAdigrec(1), "second") >= 0);
    QCOMPARE(w->evaluationPanel()->comparisonModel()->rows().size(), 2);
    QVERIFY(!evaluate->isEnabled());  // the new current model is untrained
  }

  // Issue 42: Load Checkpoint takes a state_dict saved by the official ADRec
  // code (tests/parity/fixtures) and imports it onto the loaded dataset,
  // saying what it imported; the catalogue map then shows its item table.
  //
  // To look at a real one: RECDIFF_IMPORT_FILE (e.g. the official
  // repository's src/saved/pretrain/ml-100k/pretrain.pth) and
  // RECDIFF_IMPORT_DATASET (../shared/datasets/ml-100k-adrec) replace the
  // fixture and its dataset, and RECDIFF_SCREENSHOT_DIR receives
  // imported-projection.png.
  void loadCheckpointImportsAnOfficialModel() {
    auto w = makeWindow();
    const QString givenFile = qEnvironmentVariable("RECDIFF_IMPORT_FILE");
    const QString givenData = qEnvironmentVariable("RECDIFF_IMPORT_DATASET");
    const bool given = !givenFile.isEmpty() && !givenData.isEmpty();
    const QString file =
        given ? givenFile : QStringLiteral(RECDIFF_SOURCE_DIR "/tests/parity/fixtures/adrec_state_dict.pth");
    QSignalSpy failed(w->studio(), &studio::StudioController::checkpointFailed);
    QSignalSpy loadedModel(w->studio(), &studio::StudioController::checkpointLoaded);
    QSignalSpy messages(w->studio(), &studio::StudioController::message);
    // Without a dataset there are no item ids to import onto.
    w->studio()->loadCheckpoint(file);
    QVERIFY(testing::waitForCount(failed, 1, 60000));
    QVERIFY2(failed.first().at(0).toString().contains("load the dataset it was trained on first"),
             qPrintable(failed.first().at(0).toString()));
    // A dataset over the official ids 1..30.
    QFile sequences(dir_.filePath("official-ids.txt"));
    QVERIFY(sequences.open(QIODevice::WriteOnly));
    for (int user = 1; user <= 40; ++user) {
      QString line = QString::number(user);
      for (int k = 0; k < 7; ++k) line += " " + QString::number((user * 7 + k * 11) % 30 + 1);
      sequences.write((line + "\n").toUtf8());
    }
    sequences.close();
    studio::DatasetSource source;
    source.kind = studio::DatasetSource::Kind::File;
    source.spec.path = (given ? givenData : sequences.fileName()).toStdString();
    QSignalSpy datasetLoaded(w->studio()->datasets(), &studio::DatasetController::loaded);
    w->studio()->loadDataset(source);
    QVERIFY(testing::waitForCount(datasetLoaded, 1, 60000));
    w->studio()->loadCheckpoint(file);
    QVERIFY(testing::waitForCount(loadedModel, 1, 60000));
    const auto* entry = w->studio()->session().current();
    QVERIFY(entry);
    QCOMPARE(entry->modelName, std::string("adrec"));
    QCOMPARE(entry->config.at("reference_code").get<bool>(), true);
    if (!given) QCOMPARE(entry->config.at("dim").get<int>(), 16);
    // The model panel's state says where it came from (and, for a file with
    // only an item table, that the rest is untrained).
    const QString status = w->studio()->modelStatus(*entry);
    QVERIFY2(status.startsWith("Imported from the official code (adrec-official"), qPrintable(status));
    QCOMPARE(status.contains("untrained"), given && file.endsWith("pretrain.pth"));
    bool said = false;
    for (const auto& m : messages) said = said || m.at(0).toString().startsWith("Imported " + file);
    QVERIFY2(said, "the status bar says what was imported");
    // The item table in the catalogue map.
    QSignalSpy mapped(w->projection(), &studio::ProjectionController::finished);
    views::ProjectionSettings pca = w->projectionPanel()->settings();
    pca.method = "pca";
    w->projectionPanel()->setSettings(pca);
    Q_EMIT w->projectionPanel()->computeRequested(pca);  // its Compute button
    QVERIFY(testing::waitForCount(mapped, 1, 120000));
    QVERIFY(mapped.first().at(0).toBool());
    QCOMPARE(w->projectionPanel()->map()->itemCount(), w->studio()->dataset()->numItems);
    const QString shots = qEnvironmentVariable("RECDIFF_SCREENSHOT_DIR");
    if (!shots.isEmpty()) {
      w->showPanel("projection");
      QTest::qWait(500);
      QVERIFY(w->grab().save(shots + "/imported-projection.png"));
    }
  }

  void demoRunsToResults() {
    auto w = makeWindow();
    QSignalSpy done(w.get(), &studio::MainWindow::demoFinished);
    QTest::mouseClick(w->startPage()->findChild<QPushButton*>("startDemo"), Qt::LeftButton);
    QVERIFY(!w->isStartPageVisible());
    QVERIFY(testing::waitForCount(done, 1, 480000));  // three models trained: minutes on a busy 2-core machine
    QVERIFY2(done.first().at(0).toBool(), qPrintable(done.first().at(1).toString()));
    // It ends in the inspection views: three recorded reverse runs of the
    // first test user by ADIGRec and three by DimeRec beside them, each from
    // t = T down to the final x0, and that user's interest routing.
    QVERIFY(w->dock("scrubberDock")->isVisible());
    views::ScrubberPanel* scrubber = w->scrubberPanel();
    const auto& runs = scrubber->runs();
    QCOMPARE(runs.size(), 6);
    const auto steps = static_cast<std::size_t>(studio::demo::modelConfig().at("diffusion_steps").get<int>()) + 1;
    const auto otherSteps =
        static_cast<std::size_t>(train::demo::models()[2].config.at("diffusion_steps").get<int>()) + 1;
    for (const auto& run : runs) QCOMPARE(run.table.steps.size(), run.model == 0 ? steps : otherSteps);
    QVERIFY(runs[0].label.startsWith("ADIGRec (demo) · seed 1"));
    QVERIFY(runs[3].label.startsWith("DimeRec (demo) · seed 1"));
    QCOMPARE(scrubber->currentTimestep(), 0);
    // Side by side: the partner of the selected ADIGRec run is DimeRec's
    // run of the same seed, at the same fraction of its own process.
    scrubber->setCurrentRun(1);
    QCOMPARE(scrubber->partnerRun(), 4);
    scrubber->setCurrentStep(0);
    QCOMPARE(scrubber->partnerStep(), 0);
    scrubber->setCurrentStep(static_cast<int>(steps) - 1);
    QCOMPARE(scrubber->partnerStep(), static_cast<int>(otherSteps) - 1);
    QVERIFY(scrubber->partnerItems()->rowCount() > 0);
    scrubber->setCurrentStep(static_cast<int>(steps) / 2);  // 25 of 50 ↔ 10 of 20
    QCOMPARE(scrubber->partnerStep(), static_cast<int>(otherSteps) / 2);
    scrubber->setCurrentRun(4);
    QCOMPARE(scrubber->partnerRun(), 1);
    QCOMPARE(w->interestsPanel()->routing()->columns(), 4);
    QVERIFY(w->interestsPanel()->routing()->rows() > 0);
    QVERIFY(std::isfinite(w->interestsPanel()->regulariser()));
    QVERIFY(w->interestsPanel()->diagnosticsText().contains("planted interests"));
    QVERIFY(w->interestsPanel()->current()->heads()->rowCount() == 4);
    // ... with DimeRec's routing for the same user beside it.
    QCOMPARE(w->interestsPanel()->comparisonId(), QString("m2"));
    QVERIFY(!w->interestsPanel()->comparison()->isHidden());
    QVERIFY(w->interestsPanel()->comparison()->heads()->rowCount() > 0);
    QVERIFY(w->interestsPanel()->comparison()->diagnosticsText().contains("heads collapsed"));
    // And the catalogue map with the runs placed in it.
    QCOMPARE(w->projectionPanel()->map()->itemCount(), w->studio()->dataset()->numItems);
    const auto rows = w->evaluationPanel()->comparisonModel()->rows();
    QCOMPARE(rows.size(), 3);  // ADIGRec, ADIGRec without L_reg and DimeRec, all evaluated on test
    QVERIFY(rows.last().metrics.has_value());
    QVERIFY(rows.first().metrics.has_value());
    QCOMPARE(rows.first().split, QString("test"));
    // All route interests: their routing-collapse figures on the test split.
    for (const auto& row : rows) QVERIFY(row.collapse && row.collapse->interests > 0);
    QCOMPARE(rows.first().collapse->interests, 4);
    // The planted interests are learnable: the demo model beats chance by far.
    const double hr20 = rows.first().metrics->hitRate.at(20);
    const double chance = 20.0 / studio::demo::syntheticConfig().items;
    QVERIFY2(hr20 > 2 * chance, qPrintable(QString("HR@20 %1, chance %2").arg(hr20).arg(chance)));
    // Filled with the demo's results, every panel still fits a laptop
    // screen: the window can be made as small as 1280 x 720 (a panel larger
    // than its dock scrolls), and at the default size no panel is wider than
    // the dock it gets, so none scrolls sideways.
    const QSize minimum = w->minimumSizeHint();
    QVERIFY2(minimum.width() <= 1280 && minimum.height() <= 720,
             qPrintable(QString("minimum %1 x %2").arg(minimum.width()).arg(minimum.height())));
    const int left = studio::MainWindow::kDefaultLeftDockWidth;
    const int right = studio::MainWindow::kDefaultSize.width() - left - 20;  // separator and frames
    const std::pair<QWidget*, int> panels[] = {{w->datasetPanel(), left},    {w->modelPanel(), left},
                                               {w->trainingPanel(), right},  {w->evaluationPanel(), right},
                                               {w->scrubberPanel(), right},  {w->interestsPanel(), right},
                                               {w->projectionPanel(), right}};
    for (const auto& [panel, width] : panels) {
      QVERIFY2(panel->minimumSizeHint().width() <= width, qPrintable(QString("%1 needs %2 px, its dock has %3")
                                                                         .arg(panel->metaObject()->className())
                                                                         .arg(panel->minimumSizeHint().width())
                                                                         .arg(width)));
    }
  }
};

QTEST_MAIN(MainWindowTest)
#include "tst_main_window.moc"
