// The dataset panel driven like a user would: type a path (or drop a
// file), press Load, read the statistics and charts; the synthetic
// generator; malformed data shows a banner naming file and line and keeps
// the dataset that was loaded before.
#include <QBarCategoryAxis>
#include <QCheckBox>
#include <QDropEvent>
#include <QLineEdit>
#include <QMimeData>
#include <QPushButton>
#include <QSpinBox>
#include <QTemporaryDir>
#include <QTest>
#include <QValueAxis>

#include <cmath>

#include "app/studio/dataset_controller.h"
#include "app/studio/main_window.h"
#include "app/studio/studio_controller.h"
#include "gui_test_support.h"
#include "views/dataset_panel.h"
#include "views/dataset_stats_model.h"
#include "views/error_banner.h"
#include "views/histogram_chart.h"

using namespace recdiff;

class DatasetPanelTest : public QObject {
  Q_OBJECT

 private:
  std::unique_ptr<studio::MainWindow> window_;
  QTemporaryDir dir_;

  views::DatasetPanel* panel() const { return window_->datasetPanel(); }

  // Types `path` into the panel and presses Load; waits for the outcome.
  bool loadThroughPanel(const QString& path, bool expectSuccess) {
    auto* edit = panel()->findChild<QLineEdit*>("datasetPath");
    auto* load = panel()->findChild<QPushButton*>("loadDataset");
    if (!edit || !load) return false;
    panel()->setSyntheticSelected(false);
    edit->setText(path);
    QSignalSpy loaded(window_->studio()->datasets(), &studio::DatasetController::loaded);
    QSignalSpy failed(window_->studio()->datasets(), &studio::DatasetController::failed);
    QTest::mouseClick(load, Qt::LeftButton);
    QElapsedTimer clock;
    clock.start();
    while (loaded.isEmpty() && failed.isEmpty() && clock.elapsed() < 60000) QTest::qWait(20);
    return expectSuccess ? loaded.count() == 1 : failed.count() == 1;
  }

  QString writeFile(const QString& name, const QByteArray& content) {
    const QString path = dir_.filePath(name);
    QFile f(path);
    f.open(QIODevice::WriteOnly);
    f.write(content);
    return path;
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
    window_->setQuietClose(true);
    window_->resize(1400, 900);
    window_->show();
    window_->showPanel("dataset");
  }

  void cleanup() { window_.reset(); }

  void opensReferenceSequences() {
    if (!testing::haveDataset("ml-100k-adrec/sequences.txt")) {
      QSKIP("../shared/datasets/ml-100k-adrec is absent: the reference datasets are not beside the project");
    }
    QVERIFY(loadThroughPanel(testing::dataset("ml-100k-adrec/sequences.txt"), true));
    views::DatasetStatsModel* stats = panel()->statsModel();
    // The publisher's counts (../shared/datasets/README.md): 938 users, 1,008 items.
    QCOMPARE(stats->valueOf("Users"), QLocale().toString(938));
    QCOMPARE(stats->valueOf("Items"), QLocale().toString(1008));
    QCOMPARE(stats->valueOf("Interactions"), QLocale().toString(54413));
    QVERIFY(panel()->lengthChart()->barCount() > 3);
    QCOMPARE(panel()->lengthChart()->total(), 938.0);
    QVERIFY(panel()->popularityChart()->barCount() > 3);
    // Bars are labelled where they start (room for "4", not "4–7"); hovering one names its range and count.
    auto* bins = qobject_cast<QBarCategoryAxis*>(panel()->popularityChart()->chart()->axes(Qt::Horizontal).first());
    QVERIFY(bins);
    QCOMPARE(bins->at(2), QString("4"));
    QVERIFY(panel()->popularityChart()->barToolTip(2).startsWith("4–7 interactions per item: "));
    QVERIFY(panel()->popularityChart()->barToolTip(2).endsWith(" items"));
    // Counts are labelled "%d": the ticks fall on whole numbers (no "0, 0, 0" over 0..1).
    for (views::HistogramChart* chart : {panel()->lengthChart(), panel()->popularityChart()}) {
      auto* counts = qobject_cast<QValueAxis*>(chart->chart()->axes(Qt::Vertical).first());
      QVERIFY(counts);
      QCOMPARE(counts->tickType(), QValueAxis::TicksDynamic);
      QVERIFY(counts->tickInterval() >= 1.0 && counts->tickInterval() == std::floor(counts->tickInterval()));
    }
    QVERIFY(!panel()->banner()->isVisible());
    QCOMPARE(window_->studio()->session().dataset.kind, studio::DatasetSource::Kind::File);
    QVERIFY(window_->studio()->isModified());
  }

  void opensPublishedSplitFolder() {
    if (!testing::haveDataset("zhihu-dreamrec/train.tsv")) {
      QSKIP("../shared/datasets/zhihu-dreamrec is absent: the reference datasets are not beside the project");
    }
    QVERIFY(loadThroughPanel(testing::dataset("zhihu-dreamrec"), true));
    QCOMPARE(panel()->statsModel()->valueOf("Split"), QString("published"));
    QCOMPARE(panel()->statsModel()->valueOf("Items"), QLocale().toString(4838));
  }

