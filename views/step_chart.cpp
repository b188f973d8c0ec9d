#include "views/step_chart.h"

#include <QChart>
#include <QGraphicsScene>
#include <QPainter>
#include <QResizeEvent>
#include <QLegend>
#include <QLegendMarker>
#include <QLineSeries>
#include <QLogValueAxis>
#include <QValueAxis>

#include <algorithm>
#include <cmath>

#include "views/chart_style.h"

namespace recdiff::views {

StepChart::StepChart(const QString& title, const QString& yTitle, bool logScale, QWidget* parent) : QChartView(parent) {
  auto* c = new QChart;
  c->setTitle(title);
  styleChart(c);
  setChart(c);
  setRenderHint(QPainter::Antialiasing);
  setMinimumSize(320, 140);  // three of them stack in the scrubber; it must fit a laptop screen
  xAxis_ = new QValueAxis;
  xAxis_->setTitleText(tr("timestep t (the reverse process runs left to right)"));
  xAxis_->setReverse(true);
  styleAxis(xAxis_);
  c->addAxis(xAxis_, Qt::AlignBottom);
  QAbstractAxis* y = nullptr;
  if (logScale) {
    logAxis_ = new QLogValueAxis;
    logAxis_->setBase(10);
    logAxis_->setLabelFormat("%g");
    y = logAxis_;
  } else {
    yAxis_ = new QValueAxis;
    y = yAxis_;
  }
  y->setTitleText(yTitle);
  styleAxis(y);
  c->addAxis(y, Qt::AlignLeft);
  anchor_ = new QLineSeries;
  c->addSeries(anchor_);
  anchor_->attachAxis(xAxis_);
  anchor_->attachAxis(y);
  for (auto* marker : c->legend()->markers(anchor_)) marker->setVisible(false);
  fitAxes();
  connect(scene(), &QGraphicsScene::changed, this, [this] {
    frameDirty_ = true;
    viewport()->update();
  });
}

void StepChart::clear() {
  for (QAbstractSeries* s : chart()->series()) {
    if (s == anchor_) continue;
    chart()->removeSeries(s);
    delete s;
  }
  any_ = false;
  minY_ = 0.0;
  maxY_ = 1.0;
  maxT_ = 1.0;
  fitAxes();
}

int StepChart::seriesCount() const { return chart()->series().size() - 1; }

void StepChart::setTimeAxisTitleVisible(bool visible) { xAxis_->setTitleVisible(visible); }

void StepChart::setMinimumYRange(double low, double high) {
  floorLow_ = low;
  floorHigh_ = high;
  fitAxes();
}

void StepChart::addSeries(const QString& name, const QVector<QPointF>& points, int colorIndex, bool dashed) {
  auto* series = new QLineSeries;
  series->setName(name);
  QVector<QPointF> kept;
  kept.reserve(points.size());
  for (const QPointF& p : points) {
    if (!std::isfinite(p.y()) || (logAxis_ && p.y() <= 0.0)) continue;
    kept.push_back(p);
    if (!any_) {
      minY_ = maxY_ = p.y();
      any_ = true;
    }
    minY_ = std::min(minY_, p.y());
    maxY_ = std::max(maxY_, p.y());
    maxT_ = std::max(maxT_, p.x());
  }
  series->replace(kept);
  QPen pen(seriesColor(colorIndex));
  pen.setWidthF(dashed ? 1.2 : 2.0);
  if (dashed) pen.setStyle(Qt::DashDotLine);
  series->setPen(pen);
  chart()->addSeries(series);
  // A dashed companion shares its solid series' colour and legend entry.
  if (dashed) {
    for (auto* marker : chart()->legend()->markers(series)) marker->setVisible(false);
  }
  series->attachAxis(xAxis_);
  series->attachAxis(logAxis_ ? static_cast<QAbstractAxis*>(logAxis_) : yAxis_);
  fitAxes();
}

void StepChart::paintEvent(QPaintEvent*) {
  const qreal ratio = devicePixelRatioF();
  const QSize size = viewport()->size();
  if (frameDirty_ || frame_.size() != size * ratio) {
    frame_ = QPixmap(size * ratio);
    frame_.setDevicePixelRatio(ratio);
    frame_.fill(Qt::white);
    QPainter painter(&frame_);
    painter.setRenderHints(renderHints());
    render(&painter, QRectF(QPointF(0, 0), size), viewport()->rect());
    frameDirty_ = false;
  }
  QPainter painter(viewport());
  painter.drawPixmap(0, 0, frame_);
  if (!any_) return;
  const QRectF plot = chart()->plotArea();
  const double x = chart()->mapToPosition(QPointF(cursor_, 1.0), anchor_).x();
  if (x < plot.left() - 0.5 || x > plot.right() + 0.5) return;
  QPen pen(QColor(0x33, 0x33, 0x33));
  pen.setWidthF(1.2);
  pen.setStyle(Qt::DashLine);
  painter.setPen(pen);
  const QPointF top = mapFromScene(chart()->mapToScene(QPointF(x, plot.top())));
  const QPointF bottom = mapFromScene(chart()->mapToScene(QPointF(x, plot.bottom())));
  painter.drawLine(top, bottom);
}

void StepChart::resizeEvent(QResizeEvent* event) {
  frameDirty_ = true;
  QChartView::resizeEvent(event);
}

void StepChart::fitAxes() {
  setWholeNumberRange(xAxis_, 0, maxT_);  // timesteps
  double lo = minY_, hi = maxY_;
  if (logAxis_) {
    lo = std::max(lo, 1.0);
    hi = std::max(hi * 1.5, lo * 10);
    logAxis_->setRange(lo, hi);
  } else {
    // A flat series (‖x_t‖ on the sphere) gets a readable range, not one
    // that magnifies float round-off.
    const double pad = std::max({1e-3, 0.05 * (hi - lo), 0.02 * std::max(std::abs(lo), std::abs(hi))});
    lo -= pad;
    hi += pad;
    if (floorLow_ < floorHigh_) {
      lo = std::min(lo, floorLow_);
      hi = std::max(hi, floorHigh_);
    }
    yAxis_->setRange(lo, hi);
  }
}

void StepChart::setCursor(double t) {
  cursor_ = t;
  viewport()->update();
}

}  // namespace recdiff::views
