// Training through the training panel: one epoch to the end, a run
// cancelled mid-way (the checkpoint on disk loads back; the event loop kept
// running), pause and resume, a cancelled run continued to the uninterrupted
// run's numbers, and closing the window during a run.
#include <QChart>
#include <QComboBox>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QLabel>
#include <QProgressBar>
#include <QPushButton>
#include <QSpinBox>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>
#include <QValueAxis>

#include "app/studio/core_facade.h"
#include "app/studio/dataset_controller.h"
#include "app/studio/main_window.h"
#include "app/studio/metrics_json.h"
#include "app/studio/studio_controller.h"
#include "app/studio/training_controller.h"
#include "gui_test_support.h"
#include "views/model_panel.h"
#include "views/series_chart.h"
#include "views/training_panel.h"

using namespace recdiff;

class TrainingPanelTest : public QObject {
  Q_OBJECT

 private:
  std::unique_ptr<studio::MainWindow> window_;
  QTemporaryDir dir_;

  studio::StudioController* studio() const { return window_->studio(); }
  views::TrainingPanel* panel() const { return window_->trainingPanel(); }
  QPushButton* button(const char* name) const { return panel()->findChild<QPushButton*>(name); }

  // A session with the small synthetic dataset and a small ADIGRec.
  void prepare(int epochs) {
    studio::DatasetSource source;
    source.kind = studio::DatasetSource::Kind::Synthetic;
    source.synthetic = testing::smallSynthetic();
    QSignalSpy loaded(studio()->datasets(), &studio::DatasetController::loaded);
    studio()->loadDataset(source);
    QVERIFY(testing::waitForCount(loaded, 1, 60000));
    QVERIFY(studio()->addModel("adigrec", testing::smallAdigrec(epochs), "small ADIGRec") >= 0);
    panel()->findChild<QSpinBox*>("trainThreads")->setValue(2);
    panel()->findChild<QSpinBox*>("trainEpochs")->setValue(epochs);
  }

 private Q_SLOTS:
  void initTestCase() {
    testing::isolateSettings();
    QVERIFY(dir_.isValid());
  }

  void init() {
    studio::MainWindow::Options options;
    options.restoreLayout = false;
    options.recoveryFile = dir_.filePath("recovery.rdsession");
    window_ = std::make_unique<studio::MainWindow>(options);
    window_->resize(1400, 900);
    window_->show();
    window_->showPanel("training");
  }

  void cleanup() {
    window_->setQuietClose(true);
    window_.reset();
  }

  void trainsOneEpoch() {
    prepare(1);
    QVERIFY(button("startTraining")->isEnabled());
    QSignalSpy finished(studio()->training(), &studio::TrainingController::finished);
    QSignalSpy epochs(studio()->training(), &studio::TrainingController::epochEnded);
    QTest::mouseClick(button("startTraining"), Qt::LeftButton);
    QCOMPARE(panel()->state(), views::TrainingPanel::State::Running);
    QVERIFY(!button("startTraining")->isEnabled());
    QVERIFY(button("cancelTraining")->isEnabled());
    QVERIFY(testing::waitForCount(finished, 1, 120000));
    QCOMPARE(finished.first().at(1).toBool(), true);   // ok
    QCOMPARE(finished.first().at(2).toBool(), false);  // not cancelled
    QCOMPARE(epochs.count(), 1);
    QCOMPARE(panel()->state(), views::TrainingPanel::State::Idle);
    QCOMPARE(panel()->progressBar()->value(), panel()->progressBar()->maximum());

    // Every loss component has a line; validation has HR@20 and NDCG@20.
    views::SeriesChart* losses = panel()->lossChart();
    QVERIFY(losses->seriesNames().contains("total"));
    QVERIFY(losses->seriesNames().contains("l_simple"));
    QVERIFY(losses->seriesNames().size() >= 3);
    QVERIFY(losses->pointCount("total") >= 1);
    QVERIFY(panel()->validationChart()->seriesNames().contains("HR@20"));
    QVERIFY(panel()->validationChart()->seriesNames().contains("NDCG@20"));
    // ADIGRec routes interests: the collapse watch has its interest lines.
    views::SeriesChart* collapse = panel()->collapseChart();
    QCOMPARE(collapse->pointCount("heads collapsed onto one item"), 1);
    QCOMPARE(collapse->pointCount("largest head's share of positions"), 1);
    QCOMPARE(collapse->pointCount("item-table effective rank (of d)"), 1);

    // The trained model is the session's, with its checkpoint and results.
    QVERIFY(!studio()->currentModel().isNull());
    const studio::ModelEntry* entry = studio()->session().current();
    QVERIFY(entry);
    QVERIFY(QFileInfo::exists(QString::fromStdString(entry->checkpoint)));
    QVERIFY(entry->results.contains("validation"));
    QCOMPARE(entry->history.size(), std::size_t{1});
    // Kept in the session, in the checkpoint's epoch form.
    QVERIFY(entry->history.front().contains("diagnostics"));
    QVERIFY(entry->history.front()["diagnostics"].contains("interests"));
    QVERIFY(window_->modelPanel()->findChild<QLabel*>("modelStatus")->text().startsWith("Trained"));
  }

