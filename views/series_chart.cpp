#include "views/series_chart.h"

#include <QChart>
#include <QLegend>
#include <QLegendMarker>
#include <QLineSeries>
#include <QLogValueAxis>
#include <QTimer>
#include <QValueAxis>

#include <algorithm>
#include <cmath>
#include <limits>

#include "views/chart_style.h"

namespace recdiff::views {

namespace {

constexpr int kMaxDrawnPoints = 2000;

}  // namespace

SeriesChart::SeriesChart(const QString& title, const QString& xTitle, const QString& yTitle, QWidget* parent)
    : QChartView(parent), yTitle_(yTitle) {
  auto* c = new QChart;
  c->setTitle(title);
  styleChart(c);
  setChart(c);
  setRenderHint(QPainter::Antialiasing);
  setMinimumHeight(180);
  xAxis_ = new QValueAxis;
  xAxis_->setTitleText(xTitle);
  setWholeNumberRange(xAxis_, 0, 1);  // batches or epochs
  yAxis_ = new QValueAxis;
  yAxis_->setTitleText(yTitle);
  yAxis_->setRange(0, 1);
  styleAxis(xAxis_);
  styleAxis(yAxis_);
  c->addAxis(xAxis_, Qt::AlignBottom);
  c->addAxis(yAxis_, Qt::AlignLeft);
  timer_ = new QTimer(this);
  timer_->setInterval(200);
  timer_->setSingleShot(true);
  connect(timer_, &QTimer::timeout, this, &SeriesChart::flush);
}

SeriesChart::Track& SeriesChart::track(const QString& name) {
  auto it = tracks_.find(name);
  if (it != tracks_.end()) return *it;
  Track t;
  t.series = new QLineSeries;
  t.series->setName(name);
  t.series->setPointsVisible(pointsVisible_);
  QPen pen(seriesColor(order_.size()));
  pen.setWidthF(2.0);
  t.series->setPen(pen);
  chart()->addSeries(t.series);
  t.series->attachAxis(xAxis_);
  t.series->attachAxis(logScale_ && logAxis_ ? static_cast<QAbstractAxis*>(logAxis_) : yAxis_);
  order_.push_back(name);
  return *tracks_.insert(name, t);
}

void SeriesChart::addPoint(const QString& series, double x, double y) {
  if (!std::isfinite(y)) return;
  Track& t = track(series);
  t.raw.push_back(QPointF(x, y));
  if (!timer_->isActive()) timer_->start();
}

QPointF SeriesChart::shown(Track& t, const QPointF& raw) {
  double y = raw.y();
  if (smoothing_ > 0.0) {
    t.ema = t.hasEma ? smoothing_ * t.ema + (1.0 - smoothing_) * y : y;
    t.hasEma = true;
    y = t.ema;
  }
  y *= factor_;
  if (logScale_) y = std::max(y, 1e-6);
  return QPointF(raw.x(), y);
}

void SeriesChart::flush() {
  timer_->stop();
  bool rebuildAll = false;
  for (Track& t : tracks_) {
    if (t.raw.size() - t.drawn + t.series->count() > kMaxDrawnPoints) rebuildAll = true;
  }
  if (rebuildAll) {
    rebuild();
    return;
  }
  for (Track& t : tracks_) {
    if (t.drawn == t.raw.size()) continue;
    QList<QPointF> add;
    add.reserve(t.raw.size() - t.drawn);
    for (int i = t.drawn; i < t.raw.size(); ++i) add.push_back(shown(t, t.raw[i]));
    t.drawn = t.raw.size();
    t.series->append(add);
  }
  updateAxes();
}

void SeriesChart::rebuild() {
  for (Track& t : tracks_) {
    t.hasEma = false;
    // Every raw point enters the moving average; only every `stride`-th is drawn.
    const int stride = std::max<int>(1, (t.raw.size() + kMaxDrawnPoints - 1) / kMaxDrawnPoints);
    QList<QPointF> points;
    points.reserve(t.raw.size() / stride + 1);
    for (int i = 0; i < t.raw.size(); ++i) {
      const QPointF p = shown(t, t.raw[i]);
      if (i % stride == 0 || i + 1 == t.raw.size()) points.push_back(p);
    }
    t.series->replace(points);
    t.drawn = t.raw.size();
  }
  updateAxes();
}

void SeriesChart::updateAxes() {
  double minX = std::numeric_limits<double>::max(), maxX = std::numeric_limits<double>::lowest();
  double minY = minX, maxY = maxX;
  for (const Track& t : tracks_) {
    for (const QPointF& p : t.series->points()) {
      minX = std::min(minX, p.x());
      maxX = std::max(maxX, p.x());
      minY = std::min(minY, p.y());
      maxY = std::max(maxY, p.y());
    }
  }
  if (minX > maxX) return;
  setWholeNumberRange(xAxis_, minX, maxX);
  if (logScale_ && logAxis_) {
    logAxis_->setRange(std::pow(10.0, std::floor(std::log10(std::max(minY, 1e-6)))),
                       std::pow(10.0, std::ceil(std::log10(std::max(maxY, 1e-6)))));
    return;
  }
  const double span = maxY - minY;
  const double pad = span > 0 ? span * 0.08 : std::max(std::abs(maxY) * 0.1, 0.05);
  double low = minY - pad;
  if (minY >= 0 && low < 0) low = 0;
  yAxis_->setRange(low, maxY + pad);
  yAxis_->applyNiceNumbers();
}

void SeriesChart::clear() {
  for (Track& t : tracks_) {
    chart()->removeSeries(t.series);
    delete t.series;
  }
  tracks_.clear();
  order_.clear();
  setWholeNumberRange(xAxis_, 0, 1);
  yAxis_->setRange(0, 1);
}

void SeriesChart::setTitles(const QString& title, const QString& xTitle) {
  chart()->setTitle(title);
  xAxis_->setTitleText(xTitle);
}

QString SeriesChart::xTitle() const { return xAxis_->titleText(); }

void SeriesChart::setSmoothing(double smoothing) {
  smoothing_ = std::clamp(smoothing, 0.0, 0.99);
  rebuild();
}

void SeriesChart::setLogScale(bool on) {
  if (on == logScale_) return;
  logScale_ = on;
  if (on) {
    logAxis_ = new QLogValueAxis;
    logAxis_->setTitleText(yTitle_ + tr(" (log)"));
    logAxis_->setLabelFormat("%g");
    logAxis_->setBase(10.0);
    styleAxis(logAxis_);
    chart()->addAxis(logAxis_, Qt::AlignLeft);
    yAxis_->hide();
  }
  for (Track& t : tracks_) {
    if (on) {
      t.series->detachAxis(yAxis_);
    } else if (logAxis_) {
      t.series->detachAxis(logAxis_);
    }
  }
  rebuild();  // values are clamped differently on a log axis
  for (Track& t : tracks_) t.series->attachAxis(on ? static_cast<QAbstractAxis*>(logAxis_) : yAxis_);
  if (!on && logAxis_) {
    chart()->removeAxis(logAxis_);
    delete logAxis_;
    logAxis_ = nullptr;
    yAxis_->show();
  }
  updateAxes();
}

int SeriesChart::pointCount(const QString& series) const {
  const auto it = tracks_.find(series);
  return it == tracks_.end() ? 0 : static_cast<int>(it->raw.size());
}

}  // namespace recdiff::views
