// The table models of the views library, checked with
// QAbstractItemModelTester, and the generated hyper-parameter form.
#include <QAbstractItemModelTester>
#include <QBarCategoryAxis>
#include <QChart>
#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QLabel>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTest>

#include <cmath>
#include <limits>

#include "app/studio/core_facade.h"
#include "app/studio/metrics_json.h"
#include "views/comparison_table_model.h"
#include "views/dataset_stats_model.h"
#include "views/head_routing_model.h"
#include "views/histogram_chart.h"
#include "views/metrics_table_model.h"
#include "views/param_form.h"

using namespace recdiff;

namespace {

eval::RankingMetrics metrics(double scale) {
  eval::RankingMetrics m;
  for (int k : eval::defaultCutoffs()) {
    m.hitRate[k] = scale * k / 100.0;
    m.ndcg[k] = scale * k / 300.0;
  }
  m.mrr = scale / 10.0;
  m.count = 1000;
  return m;
}

data::DatasetStats stats() {
  data::DatasetStats s;
  s.users = 938;
  s.items = 1008;
  s.interactions = 54413;
  s.averageLength = 58.0;
  s.sparsity = 0.94;
  s.minLength = 3;
  s.maxLength = 200;
  s.trainSamples = 938;
  s.validationSamples = 938;
  s.testSamples = 938;
  s.lengthHistogram.assign(201, 0);
  for (int l = 3; l <= 200; ++l) s.lengthHistogram[static_cast<std::size_t>(l)] = 5;
  s.popularityHistogram = {10, 20, 40, 30, 5};
  return s;
}

}  // namespace