  void cancelKeepsACheckpointAndTheGuiResponsive() {
    prepare(200);
    QSignalSpy finished(studio()->training(), &studio::TrainingController::finished);
    QSignalSpy epochs(studio()->training(), &studio::TrainingController::epochEnded);
    QSignalSpy batches(studio()->training(), &studio::TrainingController::batches);
    int ticks = 0;
    QTimer ticker;
    ticker.setInterval(10);
    connect(&ticker, &QTimer::timeout, [&ticks] { ++ticks; });
    ticker.start();
    QTest::mouseClick(button("startTraining"), Qt::LeftButton);
    // After the first epoch a checkpoint exists; cancel in the middle of the next.
    QVERIFY(testing::waitForCount(epochs, 1, 120000));
    const int batchesSoFar = batches.count();
    QVERIFY(testing::waitForCount(batches, batchesSoFar + 1, 60000));
    const int ticksBefore = ticks;
    QTest::qWait(200);
    QVERIFY2(ticks > ticksBefore + 5, "the event loop must keep running while training");
    QTest::mouseClick(button("cancelTraining"), Qt::LeftButton);
    QVERIFY(panel()->state() == views::TrainingPanel::State::Stopping ||
            panel()->state() == views::TrainingPanel::State::Idle);
    QVERIFY(testing::waitForCount(finished, 1, 60000));
    QCOMPARE(finished.first().at(2).toBool(), true);  // cancelled
    QVERIFY(epochs.count() < 200);
    QCOMPARE(panel()->state(), views::TrainingPanel::State::Idle);
    QVERIFY(button("startTraining")->isEnabled());

    // The best model so far is kept, and its checkpoint loads back.
    QVERIFY(!studio()->currentModel().isNull());
    const std::string path = studio()->session().current()->checkpoint;
    QVERIFY(QFileInfo::exists(QString::fromStdString(path)));
    const auto loaded = studio::core::loadCheckpoint(path, studio()->dataset().get());
    QVERIFY(!loaded.model.isNull());
    QCOMPARE(loaded.summary.modelName, std::string("adigrec"));
    QCOMPARE(loaded.model.numItems(), studio()->dataset()->numItems);
    // No temporary left beside it.
    const QFileInfo info(QString::fromStdString(path));
    const QStringList others = info.dir().entryList(QDir::Files);
    for (const QString& f : others) QVERIFY2(!f.contains(".tmp") && !f.contains(".part"), qPrintable(f));
  }

  void pauseAndResume() {
    prepare(200);
    QSignalSpy finished(studio()->training(), &studio::TrainingController::finished);
    QSignalSpy batches(studio()->training(), &studio::TrainingController::batches);
    QTest::mouseClick(button("startTraining"), Qt::LeftButton);
    QVERIFY(testing::waitForCount(batches, 1, 60000));
    QTest::mouseClick(button("pauseTraining"), Qt::LeftButton);
    QCOMPARE(panel()->state(), views::TrainingPanel::State::Paused);
    QVERIFY(button("resumeTraining")->isEnabled());
    // The batch in flight ends (however loaded the machine), then nothing more.
    QTRY_VERIFY_WITH_TIMEOUT(studio()->training()->isParked(), 60000);
    QTest::qWait(300);  // its report, posted just before the trainer parked
    const int whilePaused = batches.count();
    QTest::qWait(600);
    QCOMPARE(batches.count(), whilePaused);
    QTest::mouseClick(button("resumeTraining"), Qt::LeftButton);
    QCOMPARE(panel()->state(), views::TrainingPanel::State::Running);
    QVERIFY(testing::waitForCount(batches, whilePaused + 1, 60000));
    // Cancelling a paused run works too.
    QTest::mouseClick(button("pauseTraining"), Qt::LeftButton);
    QTest::mouseClick(button("cancelTraining"), Qt::LeftButton);
    QVERIFY(testing::waitForCount(finished, 1, 60000));
    QCOMPARE(finished.first().at(2).toBool(), true);
  }

