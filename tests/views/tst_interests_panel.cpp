// The Interests panel over planted routing weights: routing collapse as
// paper 000 defines it (§4.4.2, "a single interest expressed by a single
// item") — one-hot heads all collapsed though as different as heads can
// be, uniform heads none collapsed though identical —, the per-head table,
// the heatmap's marks, the histogram of head peaks across users, two
// models side by side, and the layout in its dock's scroll area.
#include <QAbstractItemModelTester>
#include <QApplication>
#include <QLabel>
#include <QSignalSpy>
#include <QTabWidget>
#include <QTableView>
#include <QTest>

#include <cmath>
#include <cstdint>
#include <vector>

#include "core/analysis/interest_diagnostics.h"
#include "views/head_routing_model.h"
#include "views/heatmap_view.h"
#include "views/histogram_chart.h"
#include "views/interests_panel.h"
#include "views/panel_scroll_area.h"

using namespace recdiff;

namespace {

// A left-padded {rows, k} routing table whose last `history` rows hold
// `columns` (one vector per head, over the real positions).
diffusion::TraceTableExtra routingTable(const std::vector<std::vector<float>>& columns, int padding) {
  const auto k = static_cast<std::int64_t>(columns.size());
  const auto real = static_cast<std::int64_t>(columns.front().size());
  diffusion::TraceTableExtra t{{padding + real, k}, {}};
  t.values.assign(static_cast<std::size_t>((padding + real) * k), 0.f);
  for (std::int64_t r = 0; r < real; ++r)
    for (std::int64_t c = 0; c < k; ++c) t.values[static_cast<std::size_t>((padding + r) * k + c)] = columns[c][r];
  return t;
}

// Planted routing of L = 4 items and k = 3 heads: each head one-hot on its
// own item (every head collapsed, no two alike), or every head uniform
// (none collapsed, all alike).
std::vector<std::vector<float>> oneHotHeads() { return {{1, 0, 0, 0}, {0, 0, 1, 0}, {0, 0, 0, 1}}; }
std::vector<std::vector<float>> uniformHeads() {
  return std::vector<std::vector<float>>(3, std::vector<float>(4, 0.25f));
}

analysis::Matrix toMatrix(const std::vector<std::vector<float>>& columns) {
  analysis::Matrix a(static_cast<Eigen::Index>(columns.front().size()), static_cast<Eigen::Index>(columns.size()));
  for (std::size_t c = 0; c < columns.size(); ++c)
    for (std::size_t r = 0; r < columns[c].size(); ++r)
      a(static_cast<Eigen::Index>(r), static_cast<Eigen::Index>(c)) = columns[c][r];
  return a;
}

QString cell(const QAbstractItemModel& m, int row, int column) { return m.index(row, column).data().toString(); }

}  // namespace