  void generatesSynthetic() {
    panel()->setSyntheticSelected(true);
    panel()->setSyntheticConfig(testing::smallSynthetic());
    QSignalSpy loaded(window_->studio()->datasets(), &studio::DatasetController::loaded);
    QTest::mouseClick(panel()->findChild<QPushButton*>("loadDataset"), Qt::LeftButton);
    QVERIFY(testing::waitForCount(loaded, 1, 60000));
    QCOMPARE(panel()->statsModel()->valueOf("Users"), QLocale().toString(300));
    QVERIFY(panel()->lengthChart()->total() > 0);
    QVERIFY(window_->studio()->datasets()->truth());
    QCOMPARE(window_->studio()->session().dataset.kind, studio::DatasetSource::Kind::Synthetic);
  }

  void dropAFileOnThePanel() {
    QDir().mkpath(dir_.filePath("drop"));
    const QString path = dir_.filePath("drop/sequences.txt");
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly));
    for (int u = 0; u < 40; ++u) {
      QByteArray line = "u" + QByteArray::number(u);
      for (int i = 0; i < 6; ++i) line += " i" + QByteArray::number((u * 7 + i * 3) % 25);
      f.write(line + "\n");
    }
    f.close();
    QSignalSpy loaded(window_->studio()->datasets(), &studio::DatasetController::loaded);
    QMimeData mime;
    mime.setUrls({QUrl::fromLocalFile(path)});
    // As a real drag does: the enter makes the panel the drop target (Qt
    // delivers a drop only to the widget that accepted the enter).
    QDragEnterEvent enter(QPoint(20, 20), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
    QCoreApplication::sendEvent(panel(), &enter);
    QVERIFY(enter.isAccepted());
    QDropEvent drop(QPointF(20, 20), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
    QCoreApplication::sendEvent(panel(), &drop);
    QVERIFY2(testing::waitForCount(loaded, 1, 30000), qPrintable(panel()->banner()->text()));
    QCOMPARE(panel()->statsModel()->valueOf("Users"), QLocale().toString(40));
  }

  void malformedDatasetShowsFileAndLine() {
    // First a good dataset: a failed load must not replace it.
    panel()->setSyntheticSelected(true);
    panel()->setSyntheticConfig(testing::smallSynthetic());
    QSignalSpy loaded(window_->studio()->datasets(), &studio::DatasetController::loaded);
    QTest::mouseClick(panel()->findChild<QPushButton*>("loadDataset"), Qt::LeftButton);
    QVERIFY(testing::waitForCount(loaded, 1, 60000));
    const auto before = window_->studio()->dataset();

    // A log whose third line has a missing column; strict reading stops there.
    const QString bad =
        writeFile("ratings.csv", "user,item,rating,timestamp\n1,10,5,100\n1,11,4,101\n2,12\n2,13,3,103\n");
    panel()->findChild<QCheckBox*>("strictReading")->setChecked(true);
    QVERIFY(loadThroughPanel(bad, false));
    QVERIFY(panel()->banner()->isVisible());
    const QString message = panel()->banner()->text();
    QVERIFY2(message.contains("ratings.csv:4"), qPrintable(message));
    QVERIFY(window_->studio()->dataset() == before);
    QCOMPARE(panel()->statsModel()->valueOf("Users"), QLocale().toString(300));

    // Without strict reading a file with no usable line is still an error
    // naming the first bad line.
    panel()->findChild<QCheckBox*>("strictReading")->setChecked(false);
    const QString empty = writeFile("sequences.txt", "u1\nu2\n");
    QVERIFY(loadThroughPanel(empty, false));
    QVERIFY2(panel()->banner()->text().contains("sequences.txt"), qPrintable(panel()->banner()->text()));
    QVERIFY(window_->studio()->dataset() == before);

    // A missing path.
    QVERIFY(loadThroughPanel(dir_.filePath("no-such-file.txt"), false));
    QVERIFY(panel()->banner()->text().contains("no-such-file.txt"));
  }

  void skippedLinesAreReported() {
    const QString path = writeFile("skips.csv",
                                   "user,item,rating,timestamp\n1,10,5,100\n1,11,4,101\n1,12\n1,13,3,103\n"
                                   "2,10,5,100\n2,11,4,101\n2,13,3,103\n");
    auto* strict = panel()->findChild<QCheckBox*>("strictReading");
    strict->setChecked(false);
    auto* minItems = panel()->findChild<QSpinBox*>("minItemCount");
    minItems->setValue(0);
    QVERIFY(loadThroughPanel(path, true));
    QVERIFY(panel()->banner()->isVisible());
    QVERIFY2(panel()->banner()->text().contains("skips.csv:4"), qPrintable(panel()->banner()->text()));
    QCOMPARE(panel()->banner()->kind(), views::ErrorBanner::Kind::Warning);
  }
};

QTEST_MAIN(DatasetPanelTest)
#include "tst_dataset_panel.moc"
