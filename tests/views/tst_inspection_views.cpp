// The inspection views driven offscreen with hand-made data: the scrubber's
// slider, keys, playback, top-k table and charts over a recorded trace, its
// exports; the heatmap (the interests panel has its own test); the
// projection map's selection, hover and zoom and the selection export; and
// a real trained ADIGRec through the inspection and projection controllers.
#include <QAbstractItemModelTester>
#include <QFileInfo>
#include <QLabel>
#include <QSignalSpy>
#include <QSlider>
#include <QTemporaryDir>
#include <QTest>
#include <QWheelEvent>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <sstream>

#include "app/studio/core_facade.h"
#include "app/studio/inspection_controller.h"
#include "app/studio/job_runner.h"
#include "app/studio/projection_controller.h"
#include "app/studio/scrubber_benchmark.h"
#include "core/data/dataset_loader.h"
#include "core/data/synthetic.h"
#include "gui_test_support.h"
#include "views/heatmap_view.h"
#include "views/histogram_chart.h"
#include "views/interests_panel.h"
#include "views/projection_map.h"
#include "views/projection_panel.h"
#include "views/scrubber_panel.h"
#include "views/step_chart.h"
#include "views/trace_step_model.h"

using namespace recdiff;

namespace {

// A run of T = 3 steps plus the final x0 for one user whose target is item
// 7: its rank falls 40 → 12 → 3 → 1, top-3 lists change along the way.
// With a finite `sensitivity`, every step before the final x0 was probed
// and measured it; `finalTop` replaces the final top-3.
diffusion::TraceTable handMadeTrace(float sensitivity = NAN, std::vector<std::int64_t> finalTop = {7, 4, 5}) {
  diffusion::TraceTable t;
  t.batch = 1;
  t.dim = 2;
  t.topK = 3;
  const int ts[] = {3, 2, 1, 0};
  const std::int64_t ranks[] = {40, 12, 3, 1};
  const std::vector<std::int64_t> tops[] = {{1, 2, 3}, {4, 2, 1}, {4, 5, 7}, finalTop};
  for (int i = 0; i < 4; ++i) {
    diffusion::TraceTableStep s;
    s.t = ts[i];
    s.xt = {1.0f, static_cast<float>(i)};
    s.x0Hat = {0.5f, 0.5f};
    s.normXt = {1.0f + 0.1f * static_cast<float>(i)};
    s.cosXtTarget = {0.1f * static_cast<float>(i)};
    s.cosX0Target = {0.2f * static_cast<float>(i)};
    s.targetRank = {ranks[i]};
    s.topkIds = tops[i];
    s.topkScores = {3.0f, 2.0f, 1.0f};
    if (std::isfinite(sensitivity) && s.t > 0) s.sensitivity = {sensitivity};
    t.steps.push_back(s);
  }
  return t;
}

}  // namespace