  void closingDuringTrainingAsksThenStopsCleanly() {
    prepare(200);
    int asked = 0;
    window_->setAsk([&asked](const QString& title, const QString&, QMessageBox::StandardButtons) {
      ++asked;
      return title.contains("Training") ? QMessageBox::Yes : QMessageBox::Discard;
    });
    QSignalSpy finished(studio()->training(), &studio::TrainingController::finished);
    QSignalSpy epochs(studio()->training(), &studio::TrainingController::epochEnded);
    QTest::mouseClick(button("startTraining"), Qt::LeftButton);
    QVERIFY(testing::waitForCount(epochs, 1, 120000));
    QVERIFY(!window_->close());  // not yet: the run stops first
    QVERIFY(window_->isVisible());
    QVERIFY(window_->isClosingAfterTraining());
    QVERIFY(testing::waitForCount(finished, 1, 60000));
    QTRY_VERIFY_WITH_TIMEOUT(!window_->isVisible(), 10000);
    QVERIFY(asked >= 1);
    // The session was discarded: its scratch checkpoint goes with it (issue
    // 44, case 8), written whole until then (atomic writes).
    const std::string path = studio()->session().current()->checkpoint;
    QVERIFY(!path.empty());
    QVERIFY(!QFileInfo::exists(QString::fromStdString(path)));
  }

  void aCancelledRunContinuesWhereItStopped() {
    prepare(8);  // cancelled in epoch 3: five epochs of margin for a slow event loop
    panel()->findChild<QSpinBox*>("trainThreads")->setValue(1);  // bit-for-bit repetition: one thread
    QString question;
    QMessageBox::StandardButton answer = QMessageBox::Yes;
    window_->setAsk([&](const QString& title, const QString& text, QMessageBox::StandardButtons) {
      question = title + ": " + text;
      return answer;
    });
    QSignalSpy finished(studio()->training(), &studio::TrainingController::finished);
    QSignalSpy epochs(studio()->training(), &studio::TrainingController::epochEnded);

    // The uninterrupted run, for reference.
    QTest::mouseClick(button("startTraining"), Qt::LeftButton);
    QVERIFY(testing::waitForCount(finished, 1, 120000));
    QVERIFY(question.isEmpty());  // nothing to continue: no question
    const nlohmann::json straight = studio()->session().current()->history;
    QCOMPARE(straight.size(), std::size_t{8});
    QVERIFY(!studio()->interruptedRun());

    // The same run cancelled during its third epoch.
    const int before = epochs.count();
    QTest::mouseClick(button("startTraining"), Qt::LeftButton);
    QVERIFY(testing::waitForCount(epochs, before + 2, 120000));
    QTest::mouseClick(button("cancelTraining"), Qt::LeftButton);
    QVERIFY(testing::waitForCount(finished, 2, 60000));
    QCOMPARE(finished.at(1).at(2).toBool(), true);  // cancelled
    const auto run = studio()->interruptedRun();
    QVERIFY(run.has_value());
    QVERIFY(run->epochsDone >= 2);
    const std::string state = studio::core::trainingStatePath(studio()->session().current()->checkpoint);
    QVERIFY(QFileInfo::exists(QString::fromStdString(state)));

    // Cancel in the question: nothing starts, the state stays.
    answer = QMessageBox::Cancel;
    QTest::mouseClick(button("startTraining"), Qt::LeftButton);
    QVERIFY(question.contains("stopped after"));
    QVERIFY(!studio()->training()->isRunning());
    QVERIFY(studio()->interruptedRun().has_value());

    // Saving the session takes the interrupted run along, beside the checkpoint.
    QDir().mkpath(dir_.filePath("resume"));
    QVERIFY(window_->saveSessionTo(dir_.filePath("resume/lesson.rdsession")));
    QVERIFY(studio()->interruptedRun().has_value());
    const std::string movedState = studio::core::trainingStatePath(studio()->session().current()->checkpoint);
    QVERIFY(QString::fromStdString(movedState).startsWith(dir_.filePath("resume/lesson.checkpoints")));
    QVERIFY(QFileInfo::exists(QString::fromStdString(movedState)));

    // Yes: it goes on; its charts start with the epochs done before, and it
    // ends with the uninterrupted run's numbers.
    answer = QMessageBox::Yes;
    QTest::mouseClick(button("startTraining"), Qt::LeftButton);
    QVERIFY(testing::waitForCount(finished, 3, 120000));
    QCOMPARE(finished.at(2).at(1).toBool(), true);   // ok
    QCOMPARE(finished.at(2).at(2).toBool(), false);  // not cancelled
    const nlohmann::json continued = studio()->session().current()->history;
    QCOMPARE(continued.size(), std::size_t{8});
    for (std::size_t e = 0; e < 8; ++e) {
      QCOMPARE(continued[e]["losses"].dump(), straight[e]["losses"].dump());
      QCOMPARE(continued[e]["validation"].dump(), straight[e]["validation"].dump());
      QVERIFY(continued[e].contains("diagnostics"));
    }
    QCOMPARE(panel()->validationChart()->pointCount("NDCG@20"), 8);
    QCOMPARE(panel()->collapseChart()->pointCount("heads collapsed onto one item"), 8);
    // The epoch axis ticks on whole epochs, so its "%d" labels stand where they say.
    auto* epochAxis = qobject_cast<QValueAxis*>(panel()->validationChart()->chart()->axes(Qt::Horizontal).first());
    QVERIFY(epochAxis);
    QCOMPARE(epochAxis->tickType(), QValueAxis::TicksDynamic);
    QCOMPARE(epochAxis->tickAnchor(), 0.0);
    QCOMPARE(epochAxis->tickInterval(), 1.0);
    QVERIFY(!studio()->interruptedRun());
    QVERIFY(!QFileInfo::exists(QString::fromStdString(movedState)));  // a finished run needs no state
  }