class ItemModelsTest : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void datasetStatsModel() {
    views::DatasetStatsModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QCOMPARE(model.rowCount(), 0);
    model.setStats("ml-100k-adrec", "leave-one-out", stats());
    QVERIFY(model.rowCount() >= 8);
    QCOMPARE(model.columnCount(), 2);
    QCOMPARE(model.valueOf("Users"), QLocale().toString(938));
    QCOMPARE(model.valueOf("Items"), QLocale().toString(1008));
    QCOMPARE(model.valueOf("Dataset"), QString("ml-100k-adrec"));
    QVERIFY(!model.valueOf("Sparsity").isEmpty());
    model.clear();
    QCOMPARE(model.rowCount(), 0);
  }

  void metricsTableModel() {
    views::MetricsTableModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setMetrics(metrics(1.0));
    QCOMPARE(model.rowCount(), 4);
    QCOMPARE(model.columnCount(), 3);
    QCOMPARE(model.index(2, 0).data().toString(), QString("@20"));
    QCOMPARE(model.index(2, views::MetricsTableModel::HitRateColumn).data(Qt::UserRole).toDouble(), 0.2);
    QCOMPARE(model.index(2, views::MetricsTableModel::HitRateColumn).data().toString(),
             QLocale().toString(20.0, 'f', 2));
    model.clear();
    QCOMPARE(model.rowCount(), 0);
  }

  void comparisonTableModel() {
    views::ComparisonTableModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QVector<views::ComparisonRow> rows;
    rows.push_back({"A", "ADIGRec", "test", metrics(1.0), std::nullopt});
    rows.push_back({"B", "SASRec", "test", metrics(0.5), std::nullopt});
    rows.push_back({"C", "ComiRec", "", std::nullopt, std::nullopt});
    model.setRows(rows);
    QCOMPARE(model.rowCount(), 3);
    QCOMPARE(model.columnCount(),
             views::ComparisonTableModel::kFixedColumns + 9 + views::ComparisonTableModel::RoutingFigureCount);
    const int hr20 = model.metricColumn("hr@20");
    QVERIFY(hr20 > 0);
    QCOMPARE(model.headerData(hr20, Qt::Horizontal, Qt::DisplayRole).toString(), QString("HR@20"));
    // The best value of a column is bold, the others are not.
    QVERIFY(model.index(0, hr20).data(Qt::FontRole).value<QFont>().bold());
    QVERIFY(!model.index(1, hr20).data(Qt::FontRole).isValid());
    QCOMPARE(model.index(2, hr20).data().toString(), QString("—"));
    QCOMPARE(model.index(2, 2).data().toString(), QString("not evaluated"));
    rows.removeLast();
    model.setRows(rows);
    QCOMPARE(model.rowCount(), 2);
  }

  // The routing-collapse columns: figures for models with routing, blank
  // for models without, a dash where nothing was measured; never bold.
  void comparisonTableRoutingColumns() {
    views::ComparisonTableModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    views::EpochCollapse withRouting;
    withRouting.interests = 4;
    withRouting.collapsedHeadShare = 0.375;
    withRouting.effectiveItemsPerHead = 2.5;
    withRouting.headRedundancy = 0.25;
    withRouting.lReg = 0.0891;
    views::EpochCollapse rounder = withRouting;
    rounder.lReg = 0.22;
    views::EpochCollapse noRouting;
    noRouting.dimensions = 32;
    views::EpochCollapse before = withRouting;  // a record from before the figures existed
    before.collapsedHeadShare = std::numeric_limits<double>::quiet_NaN();
    QVector<views::ComparisonRow> rows;
    rows.push_back({"ADIGRec with L_reg", "ADIGRec", "test", metrics(1.0), withRouting});
    rows.push_back({"SASRec", "SASRec", "test", metrics(0.5), noRouting});
    rows.push_back({"ComiRec", "ComiRec", "", std::nullopt, std::nullopt});
    rows.push_back({"ADIGRec (old)", "ADIGRec", "test", metrics(0.2), before});
    rows.push_back({"ADIGRec without L_reg", "ADIGRec", "test", metrics(0.3), rounder});
    model.setRows(rows);
    using M = views::ComparisonTableModel;
    QCOMPARE(model.columnCount(), M::kFixedColumns + 9 + M::RoutingFigureCount);
    const int collapsed = model.routingColumn(M::CollapsedHeads);
    QCOMPARE(collapsed, model.metricColumn("mrr") + 1);
    QCOMPARE(model.headerData(collapsed, Qt::Horizontal, Qt::DisplayRole).toString(), QString("Heads\ncollapsed"));
    QVERIFY(model.headerData(collapsed, Qt::Horizontal, Qt::ToolTipRole).toString().contains("single item"));
    QCOMPARE(model.index(0, collapsed).data().toString(), QString("37.5 %"));
    QCOMPARE(model.index(0, collapsed).data(Qt::UserRole).toDouble(), 0.375);
    QCOMPARE(model.index(0, model.routingColumn(M::EffectiveItemsPerHead)).data().toString(), QString("2.50"));
    QCOMPARE(model.index(0, model.routingColumn(M::HeadRedundancy)).data().toString(), QString("0.25"));
    QCOMPARE(model.index(0, model.routingColumn(M::LReg)).data().toString(), QString("0.0891"));
    QVERIFY(!model.index(0, collapsed).data(Qt::FontRole).isValid());
    QCOMPARE(model.index(1, collapsed).data().toString(), QString());     // no routing: blank
    QCOMPARE(model.index(2, collapsed).data().toString(), QString("—"));  // not evaluated
    QCOMPARE(model.index(3, collapsed).data().toString(), QString("—"));  // not measured then
    QCOMPARE(model.index(3, model.routingColumn(M::LReg)).data().toString(), QString("0.0891"));
    QCOMPARE(model.index(4, model.routingColumn(M::LReg)).data().toString(), QString("0.220"));  // digits line up
    // The metric columns still rank only the metrics.
    QVERIFY(model.index(0, model.metricColumn("hr@20")).data(Qt::FontRole).value<QFont>().bold());
  }

  // One user's heads from planted routing: one head on a single item, one
  // spread evenly over the four items.
  void headRoutingModel() {
    views::HeadRoutingModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    analysis::Matrix a(4, 2);
    a << 0.95f, 0.25f, 0.05f, 0.25f, 0.f, 0.25f, 0.f, 0.25f;
    const auto stats = analysis::analyseUserRouting(a);
    model.setStats(stats, {"a", "b", "c", "d"}, {"a (0.95)", "a (0.25)"}, 0.9);
    QCOMPARE(model.rowCount(), 2);
    QCOMPARE(model.columnCount(), int(views::HeadRoutingModel::ColumnCount));
    using H = views::HeadRoutingModel;
    QCOMPARE(model.index(0, H::Head).data().toString(), QString("int. 1"));
    QCOMPARE(model.index(0, H::Peak).data().toString(), QString("0.95"));
    QCOMPARE(model.index(0, H::PeakItem).data().toString(), QString("a"));
    QCOMPARE(model.index(0, H::Collapsed).data().toString(), QString("yes"));
    QCOMPARE(model.index(0, H::Collapsed).data(Qt::UserRole).toBool(), true);
    QVERIFY(model.index(0, H::Collapsed).data(Qt::ForegroundRole).isValid());
    QCOMPARE(model.index(1, H::Collapsed).data().toString(), QString("no"));
    QCOMPARE(model.index(1, H::EffectiveItems).data().toString(), QString("4.0"));
    QCOMPARE(model.index(1, H::HistoryShare).data().toString(), QString("100 %"));
    QVERIFY(model.index(1, H::Peak).data(Qt::ToolTipRole).toString().contains("a (0.25)"));
    QVERIFY(model.headerData(H::Collapsed, Qt::Horizontal, Qt::ToolTipRole).toString().contains("single item"));
    model.clear();
    QCOMPARE(model.rowCount(), 0);
  }

  // Collapse figures in a session: a round trip; a record written before
  // the routing-collapse figures reads them as NaN (not "0 % collapsed")
  // and its spectral figure under the new name.
  void collapseJsonRoundTrip() {
    views::EpochCollapse c;
    c.itemEffectiveRank = 20.5;
    c.dimensions = 32;
    c.interests = 4;
    c.collapsedHeadShare = 0.25;
    c.effectiveItemsPerHead = 3.5;
    c.headRedundancy = 0.4;
    c.lReg = 0.08;
    c.distinctRoutingDirections = 3.1;
    const auto back = studio::collapseFromJson(studio::collapseToJson(c));
    QVERIFY(back.has_value());
    QCOMPARE(back->collapsedHeadShare, 0.25);
    QCOMPARE(back->effectiveItemsPerHead, 3.5);
    QCOMPARE(back->headRedundancy, 0.4);
    QCOMPARE(back->lReg, 0.08);
    QCOMPARE(back->interests, 4);
    const auto old = studio::collapseFromJson(
        {{"item_effective_rank", 20.0}, {"dimensions", 32}, {"interests", 4}, {"effective_interests", 3.2}});
    QVERIFY(old.has_value());
    QVERIFY(std::isnan(old->collapsedHeadShare));
    QVERIFY(std::isnan(old->headRedundancy));
    QCOMPARE(old->distinctRoutingDirections, 3.2);
    // NaN is not JSON: left out, and read back as NaN.
    const nlohmann::json written = studio::collapseToJson(*old);
    QVERIFY(!written.contains("collapsed_head_share"));
    QVERIFY(std::isnan(studio::collapseFromJson(written)->collapsedHeadShare));
    // Hostile input: wrong types are ignored, not thrown.
    QVERIFY(studio::collapseFromJson({{"collapsed_head_share", "lots"}}).has_value());
    QVERIFY(!studio::collapseFromJson(nlohmann::json::array()).has_value());
  }

  // A session's history: epochs in the checkpoint's form (what sessions
  // write now, and what a loaded checkpoint brings) and in the form sessions
  // wrote before; both give the charts their collapse figures (issue 43).
  void epochHistoriesOfBothForms() {
    const nlohmann::json checkpointEpoch = {
        {"stage", "main"},
        {"epoch", 1},
        {"losses", {{"total", 1.5}}},
        {"train_seconds", 2.0},
        {"validation_seconds", 0.5},
        {"improved", true},
        {"lr", 0.001},
        {"validation", {{"hr@20", 0.3}, {"ndcg@20", 0.12}, {"mrr", 0.1}, {"count", 100}}},
        {"diagnostics",
         {{"embedding",
           {{"singular_value_entropy", 3.0},
            {"effective_rank", 21.5},
            {"isotropy", 0.4},
            {"collapsed", false},
            {"dimensions", 32}}},
          {"interests",
           {{"users", 100},
            {"k", 4},
            {"distinct_routing_directions", 3.0},
            {"mean_offdiag_abs_covariance", 0.01},
            {"l_reg", 0.09},
            {"l_reg_concentration", 0.08},
            {"l_reg_redundancy", 0.01},
            {"collapse_threshold", 0.9},
            {"collapsed_head_share", 0.25},
            {"mean_head_peak", 0.7},
            {"mean_effective_items", 3.5},
            {"mean_effective_item_share", 0.2},
            {"head_redundancy", 0.12},
            {"users_with_one_position", 0},
            {"head_win_share", {0.4, 0.3, 0.2, 0.1}}}}}}};
    const nlohmann::json sessionEpoch = {
        {"stage", "main"},
        {"epoch", 2},
        {"losses", {{"total", 1.2}}},
        {"improved", false},
        {"train_seconds", 2.5},
        {"validation", {{"hr@20", 0.31}, {"ndcg@20", 0.13}, {"mrr", 0.1}, {"count", 100}}},
        {"collapse", {{"item_effective_rank", 22.0}, {"interests", 4}, {"collapsed_head_share", 0.5}}}};
    const auto points = studio::core::epochPoints(nlohmann::json::array({checkpointEpoch, sessionEpoch, "garbage"}));
    QCOMPARE(points.size(), std::size_t{3});
    QCOMPARE(points[0].globalEpoch, std::int64_t{1});
    QVERIFY(points[0].collapse.has_value());
    QCOMPARE(points[0].collapse->collapsedHeadShare, 0.25);
    QCOMPARE(points[0].collapse->itemEffectiveRank, 21.5);
    QCOMPARE(points[0].collapse->largestHeadShare, 0.4);
    QCOMPARE(points[0].seconds, 2.5);  // training and validation
    QVERIFY(points[0].validation.has_value());
    QCOMPARE(points[0].validation->ndcg.at(20), 0.12);
    QCOMPARE(points[1].globalEpoch, std::int64_t{2});
    QVERIFY(points[1].collapse.has_value());
    QCOMPARE(points[1].collapse->collapsedHeadShare, 0.5);
    QCOMPARE(points[1].meanLosses.at("total"), 1.2);
    QVERIFY(!points[2].validation.has_value());  // hostile entry: an empty point, no exception
    QVERIFY(studio::core::epochPoints(nlohmann::json("not a list")).empty());
  }

  void metricsJsonRoundTrip() {
    const eval::RankingMetrics m = metrics(0.7);
    const auto back = studio::metricsFromJson(studio::core::metricsToJson(m));
    QVERIFY(back.has_value());
    QCOMPARE(back->hitRate.at(20), m.hitRate.at(20));
    QCOMPARE(back->ndcg.at(50), m.ndcg.at(50));
    QCOMPARE(back->mrr, m.mrr);
    QVERIFY(!studio::metricsFromJson(nlohmann::json::array()).has_value());
  }

  void unitIntervalBinsOfHeadPeaks() {
    const views::Bins bins = views::unitIntervalBins({0, 1, 2, 3, 4, 5, 6, 7, 8, 9});
    QCOMPARE(bins.labels.size(), 10);
    QCOMPARE(bins.labels.first(), QString("0"));
    QCOMPARE(bins.labels[9], QString("0.9"));
    QCOMPARE(bins.ranges[9], QString("0.9–1"));
    QCOMPARE(bins.counts[9], 9.0);
  }

  void histogramBins() {
    const auto s = stats();
    const views::Bins lengths = views::lengthBins(s.lengthHistogram, 14);
    QVERIFY(lengths.labels.size() <= 14);
    QCOMPARE(lengths.labels.size(), lengths.counts.size());
    QCOMPARE(lengths.ranges.size(), lengths.counts.size());
    // An axis label is where its bar starts; the range it covers is in its tooltip.
    for (int i = 0; i < lengths.labels.size(); ++i) QVERIFY(lengths.ranges[i].startsWith(lengths.labels[i]));
    double total = 0;
    for (double c : lengths.counts) total += c;
    QCOMPARE(total, 198.0 * 5);
    const views::Bins popularity = views::popularityBins(s.popularityHistogram);
    QCOMPARE(popularity.labels.first(), QString("1"));
    QCOMPARE(popularity.labels.at(2), QString("4"));
    QCOMPARE(popularity.ranges.first(), QString("1"));
    QCOMPARE(popularity.ranges.at(2), QString("4–7"));
  }

  void histogramLabelsStayReadable() {
    views::HistogramChart chart("popularity", "interactions per item", "items");
    auto angle = [&chart] {
      return qobject_cast<QBarCategoryAxis*>(chart.chart()->axes(Qt::Horizontal).first())->labelsAngle();
    };
    chart.setBins({{"1", "256"}, {"1", "256–511"}, {5, 2}});
    QCOMPARE(angle(), 0);  // up to three characters stand upright
    chart.setBins({{"1", "1024"}, {"1", "1024–2047"}, {5, 2}});
    QCOMPARE(angle(), -45);  // longer ones are turned so that neighbours do not overlap
    QCOMPARE(chart.barToolTip(1), QString("1024–2047 interactions per item: 2 items"));
    QCOMPARE(chart.barToolTip(2), QString());
  }

  void paramFormFromRegistry() {
    // The form is generated from every registered model's declaration.
    for (const models::ModelInfo& info : studio::core::availableModels()) {
      views::ParamForm form;
      form.setModel(info, info.defaults());
      QCOMPARE(form.keys().size(), static_cast<int>(info.params.size()));
      QVERIFY(form.config() == info.defaults());
      for (const models::ParamSpec& p : info.params) {
        QWidget* editor = form.editor(QString::fromStdString(p.key));
        QVERIFY2(editor, p.key.c_str());
        if (p.defaultValue.is_boolean())
          QVERIFY(qobject_cast<QCheckBox*>(editor));
        else if (p.defaultValue.is_number_integer())
          QVERIFY(qobject_cast<QSpinBox*>(editor));
        else if (p.defaultValue.is_number())
          QVERIFY(qobject_cast<QDoubleSpinBox*>(editor));
        else if (!p.choices.empty())
          QVERIFY(qobject_cast<QComboBox*>(editor));
        auto* paper = form.findChild<QLabel*>(QString::fromStdString("paper_" + p.key));
        QVERIFY(paper);
        QCOMPARE(paper->text(), QString::fromStdString(p.paperValue));
      }
      // Editing emits configChanged and shows in config(); reset restores.
      QSignalSpy changed(&form, &views::ParamForm::configChanged);
      const models::ParamSpec* numeric = nullptr;
      for (const auto& p : info.params) {
        if (p.defaultValue.is_number_integer()) {
          numeric = &p;
          break;
        }
      }
      QVERIFY(numeric);
      auto* spin = qobject_cast<QSpinBox*>(form.editor(QString::fromStdString(numeric->key)));
      spin->setValue(spin->value() + 3);
      QCOMPARE(changed.count(), 1);
      QCOMPARE(form.config()[numeric->key].get<long long>(), numeric->defaultValue.get<long long>() + 3);
      QCOMPARE(form.changedFromDefaults().size(), std::size_t{1});
      form.resetToDefaults();
      QVERIFY(form.config() == info.defaults());
      const models::Config unknown = {{"no_such_key", 1}};
      QVERIFY_EXCEPTION_THROWN(studio::core::validate(info.name, unknown), std::exception);
      studio::core::validate(info.name, form.config());
    }
  }

  void realSpinBoxShowsSmallValues() {
    const models::ModelInfo* info = nullptr;
    for (const auto& m : studio::core::availableModels()) {
      if (m.find("lr")) info = &m;
    }
    QVERIFY(info);
    views::ParamForm form;
    models::Config c = info->defaults();
    c["lr"] = 0.0005;
    form.setModel(*info, c);
    auto* lr = qobject_cast<QDoubleSpinBox*>(form.editor("lr"));
    QVERIFY(lr);
    QCOMPARE(lr->text(), QString("0.0005"));
    QCOMPARE(form.config()["lr"].get<double>(), 0.0005);
  }
};

QTEST_MAIN(ItemModelsTest)
#include "tst_item_models.moc"