class InspectionViewsTest : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void initTestCase() {
    testing::isolateSettings();
    qRegisterMetaType<QVector<QPointF>>();  // QSignalSpy keeps the layouts
  }

  void topItemsModelFollowsTheStep() {
    views::TraceStepModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    const auto trace = handMadeTrace();
    model.setItemLabeler([](qint64 id) { return QString("item-%1").arg(id); });
    model.setStep(&trace, 0, 0, 7);
    QCOMPARE(model.rowCount(), 3);
    QCOMPARE(model.targetRow(), -1);
    model.setStep(&trace, 2, 0, 7);
    QCOMPARE(model.targetRow(), 2);
    QVERIFY(model.data(model.index(2, views::TraceStepModel::ItemColumn)).toString().contains("true next item"));
    QVERIFY(model.data(model.index(2, 0), Qt::BackgroundRole).isValid());
    QVERIFY(!model.data(model.index(0, 0), Qt::BackgroundRole).isValid());
    model.setStep(&trace, 3, 0, 7);
    QCOMPARE(model.targetRow(), 0);
    QCOMPARE(model.itemAt(0), qint64(7));
    model.setStep(nullptr, 0, 0, 0);
    QCOMPARE(model.rowCount(), 0);
    model.setStep(&trace, 9, 0, 7);  // out of range: empty, not a crash
    QCOMPARE(model.rowCount(), 0);
  }

  void sliderKeysAndPlayback() {
    views::ScrubberPanel panel;
    panel.resize(1100, 700);
    panel.show();
    QVERIFY(QTest::qWaitForWindowExposed(&panel));
    panel.setSamples({"user a · 3 items"});
    panel.setItemLabeler([](qint64 id) { return QString("item-%1").arg(id); });
    panel.setHistory({1, 2, 3}, 7);
    panel.setRuns({{"seed 1 · DDPM", handMadeTrace(0.0f)}, {"seed 2 · DDPM", handMadeTrace(0.0f)}});
    QCOMPARE(panel.stepCount(), 4);
    QCOMPARE(panel.currentStep(), 0);
    QCOMPARE(panel.currentTimestep(), 3);
    QVERIFY(panel.stepSummary().contains("rank of the true item 40"));
    for (int c = 0; c < 3; ++c) QVERIFY(panel.charts()[c]->seriesCount() >= 2);  // both runs drawn
    // One legend above the charts names every run in full, however narrow they are.
    QCOMPARE(panel.runLegendText(), QString("■ seed 1 · DDPM ■ seed 2 · DDPM"));
    QCOMPARE(panel.stepAccuracyChart()->seriesCount(), 0);  // computed on request only
    // Beside the rank: each run's sensitivity to x_t, and the sentence.
    QCOMPARE(panel.sensitivityChart()->seriesCount(), 2);
    QVERIFY(panel.charts().contains(panel.sensitivityChart()));  // it follows the cursor
    QVERIFY2(panel.noiseDependenceText().contains("does not depend on the noise: two noise seeds give the same "
                                                  "top-3 for this user"),
             qPrintable(panel.noiseDependenceText()));
    QVERIFY(panel.noiseDependenceText().contains("ignores x_t"));

    panel.setFocus();
    QTest::keyClick(&panel, Qt::Key_Right);
    QCOMPARE(panel.currentStep(), 1);
    QCOMPARE(panel.charts().front()->cursor(), 2.0);
    QTest::keyClick(&panel, Qt::Key_End);
    QCOMPARE(panel.currentTimestep(), 0);
    QVERIFY(panel.stepSummary().contains("final x0"));
    QCOMPARE(panel.topItems()->targetRow(), 0);
    QTest::keyClick(&panel, Qt::Key_Home);
    QCOMPARE(panel.currentStep(), 0);
    QTest::keyClick(&panel, Qt::Key_Left);  // clamped at the first step
    QCOMPARE(panel.currentStep(), 0);

    QSignalSpy steps(&panel, &views::ScrubberPanel::stepChanged);
    QTest::keyClick(&panel, Qt::Key_Space);
    QVERIFY(panel.isPlaying());
    QTRY_COMPARE_WITH_TIMEOUT(panel.currentStep(), 3, 5000);
    QTRY_VERIFY(!panel.isPlaying());  // stops at the final x0
    QCOMPARE(steps.count(), 3);

    QSignalSpy requested(&panel, &views::ScrubberPanel::runRequested);
    QTest::keyClick(&panel, Qt::Key_R, Qt::ControlModifier);
    QTRY_COMPARE(requested.count(), 1);  // a button shortcut clicks after its animation
  }

  // The sentence follows the seeds' final top items and the sensitivity:
  // seeds that disagree and an x̂0 that follows x_t make "depends"; a
  // single-step baseline has no noise; with two models each gets a sentence.
  void noiseDependenceSentence() {
    views::ScrubberPanel panel;
    panel.setRuns({{"seed 1", handMadeTrace(0.9f, {7, 4, 5})}, {"seed 2", handMadeTrace(0.9f, {1, 2, 3})}});
    QVERIFY2(panel.noiseDependenceText().startsWith("The output depends on the noise: two noise seeds share 0 %"),
             qPrintable(panel.noiseDependenceText()));
    QVERIFY(panel.noiseDependenceText().contains("follows x_t (mean sensitivity 0.90"));
    QCOMPARE(panel.sensitivityChart()->seriesCount(), 2);

    diffusion::TraceTable single = handMadeTrace();
    single.steps.erase(single.steps.begin(), single.steps.end() - 1);  // t = 0 only
    panel.setRuns({{"single step (not a diffusion model)", single}});
    QVERIFY(panel.noiseDependenceText().contains("not a diffusion model"));

    views::ScrubberRun other{"DimeRec · seed 1", handMadeTrace(0.2f), 1};
    panel.setRuns({{"ADIGRec · seed 1", handMadeTrace(0.0f)}, other});
    const QStringList lines = panel.noiseDependenceText().split('\n');
    QCOMPARE(lines.size(), 2);
    QVERIFY(lines[0].startsWith("ADIGRec: The output does not depend on the noise"));
    QVERIFY(lines[1].startsWith("DimeRec: Whether the output depends on the noise needs two or more seeds"));
    panel.clearRuns();
    QVERIFY(panel.noiseDependenceText().isEmpty());
  }

  void exportsChartsAndVideo() {
    views::ScrubberPanel panel;
    panel.resize(900, 600);
    panel.show();
    QVERIFY(QTest::qWaitForWindowExposed(&panel));
    QTemporaryDir dir;
    QString error;
    QVERIFY(!panel.exportVideo(dir.filePath("empty.avi"), 10, &error));  // nothing recorded yet
    QVERIFY(!error.isEmpty());
    panel.setRuns({{"seed 1", handMadeTrace()}});
    panel.setCurrentStep(2);
    for (const QString name : {"charts.png", "charts.svg", "run.avi"}) {
      const QString path = dir.filePath(name);
      const bool ok = name.endsWith(".avi") ? panel.exportVideo(path, 10, &error) : panel.exportCharts(path, &error);
      QVERIFY2(ok, qPrintable(error));
      QVERIFY(QFileInfo(path).size() > 1000);
      QVERIFY(!QFileInfo::exists(path + ".part"));
    }
    QCOMPARE(panel.currentStep(), 2);  // the video does not move the scrubber
    QVERIFY(!panel.exportCharts(dir.filePath("no/such/folder/x.png"), &error));
  }

  void heatmapColoursAndCells() {
    views::HeatmapView map("A");
    map.resize(300, 200);
    map.setMatrix(2, 3, {0.f, 0.5f, 1.f, 0.25f, 0.75f, 0.1f}, {"a", "b"}, {"1", "2", "3"});
    QCOMPARE(map.rows(), 2);
    QCOMPARE(map.value(1, 1), 0.75f);
    // Sequential: brightness rises with the value (viridis runs dark to light).
    QVERIFY(map.colorFor(0.f).lightnessF() < map.colorFor(0.5f).lightnessF());
    QVERIFY(map.colorFor(0.5f).lightnessF() < map.colorFor(1.f).lightnessF());
    QCOMPARE(map.cellAt(QPoint(-5, -5)), QPoint(-1, -1));
    map.setMatrix(2, 2, {1.f, 2.f});  // malformed: cleared, not a crash
    QCOMPARE(map.rows(), 0);
    map.setScale(views::HeatmapView::Scale::Diverging);
    map.setMatrix(1, 2, {-1.f, 1.f});
    QVERIFY(map.colorFor(-1.f).blueF() > map.colorFor(-1.f).redF());
    QVERIFY(map.colorFor(1.f).redF() > map.colorFor(1.f).blueF());
  }

  void projectionMapSelectsHoversAndZooms() {
    views::ProjectionMap map;
    map.resize(400, 400);
    map.show();
    QVERIFY(QTest::qWaitForWindowExposed(&map));
    // Two tight clusters: four items near (0,0), four near (10,10).
    QVector<QPointF> points;
    for (int i = 0; i < 4; ++i) points << QPointF(0.1 * i, 0.1 * i);
    for (int i = 0; i < 4; ++i) points << QPointF(10 + 0.1 * i, 10 + 0.1 * i);
    QStringList labels;
    for (int i = 0; i < 8; ++i) labels << QString("item %1").arg(i);
    map.setCatalog(points, {0, 0, 0, 0, 1, 1, 1, 1}, labels, {Qt::blue, Qt::red});
    QCOMPARE(map.itemCount(), 8);
    // Map and widget coordinates are inverses.
    const QPointF w = map.toWidget(QPointF(10, 10));
    QVERIFY(std::abs(map.toMap(w).x() - 10) < 1e-9 && std::abs(map.toMap(w).y() - 10) < 1e-9);
    QCOMPARE(map.nearestItem(w), 4);
    QCOMPARE(map.nearestItem(QPointF(-1000, -1000)), -1);
    QSignalSpy selected(&map, &views::ProjectionMap::selectionChanged);
    map.selectRect(QRectF(QPointF(-1, -1), QPointF(1, 1)));
    QCOMPARE(map.selection(), QVector<int>({0, 1, 2, 3}));
    QCOMPARE(selected.count(), 1);
    // Shift+drag over the upper cluster selects it.
    const QPoint from = map.toWidget(QPointF(9, 11)).toPoint(), to = map.toWidget(QPointF(11, 9)).toPoint();
    QTest::mousePress(&map, Qt::LeftButton, Qt::ShiftModifier, from);
    QTest::mouseMove(&map, to);
    QTest::mouseRelease(&map, Qt::LeftButton, Qt::ShiftModifier, to);
    QCOMPARE(map.selection(), QVector<int>({4, 5, 6, 7}));
    // Zoom in around a point keeps that point under the cursor.
    const QPointF anchor = map.toWidget(QPointF(10, 10));
    QWheelEvent wheel(anchor, map.mapToGlobal(anchor), QPoint(), QPoint(0, 240), Qt::NoButton, Qt::NoModifier,
                      Qt::NoScrollPhase, false);
    QCoreApplication::sendEvent(&map, &wheel);
    QVERIFY(map.zoom() > 1.0);
    QVERIFY((map.toWidget(QPointF(10, 10)) - anchor).manhattanLength() < 1.0);
    map.resetView();
    QCOMPARE(map.zoom(), 1.0);
  }

  void projectionPanelExportsTheSelection() {
    views::ProjectionPanel panel;
    panel.setItems({"a", "b, with comma", "c"}, {0, 1, -1}, {"cat-0", "cat-1"}, {5, 1, 0});
    QVERIFY(panel.colourByCategory());
    panel.setResult({QPointF(0, 0), QPointF(1, 0), QPointF(0, 1)}, {}, {}, "done");
    panel.map()->selectRect(QRectF(QPointF(-0.5, -0.5), QPointF(1.5, 0.5)));
    QCOMPARE(panel.selectedItems(), QVector<int>({0, 1}));
    QTemporaryDir dir;
    QString error;
    const QString path = dir.filePath("selection.csv");
    QVERIFY2(panel.exportSelection(path, &error), qPrintable(error));
    QFile f(path);
    QVERIFY(f.open(QIODevice::ReadOnly));
    QCOMPARE(QString::fromUtf8(f.readAll()),
             QString("item_index,label,category,popularity\n1,a,cat-0,5\n2,\"b, with comma\",cat-1,1\n"));
    QVERIFY(!panel.exportSelection(dir.filePath("no/such/dir/x.csv"), &error));
    QVERIFY(error.contains("x.csv"));
    // Without categories the map is coloured by popularity.
    panel.setItems({"a", "b", "c"}, {-1, -1, -1}, {}, {5, 1, 0});
    QVERIFY(!panel.colourByCategory());
  }

  void realModelThroughTheController() {
    auto synthetic = data::generateSynthetic(testing::smallSynthetic());
    auto dataset = std::make_shared<const data::SequenceDataset>(synthetic.dataset);
    studio::core::TrainSettings settings;
    settings.threads = 2;
    settings.epochs = 1;
    const auto outcome = studio::core::train("adigrec", testing::smallAdigrec(1), *dataset, settings, {}, {}, nullptr);
    QVERIFY(!outcome.model.isNull());

    studio::JobRunner jobs;
    studio::InspectionController controller(&jobs);
    QSignalSpy finished(&controller, &studio::InspectionController::finished);
    views::ScrubberRequest request;
    request.sample = 5;
    request.runs = 2;
    request.sampler = "both";
    request.ddimSteps = 4;
    QString error;
    QVERIFY2(controller.start(outcome.model, dataset, request, "cpu", 2, &error), qPrintable(error));
    QVERIFY(testing::waitForCount(finished, 1, 60000));
    QVERIFY2(finished.first().at(0).toBool(), qPrintable(finished.first().at(1).toString()));
    const auto& result = controller.last();
    QCOMPARE(result.runs.size(), 4);  // 2 seeds × (DDPM, DDIM)
    const auto T = static_cast<std::size_t>(testing::smallAdigrec(1).at("diffusion_steps").get<int>());
    QCOMPARE(result.runs[0].table.steps.size(), T + 1);
    QCOMPARE(result.runs[1].table.steps.size(), std::size_t{4 + 1});
    QCOMPARE(result.runs[0].table.steps.front().t, static_cast<int>(T));
    QCOMPARE(result.runs[0].table.steps.back().t, 0);
    // Different seeds, different noise: the first steps differ.
    QVERIFY(result.runs[0].table.steps.front().xt != result.runs[2].table.steps.front().xt);
    QVERIFY(result.inspection.count("routing_weights"));
    QCOMPARE(result.inspection.at("routing_weights").shape.back(), std::int64_t{2});
    // Each interest's routing weights are a softmax over the valid positions.
    const auto& a = result.inspection.at("routing_weights");
    for (std::int64_t c = 0; c < a.shape[1]; ++c) {
      double sum = 0;
      for (std::int64_t r = 0; r < a.shape[0]; ++r) sum += a.values[static_cast<std::size_t>(r * a.shape[1] + c)];
      QVERIFY(std::abs(sum - 1.0) < 1e-4);
    }

    // The model's diagnostics across users come with the first run.
    QVERIFY(result.diagnostics.has_value());
    QVERIFY(result.diagnostics->interests.has_value());
    QCOMPARE(result.diagnostics->interests->interests, 2);
    views::InterestsPanel interests;
    interests.setDiagnostics(result.diagnostics, {"cat-0", "cat-1", "cat-2", "cat-3"});
    QVERIFY(interests.diagnosticsText().contains("Across"));
    QCOMPARE(interests.headShares()->columns(), 2);
    QCOMPARE(interests.current()->peaks()->total(),
             2.0 * (result.diagnostics->interests->users - result.diagnostics->interests->usersWithOnePosition));
    // The same user's routing without a reverse run (the Interests panel's
    // second model), with the diagnostics known from the first run.
    QSignalSpy routed(&controller, &studio::InspectionController::routingFinished);
    QVERIFY2(controller.startRouting(outcome.model, dataset, 5, 2, &error), qPrintable(error));
    QVERIFY(controller.isRoutingRunning());
    QVERIFY(testing::waitForCount(routed, 1, 60000));
    QVERIFY2(routed.first().at(0).toBool(), qPrintable(routed.first().at(1).toString()));
    QVERIFY(!controller.isRoutingRunning());
    QCOMPARE(controller.lastRouting().sample, 5);
    QCOMPARE(controller.lastRouting().inspection.at("routing_weights").values, a.values);
    QVERIFY(controller.lastRouting().diagnostics.has_value());
    QVERIFY(!controller.startRouting(outcome.model, dataset, 1 << 20, 2, &error));

    // Every step but the final x0 was probed for its sensitivity to x_t.
    for (const auto& run : result.runs) {
      QVERIFY(run.table.steps.back().sensitivity.empty());
      for (std::size_t i = 0; i + 1 < run.table.steps.size(); ++i) {
        QCOMPARE(run.table.steps[i].sensitivity.size(), std::size_t{1});
        QVERIFY(std::isfinite(run.table.steps[i].sensitivity[0]));
      }
    }
    QCOMPARE(result.runs[1].sampler, QString("ddim"));

    views::ScrubberPanel panel;
    panel.setRuns(result.runs);
    panel.setCurrentStep(panel.stepCount() - 1);
    QCOMPARE(panel.currentTimestep(), 0);
    QCOMPARE(panel.sensitivityChart()->seriesCount(), 4);
    QVERIFY2(panel.noiseDependenceText().contains("two noise seeds"), qPrintable(panel.noiseDependenceText()));
    QVERIFY(panel.noiseDependenceText().contains("mean sensitivity"));

    // Users listed by their true item's final rank: asked for, computed
    // once for the model, then best or worst first.
    const QStringList labels = studio::testSampleLabels(*dataset);
    panel.setSamples(labels);
    QSignalSpy wantsRanks(&panel, &views::ScrubberPanel::rankingRequested);
    panel.setUserOrder(views::ScrubberPanel::UserOrder::BestRankFirst);
    QCOMPARE(wantsRanks.count(), 1);
    QSignalSpy ranked(&controller, &studio::InspectionController::rankingFinished);
    QVERIFY2(controller.startRanking(outcome.model, dataset, "cpu", 2, &error), qPrintable(error));
    QVERIFY(testing::waitForCount(ranked, 1, 60000));
    QVERIFY2(ranked.first().at(0).toBool(), qPrintable(ranked.first().at(1).toString()));
    const QVector<qint64> ranks = controller.testRanks(outcome.model);
    QCOMPARE(ranks.size(), static_cast<int>(dataset->test.size()));
    panel.setSampleRanks(ranks);
    const qint64 best = *std::min_element(ranks.begin(), ranks.end());
    const qint64 worst = *std::max_element(ranks.begin(), ranks.end());
    QVERIFY(best >= 1);
    QCOMPARE(ranks[panel.sampleAt(0)], best);
    panel.setUserOrder(views::ScrubberPanel::UserOrder::WorstRankFirst);
    QCOMPARE(ranks[panel.sampleAt(0)], worst);
    QCOMPARE(wantsRanks.count(), 1);  // known now: no second request
    QVERIFY(controller.testRanks(studio::ModelHandle()).isEmpty());

    // HR@K of x̂0 at every step over the whole test split, on request.
    QSignalSpy stepsDone(&controller, &studio::InspectionController::stepAccuracyFinished);
    QSignalSpy stepsProgress(&controller, &studio::InspectionController::stepAccuracyProgress);
    request.sample = 0;
    request.sampler = "ddpm";
    QVERIFY2(controller.startStepAccuracy(outcome.model, dataset, request, "cpu", 2, &error), qPrintable(error));
    QVERIFY(testing::waitForCount(stepsDone, 1, 60000));
    QVERIFY2(stepsDone.first().at(0).toBool(), qPrintable(stepsDone.first().at(1).toString()));
    QVERIFY(stepsProgress.count() >= 1);
    const auto& steps = controller.lastStepAccuracy();
    QCOMPARE(steps.size(), T + 1);
    QCOMPARE(steps.back().metrics.count, dataset->test.size());
    panel.setStepAccuracy(steps, QString());
    QCOMPARE(panel.stepAccuracyChart()->seriesCount(), 2);

    // The catalogue map: PCA of the item table, the first test users'
    // generated x0 placed in it, density contours; the runs placed after.
    studio::ProjectionController projection(&jobs);
    QSignalSpy mapped(&projection, &studio::ProjectionController::finished);
    studio::ProjectionRequest pr;
    pr.generatedUsers = 100;
    QVERIFY2(projection.start(outcome.model, dataset, pr, "cpu", 2, &error), qPrintable(error));
    QVERIFY(testing::waitForCount(mapped, 1, 60000));
    QVERIFY2(mapped.first().at(0).toBool(), qPrintable(mapped.first().at(2).toString()));
    QCOMPARE(projection.last().catalog.size(), dataset->numItems);
    QCOMPARE(projection.last().generated.size(), 100);
    QVERIFY(!projection.last().contours.isEmpty());
    const auto& run = result.runs[0].table;
    std::vector<float> rows;
    for (const auto& step : run.steps) rows.insert(rows.end(), step.x0Hat.begin(), step.x0Hat.end());
    QCOMPARE(projection.place(rows, run.dim).size(), static_cast<int>(run.steps.size()));
    const QVector<int> near = projection.nearestItems(0, 5);
    QCOMPARE(near.size(), 5);
    QVERIFY(!near.contains(0));
    // t-SNE reports its layouts while it optimises, and can be cancelled.
    QSignalSpy layouts(&projection, &studio::ProjectionController::progress);
    pr.method = "tsne";
    pr.iterations = 1000000;  // it would run for minutes: only a cancel ends it
    QVERIFY(projection.start(outcome.model, dataset, pr, "cpu", 2, &error));
    QVERIFY(testing::waitForCount(layouts, 1, 60000));
    QCOMPARE(layouts.first().at(2).value<QVector<QPointF>>().size(), dataset->numItems);
    projection.cancel();
    QVERIFY(testing::waitForCount(mapped, 2, 60000));
    QCOMPARE(mapped.at(1).at(1).toBool(), true);  // cancelled

    // A sample of another catalogue is refused with a reason.
    request.sample = 1 << 20;
    QVERIFY(!controller.start(outcome.model, dataset, request, "cpu", 2, &error));
    QVERIFY(error.contains("no test user"));
  }

  // The "works on zhihu": ADIGRec, DimeRec and ADRec on the real
  // 4,838-item catalogue, through the same controllers the docks use. The
  // models train on the first 3,000 training samples (one epoch) so the test
  // stays short; the catalogue, users and test split are zhihu's own.
  void zhihuWithAdigrecDimerecAndAdrec() {
    const QString folder = testing::datasetsDir() + "/zhihu-dreamrec";
    if (!QFileInfo::exists(folder)) {
      QSKIP("../shared/datasets/zhihu-dreamrec is absent: the reference datasets are not beside the project");
    }
    data::DatasetSpec spec;
    spec.path = folder.toStdString();
    data::SequenceDataset zhihu = data::loadDataset(spec);
    QCOMPARE(zhihu.numItems, 4838);
    zhihu.train.resize(3000);
    zhihu.validation.resize(200);
    auto dataset = std::make_shared<const data::SequenceDataset>(std::move(zhihu));

    studio::core::TrainSettings settings;
    settings.threads = 2;
    settings.epochs = 1;
    const nlohmann::json small = {{"max_length", 10}, {"epochs", 1}};
    std::map<std::string, studio::ModelHandle> models;
    for (const char* name : {"adigrec", "dimerec", "adrec"}) {
      nlohmann::json config = small;
      if (std::string(name) == "adrec") config.update({{"dim", 32}, {"pretrain", false}, {"warmup", false}});
      const auto outcome = studio::core::train(name, config, *dataset, settings, {}, {}, nullptr);
      QVERIFY2(!outcome.model.isNull(), name);
      models[name] = outcome.model;
    }

    studio::JobRunner jobs;
    studio::InspectionController controller(&jobs);
    QSignalSpy finished(&controller, &studio::InspectionController::finished);
    views::ScrubberRequest request;
    request.sample = 17;
    request.runs = 2;
    QString error;
    // ADIGRec with DimeRec beside it: both models' runs, paired by seed.
    studio::ScrubberComparison beside{models["dimerec"], "DimeRec", "ADIGRec"};
    QVERIFY2(controller.start(models["adigrec"], dataset, request, "cpu", 2, &error, beside), qPrintable(error));
    QVERIFY(testing::waitForCount(finished, 1, 120000));
    QVERIFY2(finished.last().at(0).toBool(), qPrintable(finished.last().at(1).toString()));
    const auto adigrec = controller.last();
    QCOMPARE(adigrec.runs.size(), 4);
    QCOMPARE(adigrec.runs[2].model, 1);
    QVERIFY(adigrec.runs[2].label.startsWith("DimeRec · seed 1"));
    QCOMPARE(adigrec.runs[2].table.steps.size(), static_cast<std::size_t>(models["dimerec"].diffusionSteps() + 1));
    QVERIFY(adigrec.inspection.count("routing_weights"));
    QVERIFY(adigrec.diagnostics && adigrec.diagnostics->interests);
    views::ScrubberPanel panel;
    panel.setItemLabeler([](qint64 id) { return QString::number(id); });
    panel.setRuns(adigrec.runs);
    panel.setCurrentRun(1);
    QCOMPARE(panel.partnerRun(), 3);
    panel.setCurrentStep(panel.stepCount() - 1);
    QCOMPARE(panel.partnerStep(), static_cast<int>(adigrec.runs[3].table.steps.size()) - 1);
    QCOMPARE(panel.partnerItems()->rowCount(), 10);
    // The partner's title: its run's whole name on one line, where it stands on the next.
    const QStringList partnerTitle = panel.findChild<QLabel*>("partnerTitle")->text().split('\n');
    QCOMPARE(partnerTitle.size(), 2);
    QCOMPARE(partnerTitle[0], adigrec.runs[3].label);
    QVERIFY(partnerTitle[1].startsWith(QString("step %1 of %1 · t = 0").arg(adigrec.runs[3].table.steps.size())));
    views::InterestsPanel interests;
    const auto& sample = dataset->test[17];
    interests.setInspection("user", adigrec.inspection, QVector<qint64>(sample.history.begin(), sample.history.end()));
    QCOMPARE(interests.routing()->columns(), 4);

    // DimeRec alone: its own routing; ADRec: per-token diffusion, no routing.
    for (const char* name : {"dimerec", "adrec"}) {
      QVERIFY2(controller.start(models[name], dataset, request, "cpu", 2, &error), qPrintable(error));
      QVERIFY(testing::waitForCount(finished, finished.count() + 1, 120000));
      QVERIFY2(finished.last().at(0).toBool(), qPrintable(finished.last().at(1).toString()));
      const auto& r = controller.last();
      QCOMPARE(r.runs.size(), 2);
      QCOMPARE(r.runs[0].table.steps.size(), static_cast<std::size_t>(models[name].diffusionSteps() + 1));
      QCOMPARE(r.runs[0].table.steps.back().t, 0);
      QVERIFY(r.diagnostics.has_value());  // the item table's collapse metrics, for every model
      QCOMPARE(r.inspection.count("routing_weights") > 0, std::string(name) == "dimerec");
      panel.setRuns(r.runs);
      QCOMPARE(panel.partnerRun(), -1);
    }

    // The catalogue map of each: all 4,838 items, generated x0 placed.
    studio::ProjectionController projection(&jobs);
    QSignalSpy mapped(&projection, &studio::ProjectionController::finished);
    studio::ProjectionRequest pr;
    pr.generatedUsers = 200;
    for (const char* name : {"adigrec", "dimerec", "adrec"}) {
      QVERIFY2(projection.start(models[name], dataset, pr, "cpu", 2, &error), qPrintable(error));
      QVERIFY(testing::waitForCount(mapped, mapped.count() + 1, 120000));
      QVERIFY2(mapped.last().at(0).toBool(), qPrintable(mapped.last().at(2).toString()));
      QCOMPARE(projection.last().catalog.size(), 4838);
      QCOMPARE(projection.last().generated.size(), 200);
    }
  }

  // `recdiff-studio --bench-scrubber`: runs and reports (timings are not
  // asserted, only that the benchmark measures what it says).
  void scrubberBenchmarkReports() {
    studio::ScrubberBenchmarkOptions options;
    options.diffusionSteps = 20;
    options.moves = 5;
    std::ostringstream out, err;
    QCOMPARE(studio::runScrubberBenchmark(options, out, err), 0);
    const auto j = nlohmann::json::parse(out.str());
    QCOMPARE(j["steps_recorded"].get<int>(), 21);
    QCOMPARE(j["moves"].get<int>(), 5);
    QVERIFY(j["ms"]["max"].get<double>() >= j["ms"]["median"].get<double>());
  }
};

QTEST_MAIN(InspectionViewsTest)
#include "tst_inspection_views.moc"