  // Epoch records from a session: the collapse watch plots what each
  // measured. A record written before the routing-collapse figures (read
  // back with them as NaN, see metrics_json) has no "heads collapsed" point
  // rather than a false 0 %, and the status line does not print "nan".
  void collapseWatchShowsLoadedEpochs() {
    views::TrainingEpochPoint old, now;
    old.epoch = old.globalEpoch = 1;
    old.collapse = studio::collapseFromJson({{"item_effective_rank", 16.0},
                                             {"dimensions", 32},
                                             {"interests", 4},
                                             {"largest_head_share", 0.4},
                                             {"effective_interests", 3.2}});
    views::EpochCollapse c = *old.collapse;
    c.collapsedHeadShare = 0.25;
    c.effectiveItemsPerHead = 3.0;
    c.headRedundancy = 0.3;
    c.lReg = 0.09;
    now.epoch = now.globalEpoch = 2;
    now.collapse = c;
    panel()->showHistory({old, now});
    views::SeriesChart* chart = panel()->collapseChart();
    QCOMPARE(chart->pointCount("heads collapsed onto one item"), 1);
    QCOMPARE(chart->pointCount("head redundancy (mean cosine × 100)"), 1);
    QCOMPARE(chart->pointCount("largest head's share of positions"), 2);
    QCOMPARE(chart->pointCount("item-table effective rank (of d)"), 2);
    QVERIFY(!chart->seriesNames().contains("effective interests (of k)"));
    QVERIFY(chart->chart()->title().startsWith("Collapse watch"));
    QVERIFY(chart->toolTip().contains("a single interest expressed by a single item"));
    panel()->addEpoch(old);
    QVERIFY(!panel()->findChild<QLabel*>("trainingStatus")->text().contains("nan"));
    panel()->addEpoch(now);
    QVERIFY(panel()->findChild<QLabel*>("trainingStatus")->text().contains("25.0 % of heads collapsed onto one item"));
  }

  void aPastRunPlotsEpochMeansOnAnEpochAxis() {
    prepare(1);
    views::TrainingEpochPoint past;
    past.epoch = past.globalEpoch = 1;
    past.meanLosses = {{"total", 2.0}};
    panel()->showHistory({});  // an untrained model: the next thing shown is a live run
    QCOMPARE(panel()->lossChart()->xTitle(), QString("batch"));
    panel()->showHistory({past});
    QCOMPARE(panel()->lossChart()->xTitle(), QString("epoch"));
    QSignalSpy finished(studio()->training(), &studio::TrainingController::finished);
    QTest::mouseClick(button("startTraining"), Qt::LeftButton);
    QCOMPARE(panel()->lossChart()->xTitle(), QString("batch"));  // a live run plots its batches
    QVERIFY(testing::waitForCount(finished, 1, 120000));
  }

