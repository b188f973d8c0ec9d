#include "views/evaluation_panel.h"

#include <QBarCategoryAxis>
#include <QBarSeries>
#include <QBarSet>
#include <QChart>
#include <QChartView>
#include <QCheckBox>
#include <QComboBox>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLegend>
#include <QProgressBar>
#include <QPushButton>
#include <QSplitter>
#include <QStyle>
#include <QTableView>
#include <QValueAxis>
#include <QVBoxLayout>

#include <algorithm>

#include "views/chart_style.h"
#include "views/error_banner.h"
#include "views/metrics_table_model.h"
#include "views/wrapped_label.h"

namespace recdiff::views {

namespace {

// As tall as its rows: two tables share the group, and one squeezed to a
// row and a half hides the models it compares.
QTableView* comparisonTable(ComparisonTableModel* model, const char* name, QWidget* parent) {
  auto* view = new QTableView(parent);
  view->setObjectName(name);
  view->setModel(model);
  view->setAlternatingRowColors(true);
  view->setSortingEnabled(false);
  view->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
  view->setSizeAdjustPolicy(QAbstractScrollArea::AdjustToContents);
  view->setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Fixed);
  view->setVerticalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
  return view;
}

}  // namespace

EvaluationPanel::EvaluationPanel(QWidget* parent) : QWidget(parent) {
  setObjectName("evaluationPanel");
  auto* layout = new QVBoxLayout(this);
  banner_ = new ErrorBanner(this);
  layout->addWidget(banner_);

  auto* row = new QHBoxLayout;
  model_ = new QLabel(tr("No trained model."), this);
  model_->setObjectName("evaluationModel");
  split_ = new QComboBox(this);
  split_->setObjectName("evaluationSplit");
  split_->addItem(tr("Test split"), "test");
  split_->addItem(tr("Validation split"), "validation");
  split_->setToolTip(tr("Which samples to rank; papers report the test split"));
  exclude_ = new QCheckBox(tr("Exclude history items"), this);
  exclude_->setToolTip(tr("Mask items already in a user's history before ranking (off in the papers)"));
  evaluate_ = new QPushButton(style()->standardIcon(QStyle::SP_MediaPlay), tr("Evaluate"), this);
  evaluate_->setObjectName("evaluate");
  cancel_ = new QPushButton(style()->standardIcon(QStyle::SP_MediaStop), tr("Cancel"), this);
  cancel_->setObjectName("cancelEvaluation");
  cancel_->setToolTip(tr("Stop the evaluation (Esc)"));
  row->addWidget(new QLabel(tr("Model:"), this));
  row->addWidget(model_, 1);
  row->addWidget(split_);
  row->addWidget(exclude_);
  row->addWidget(evaluate_);
  row->addWidget(cancel_);
  layout->addLayout(row);
  auto* progressRow = new QHBoxLayout;
  progress_ = new QProgressBar(this);
  progress_->setObjectName("evaluationProgress");
  progress_->setRange(0, 1);
  progress_->setValue(0);
  status_ = new QLabel(this);
  status_->setObjectName("evaluationStatus");
  status_->setWordWrap(true);
  progressRow->addWidget(progress_, 1);
  progressRow->addWidget(status_, 2);
  layout->addLayout(progressRow);
  connect(evaluate_, &QPushButton::clicked, this, &EvaluationPanel::evaluateRequested);
  connect(cancel_, &QPushButton::clicked, this, &EvaluationPanel::cancelRequested);

  auto* splitter = new QSplitter(Qt::Vertical, this);
  auto* current = new QGroupBox(tr("Current model (full ranking over all items)"), splitter);
  auto* currentLayout = new QHBoxLayout(current);
  auto* tableColumn = new QVBoxLayout;
  metrics_ = new MetricsTableModel(this);
  metricsView_ = new QTableView(current);
  metricsView_->setObjectName("metricsTable");
  metricsView_->setModel(metrics_);
  metricsView_->verticalHeader()->hide();
  metricsView_->horizontalHeader()->setSectionResizeMode(QHeaderView::Stretch);
  metricsView_->setAlternatingRowColors(true);
  metricsView_->setMinimumWidth(280);
  mrr_ = new QLabel(this);
  mrr_->setObjectName("mrrLabel");
  tableColumn->addWidget(metricsView_, 1);
  tableColumn->addWidget(mrr_);
  currentLayout->addLayout(tableColumn, 2);

  auto* chart = new QChart;
  chart->setTitle(tr("HR@K and NDCG@K (%)"));
  styleChart(chart);
  auto* series = new QBarSeries;
  hrSet_ = new QBarSet("HR@K");
  ndcgSet_ = new QBarSet("NDCG@K");
  hrSet_->setColor(seriesColor(0));
  ndcgSet_->setColor(seriesColor(1));
  series->append(hrSet_);
  series->append(ndcgSet_);
  series->setLabelsVisible(true);
  series->setLabelsPosition(QAbstractBarSeries::LabelsOutsideEnd);
  series->setLabelsFormat("@value");
  series->setLabelsPrecision(3);
  chart->addSeries(series);
  auto* x = new QBarCategoryAxis;
  for (int k : eval::defaultCutoffs()) x->append(QString("@%1").arg(k));
  chartY_ = new QValueAxis;
  chartY_->setRange(0, 1);
  chartY_->setLabelFormat("%.0f");
  styleAxis(x);
  styleAxis(chartY_);
  chart->addAxis(x, Qt::AlignBottom);
  chart->addAxis(chartY_, Qt::AlignLeft);
  series->attachAxis(x);
  series->attachAxis(chartY_);
  chart_ = new QChartView(chart, current);
  chart_->setObjectName("metricsChart");
  chart_->setRenderHint(QPainter::Antialiasing);
  chart_->setMinimumHeight(200);
  currentLayout->addWidget(chart_, 3);

  auto* compare = new QGroupBox(tr("All models of the session (%; best in bold)"), splitter);
  auto* compareLayout = new QVBoxLayout(compare);
  comparison_ = new ComparisonTableModel(this);
  // One model, two tables: the ranking metrics, and below them the routing
  // figures of the same models (one wide table would push those off the
  // side of the dock).
  comparisonView_ = comparisonTable(comparison_, "comparisonTable", compare);
  comparisonView_->horizontalHeader()->setStretchLastSection(true);
  routingView_ = comparisonTable(comparison_, "routingComparisonTable", compare);
  const int firstRouting = comparison_->routingColumn(ComparisonTableModel::CollapsedHeads);
  for (int c = firstRouting; c < comparison_->columnCount(); ++c) comparisonView_->setColumnHidden(c, true);
  for (int c = 1; c < firstRouting; ++c) routingView_->setColumnHidden(c, true);
  routingTitle_ = new WrappedLabel(tr("Routing collapse on the same split, for models with interest routing — paper "
                                      "000 §4.4.2: <i>“a single interest expressed by a single item”</i>"),
                                   compare);
  compareLayout->addWidget(comparisonView_);
  compareLayout->addWidget(routingTitle_);
  compareLayout->addWidget(routingView_);
  compareLayout->addStretch(1);
  routingTitle_->hide();  // until a model with routing is in the session
  routingView_->hide();
  splitter->addWidget(current);
  splitter->addWidget(compare);
  splitter->setStretchFactor(0, 3);
  splitter->setStretchFactor(1, 2);
  layout->addWidget(splitter, 1);
  showMetrics(QString(), QString(), std::nullopt);
  updateButtons();
}