class InterestsPanelTest : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void interestsFromKnownRouting() {
    views::InterestsPanel panel;
    panel.setItemLabeler([](qint64 id) { return QString("item-%1").arg(id); });
    views::InterestsPanel::Inspection inspection;
    // A left-padded batch row: position 0 is padding, then items 11, 12, 13.
    inspection["routing_weights"] = {{4, 2}, {0.f, 0.f, 0.7f, 0.1f, 0.2f, 0.3f, 0.1f, 0.6f}};
    inspection["routing_covariance"] = {{2, 2}, {0.1f, -0.05f, -0.05f, 0.2f}};
    inspection["l_reg"] = {{}, {0.42f}};
    panel.setInspection("user u", inspection, {11, 12, 13});
    QCOMPARE(panel.routing()->rows(), 3);
    QCOMPARE(panel.routing()->columns(), 2);
    QCOMPARE(panel.covariance()->rows(), 2);
    QCOMPARE(panel.regulariser(), double(0.42f));
    QCOMPARE(panel.topItemPerInterest(), QVector<qint64>({11, 13}));
    QVERIFY(panel.summary().contains("k = 2"));
    // Each head's peak is outlined: head 1 on item 11 (0.7), head 2 on item 13 (0.6);
    // neither reaches 0.9, so neither is collapsed.
    QCOMPARE(panel.routing()->markedCells(), QVector<QPoint>({QPoint(0, 0), QPoint(1, 2)}));
    QCOMPARE(panel.routing()->columnNotes(), QStringList({"", ""}));
    views::HeadRoutingModel* heads = panel.current()->heads();
    QCOMPARE(heads->rowCount(), 2);
    QCOMPARE(cell(*heads, 0, views::HeadRoutingModel::PeakItem), QString("item-11"));
    QCOMPARE(cell(*heads, 1, views::HeadRoutingModel::Peak), QString("0.60"));
    QCOMPARE(cell(*heads, 1, views::HeadRoutingModel::Collapsed), QString("no"));
    QVERIFY(panel.summary().contains("0 of 2 heads collapsed"));
    panel.setInspection("user v", {}, {1});
    QVERIFY(panel.summary().contains("no interest routing"));
    QCOMPARE(panel.routing()->rows(), 0);
    QCOMPARE(heads->rowCount(), 0);
  }

  // Paper 000 §4.4.2: routing collapse is "a single interest expressed by a
  // single item". One-hot heads are all collapsed although they are as
  // different as heads can be (redundancy 0); uniform heads are none
  // collapsed although they are identical (redundancy 1).
  void plantedOneHotHeadsAreCollapsedUniformOnesAreNot() {
    views::InterestsPanel panel;
    panel.setItemLabeler([](qint64 id) { return QString("item-%1").arg(id); });
    panel.setInspection("planted", {{"routing_weights", routingTable(oneHotHeads(), 2)}}, {21, 22, 23, 24});
    const auto& collapsed = panel.current()->userStats();
    QVERIFY(collapsed.has_value());
    QCOMPARE(collapsed->collapsedHeads, 3);
    QCOMPARE(collapsed->headRedundancy, 0.0);
    QVERIFY(panel.summary().contains("3 of 3 heads collapsed"));
    QCOMPARE(panel.routing()->columnNotes(), QStringList({"collapsed", "collapsed", "collapsed"}));
    QCOMPARE(panel.routing()->markedCells(), QVector<QPoint>({QPoint(0, 0), QPoint(1, 2), QPoint(2, 3)}));
    QCOMPARE(panel.topItemPerInterest(), QVector<qint64>({21, 23, 24}));
    views::HeadRoutingModel* heads = panel.current()->heads();
    QAbstractItemModelTester tester(heads, QAbstractItemModelTester::FailureReportingMode::QtTest);
    for (int h = 0; h < 3; ++h) {
      QCOMPARE(cell(*heads, h, views::HeadRoutingModel::Collapsed), QString("yes"));
      QCOMPARE(cell(*heads, h, views::HeadRoutingModel::EffectiveItems), QString("1.0"));
      QCOMPARE(cell(*heads, h, views::HeadRoutingModel::HistoryShare), QString("25 %"));
    }
    QCOMPARE(cell(*heads, 1, views::HeadRoutingModel::PeakItem), QString("item-23"));
    QVERIFY(panel.current()->userText().contains("Head redundancy 0.00"));
    // The L_reg split: a one-hot head's variance is (1/L)(1 - 1/L) = 3/16.
    QVERIFY(std::abs(collapsed->lRegConcentration - 3 * 3.0 / 16) < 1e-6);

    panel.setInspection("planted", {{"routing_weights", routingTable(uniformHeads(), 0)}}, {21, 22, 23, 24});
    const auto& spread = panel.current()->userStats();
    QCOMPARE(spread->collapsedHeads, 0);
    QVERIFY(std::abs(spread->headRedundancy - 1.0) < 1e-6);
    QVERIFY(std::abs(spread->lReg) < 1e-9);
    QVERIFY(panel.summary().contains("0 of 3 heads collapsed"));
    QCOMPARE(panel.routing()->columnNotes(), QStringList({"", "", ""}));
    for (int h = 0; h < 3; ++h) {
      QCOMPARE(cell(*heads, h, views::HeadRoutingModel::Collapsed), QString("no"));
      QCOMPARE(cell(*heads, h, views::HeadRoutingModel::EffectiveItems), QString("4.0"));
      QCOMPARE(cell(*heads, h, views::HeadRoutingModel::HistoryShare), QString("100 %"));
    }
    QVERIFY(panel.current()->userText().contains("Head redundancy 1.00"));

    // One history item: every head sits on it, which says nothing.
    panel.setInspection("short", {{"routing_weights", routingTable({{1}, {1}, {1}}, 3)}}, {21});
    QCOMPARE(cell(*heads, 0, views::HeadRoutingModel::Collapsed), QString("n/a"));
    QCOMPARE(panel.routing()->columnNotes(), QStringList({"", "", ""}));
    // Weights that are no softmax over the history: no figures, a reason.
    panel.setInspection("broken", {{"routing_weights", routingTable({{0.5f, 0.1f}}, 0)}}, {21, 22});
    QVERIFY(!panel.current()->userStats());
    QVERIFY(panel.current()->userText().contains("sums to"));
  }

  // Across users: the histogram of head peaks, the collapsed share and the
  // spectral figure kept under its own name with its blind spot.
  void acrossUsersHistogramOfHeadPeaks() {
    std::vector<analysis::Matrix> users;
    for (int u = 0; u < 4; ++u) users.push_back(toMatrix(oneHotHeads()));
    for (int u = 0; u < 4; ++u) users.push_back(toMatrix(uniformHeads()));
    eval::ModelDiagnostics d;
    d.interests = analysis::analyseRouting(users);
    d.embedding.dimensions = 8;
    views::InterestsPanel panel;
    panel.setDiagnostics(d, {});
    views::HistogramChart* peaks = panel.current()->peaks();
    QCOMPARE(peaks->barCount(), 10);
    QCOMPARE(peaks->total(), 8.0 * 3);
    QVERIFY(peaks->barToolTip(9).startsWith("0.9–1 peak weight: 12"));    // the one-hot heads
    QVERIFY(peaks->barToolTip(2).startsWith("0.2–0.3 peak weight: 12"));  // the uniform ones, at 1/4
    const QString text = panel.diagnosticsText();
    QVERIFY2(text.contains("50.0 % of heads collapsed"), qPrintable(text));
    QVERIFY(text.contains("Distinct routing directions"));
    QVERIFY(text.contains("blind to collapse"));
    QVERIFY(!text.contains("effectively used"));
    QVERIFY(panel.current()->summary().contains("across 8 test users: <b>50.0 %</b>"));
    QCOMPARE(panel.headShares()->rows(), 2);  // positions won, collapsed
    QCOMPARE(panel.headShares()->value(1, 0), 0.5f);
    panel.setDiagnostics(std::nullopt, {});
    QCOMPARE(peaks->barCount(), 0);
  }

  // In its dock's scroll area, side by side, nothing overlaps and no
  // widget is squeezed below its minimum: the panel scrolls instead.
  void interestsPanelScrollsRatherThanOverlaps() {
    // Filled while its dock is a hidden tab, as at the end of the demo.
    QTabWidget tabs;
    tabs.resize(830, 730);
    tabs.addTab(new QWidget, "other");
    auto* panel = new views::InterestsPanel;
    auto* area = new views::PanelScrollArea(panel);
    tabs.addTab(area, "interests");
    tabs.show();
    QVERIFY(QTest::qWaitForWindowExposed(&tabs));
    std::vector<std::vector<float>> columns(4, std::vector<float>(18, 1.0f / 18));
    QVector<qint64> history;
    for (int i = 0; i < 18; ++i) history << i + 1;
    const views::InterestsPanel::Inspection inspection{{"routing_weights", routingTable(columns, 2)},
                                                       {"routing_covariance", {{4, 4}, std::vector<float>(16, 0.01f)}}};
    panel->setComparisonModels({"other"}, {"m2"});
    panel->setComparisonId("m2");
    panel->setInspection("user 1", inspection, history);
    panel->comparison()->setInspection(inspection, history);
    std::vector<analysis::Matrix> users(5, toMatrix(oneHotHeads()));
    users.push_back(toMatrix(uniformHeads()));
    eval::ModelDiagnostics d;
    d.interests = analysis::analyseRouting(users);
    d.embedding.verdict = "ok";
    panel->setDiagnostics(d, {});
    panel->comparison()->setDiagnostics(d, {});
    QTest::qWait(100);
    tabs.setCurrentIndex(1);
    QApplication::processEvents();  // all a screenshot waits for
    for (views::RoutingPane* pane : {panel->current(), panel->comparison()}) {
      QWidgetList stack{pane->routing(), pane->findChild<QLabel*>("userFigures"),
                        pane->findChild<QTableView*>("headRoutingTable"), pane->covariance(), pane->peaks()};
      int bottom = 0;
      for (QWidget* w : stack) {
        QVERIFY(w);
        const QRect r(w->mapTo(panel, QPoint()), w->size());
        QVERIFY2(
            r.y() >= bottom,
            qPrintable(QString("%1 starts at %2, above %3").arg(w->metaObject()->className()).arg(r.y()).arg(bottom)));
        QVERIFY(r.height() >= w->minimumSizeHint().expandedTo(w->minimumSize()).height());
        bottom = r.bottom();
      }
    }
    // All four heads' rows show.
    auto* table = panel->current()->findChild<QTableView*>("headRoutingTable");
    QVERIFY(table->rowViewportPosition(3) + table->rowHeight(3) <= table->viewport()->height());
  }

  // Two models side by side for the same user: the second pane appears
  // when a model is chosen, and goes when it leaves the session's list.
  void twoModelsSideBySide() {
    views::InterestsPanel panel;
    QVERIFY(panel.comparison()->isHidden());
    QSignalSpy changed(&panel, &views::InterestsPanel::comparisonChanged);
    panel.setComparisonModels({"ADIGRec without L_reg"}, {"m2"});
    QCOMPARE(panel.comparisonIds(), QStringList({"m2"}));
    QCOMPARE(changed.count(), 0);
    panel.setComparisonId("m2");
    QCOMPARE(changed.count(), 1);
    QCOMPARE(changed.first().first().toString(), QString("m2"));
    QVERIFY(!panel.comparison()->isHidden());
    panel.setModelLabel("ADIGRec with L_reg");
    panel.setInspection("user 1", {{"routing_weights", routingTable(uniformHeads(), 0)}}, {1, 2, 3, 4});
    panel.comparison()->setInspection({{"routing_weights", routingTable(oneHotHeads(), 0)}}, {1, 2, 3, 4});
    QVERIFY(panel.summary().contains("0 of 3 heads collapsed"));
    QVERIFY(panel.comparison()->summary().contains("3 of 3 heads collapsed"));
    QCOMPARE(panel.comparison()->heads()->rowCount(), 3);
    // Re-offering the same list keeps the choice; dropping the model hides its pane.
    panel.setComparisonModels({"ADIGRec without L_reg", "DimeRec"}, {"m2", "m3"});
    QCOMPARE(panel.comparisonId(), QString("m2"));
    panel.setComparisonModels({"DimeRec"}, {"m3"});
    QCOMPARE(panel.comparisonId(), QString());
    QVERIFY(panel.comparison()->isHidden());
  }
};

QTEST_MAIN(InterestsPanelTest)
#include "tst_interests_panel.moc"