  // Issue 44: training again asks before replacing the model's checkpoint
  // (Cancel keeps the file as it is); a run whose loss turns NaN ends with
  // the divergence message, not "NDCG@20 inf %"; settings that break a rule
  // never start a run. The window and the session stay throughout.
  void checkpointsAreReplacedOnlyAfterAskingAndBadRunsReport() {
    prepare(1);
    QSignalSpy finished(studio()->training(), &studio::TrainingController::finished);
    QTest::mouseClick(button("startTraining"), Qt::LeftButton);
    QVERIFY(testing::waitForCount(finished, 1, 120000));
    const QString checkpoint = QString::fromStdString(studio()->session().current()->checkpoint);
    QVERIFY(QFileInfo::exists(checkpoint));
    QFile file(checkpoint);
    QVERIFY(file.open(QIODevice::ReadOnly));
    const QByteArray before = file.readAll();
    file.close();

    QString question;
    QMessageBox::StandardButton answer = QMessageBox::Cancel;
    window_->setAsk([&](const QString& title, const QString& text, QMessageBox::StandardButtons) {
      question = title + ": " + text;
      return answer;
    });
    QTest::mouseClick(button("startTraining"), Qt::LeftButton);
    QVERIFY2(question.startsWith("Replace the Checkpoint?"), qPrintable(question));
    QVERIFY(question.contains(QFileInfo(checkpoint).fileName()));
    QVERIFY(!studio()->training()->isRunning());
    QVERIFY(file.open(QIODevice::ReadOnly));
    QCOMPARE(file.readAll(), before);
    file.close();

    // Yes: a run that diverges (AdamW, lr x weight_decay = 100: the weights
    // overflow) reports where, and the checkpoint of the good run stays.
    answer = QMessageBox::Yes;
    nlohmann::json config = studio()->session().current()->config;
    config["optimizer"] = "adamw";
    config["lr"] = 10.0;
    config["weight_decay"] = 10.0;
    config["batch_size"] = 8;
    studio()->updateModel(0, "adigrec", config);
    question.clear();
    QTest::mouseClick(button("startTraining"), Qt::LeftButton);
    QVERIFY(question.startsWith("Replace the Checkpoint?"));
    QVERIFY(testing::waitForCount(finished, 2, 120000));
    QCOMPARE(finished.at(1).at(1).toBool(), false);  // failed
    const QString message = finished.at(1).at(3).toString();
    QVERIFY2(message.contains("training diverged in stage"), qPrintable(message));
    QVERIFY(!message.contains("inf %"));
    QVERIFY(window_->isVisible());
    QVERIFY(file.open(QIODevice::ReadOnly));
    QCOMPARE(file.readAll(), before);
    file.close();

    // heads=3 with dim=16 breaks "heads divides dim": refused before any run starts.
    config = testing::smallAdigrec(1);
    config["heads"] = 3;
    studio()->updateModel(0, "adigrec", config);
    QString error;
    QVERIFY(!studio()->startTraining(&error));
    QVERIFY2(error.contains("heads=3 does not divide dim=16"), qPrintable(error));
    QVERIFY(!studio()->training()->isRunning());
    QCOMPARE(studio()->session().models.size(), std::size_t{1});
  }

  void declineToCloseKeepsTraining() {
    prepare(200);
    window_->setAsk([](const QString&, const QString&, QMessageBox::StandardButtons) { return QMessageBox::No; });
    QSignalSpy finished(studio()->training(), &studio::TrainingController::finished);
    QSignalSpy batches(studio()->training(), &studio::TrainingController::batches);
    QTest::mouseClick(button("startTraining"), Qt::LeftButton);
    QVERIFY(testing::waitForCount(batches, 1, 60000));
    QVERIFY(!window_->close());
    QVERIFY(!window_->isClosingAfterTraining());
    QVERIFY(studio()->training()->isRunning());
    studio()->training()->cancel();
    QVERIFY(testing::waitForCount(finished, 1, 60000));
  }
};

QTEST_MAIN(TrainingPanelTest)
#include "tst_training_panel.moc"