QString EvaluationPanel::split() const { return split_->currentData().toString(); }

bool EvaluationPanel::excludeHistory() const { return exclude_->isChecked(); }

void EvaluationPanel::setReady(bool ready, const QString& modelLabel, const QString& why) {
  ready_ = ready;
  notReady_ = why;
  model_->setText(modelLabel.isEmpty() ? tr("No trained model.") : modelLabel);
  updateButtons();
}

void EvaluationPanel::updateButtons() {
  evaluate_->setEnabled(ready_ && !running_);
  evaluate_->setToolTip(!ready_ && !notReady_.isEmpty() ? notReady_ : tr("Rank the samples with this model (F7)"));
  cancel_->setEnabled(running_);
  split_->setEnabled(!running_);
  exclude_->setEnabled(!running_);
}

void EvaluationPanel::evaluationStarted(const QString& what) {
  banner_->clear();
  running_ = true;
  progress_->setRange(0, 0);
  status_->setText(what);
  updateButtons();
}

void EvaluationPanel::setProgress(qint64 done, qint64 total) {
  if (total <= 0) return;
  progress_->setRange(0, 1000);
  progress_->setValue(static_cast<int>(1000 * done / total));
  status_->setText(tr("%1 of %2 samples ranked").arg(done).arg(total));
}

void EvaluationPanel::evaluationFinished(bool ok, bool cancelled, const QString& message) {
  running_ = false;
  progress_->setRange(0, 1000);
  progress_->setValue(ok && !cancelled ? 1000 : 0);
  status_->setText(message);
  if (!ok && !cancelled) banner_->showError(tr("Evaluation failed"), message);
  updateButtons();
}

void EvaluationPanel::showMetrics(const QString& modelLabel, const QString& split,
                                  const std::optional<eval::RankingMetrics>& metrics) {
  hrSet_->remove(0, hrSet_->count());
  ndcgSet_->remove(0, ndcgSet_->count());
  if (!metrics) {
    metrics_->clear();
    mrr_->setText(tr("Not evaluated yet."));
    chart_->chart()->setTitle(tr("HR@K and NDCG@K (%)"));
    chartY_->setRange(0, 1);
    return;
  }
  metrics_->setMetrics(*metrics);
  double top = 0;
  for (int k : eval::defaultCutoffs()) {
    const double hr = metrics->hitRate.count(k) ? 100.0 * metrics->hitRate.at(k) : 0.0;
    const double nd = metrics->ndcg.count(k) ? 100.0 * metrics->ndcg.at(k) : 0.0;
    hrSet_->append(hr);
    ndcgSet_->append(nd);
    top = std::max({top, hr, nd});
  }
  chartY_->setRange(0, top > 0 ? top * 1.15 : 1);
  chartY_->applyNiceNumbers();
  chart_->chart()->setTitle(tr("%1 on the %2 split (%)").arg(modelLabel, split));
  mrr_->setText(tr("MRR %1 % over %2 samples").arg(formatPercent(metrics->mrr)).arg(metrics->count));
}

void EvaluationPanel::setComparison(const QVector<ComparisonRow>& rows) {
  comparison_->setRows(rows);
  comparisonView_->resizeColumnsToContents();
  routingView_->resizeColumnsToContents();
  const bool routing = std::any_of(rows.begin(), rows.end(),
                                   [](const ComparisonRow& r) { return r.collapse && r.collapse->interests > 0; });
  routingTitle_->setVisible(routing);
  routingView_->setVisible(routing);
}

}  // namespace recdiff::views
