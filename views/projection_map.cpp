#include "views/projection_map.h"

#include <QHelpEvent>
#include <QMouseEvent>
#include <QPainter>
#include <QPainterPath>
#include <QToolTip>
#include <QWheelEvent>

#include <algorithm>
#include <cmath>

namespace recdiff::views {

ProjectionMap::ProjectionMap(QWidget* parent) : QWidget(parent) {
  setMouseTracking(true);
  setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Expanding);
  setMinimumSize(240, 200);
  clearAll(tr("Compute a projection of the catalogue."));
}

void ProjectionMap::setCatalog(const QVector<QPointF>& positions, const QVector<int>& colorIndex,
                               const QStringList& labels, const QVector<QColor>& colors) {
  positions_ = positions;
  colorIndex_ = colorIndex;
  labels_ = labels;
  colors_ = colors;
  selection_.clear();
  message_.clear();
  fitBounds();
  update();
}

void ProjectionMap::clearAll(const QString& message) {
  positions_.clear();
  colorIndex_.clear();
  labels_.clear();
  generated_.clear();
  path_.clear();
  contours_.clear();
  selection_.clear();
  message_ = message;
  update();
}

void ProjectionMap::setGenerated(const QVector<QPointF>& points) {
  generated_ = points;
  update();
}

void ProjectionMap::setTrajectory(const QVector<QPointF>& path, int current) {
  path_ = path;
  current_ = current;
  update();
}

void ProjectionMap::setContours(const QVector<Contour>& contours) {
  contours_ = contours;
  update();
}

void ProjectionMap::fitBounds() {
  if (positions_.isEmpty()) return;
  double x0 = positions_[0].x(), x1 = x0, y0 = positions_[0].y(), y1 = y0;
  for (const QPointF& p : positions_) {
    x0 = std::min(x0, p.x());
    x1 = std::max(x1, p.x());
    y0 = std::min(y0, p.y());
    y1 = std::max(y1, p.y());
  }
  const double padX = std::max(1e-9, 0.04 * (x1 - x0)), padY = std::max(1e-9, 0.04 * (y1 - y0));
  bounds_ = QRectF(QPointF(x0 - padX, y0 - padY), QPointF(x1 + padX, y1 + padY));
  resetView();
}

void ProjectionMap::resetView() {
  centre_ = bounds_.center();
  zoom_ = 1.0;
  update();
}

// One scale for both axes, so distances on the map are not distorted.
QPointF ProjectionMap::toWidget(const QPointF& m) const {
  const double scale = zoom_ * std::min(width() / bounds_.width(), height() / bounds_.height());
  return {width() / 2.0 + (m.x() - centre_.x()) * scale, height() / 2.0 - (m.y() - centre_.y()) * scale};
}

QPointF ProjectionMap::toMap(const QPointF& w) const {
  const double scale = zoom_ * std::min(width() / bounds_.width(), height() / bounds_.height());
  return {centre_.x() + (w.x() - width() / 2.0) / scale, centre_.y() - (w.y() - height() / 2.0) / scale};
}

int ProjectionMap::nearestItem(const QPointF& at, double maxPixels) const {
  int best = -1;
  double bestDistance = maxPixels * maxPixels;
  for (int i = 0; i < positions_.size(); ++i) {
    const QPointF d = toWidget(positions_[i]) - at;
    const double d2 = d.x() * d.x() + d.y() * d.y();
    if (d2 <= bestDistance) {
      bestDistance = d2;
      best = i;
    }
  }
  return best;
}

void ProjectionMap::selectRect(const QRectF& mapRect) {
  selection_.clear();
  const QRectF r = mapRect.normalized();
  for (int i = 0; i < positions_.size(); ++i) {
    if (r.contains(positions_[i])) selection_.push_back(i);
  }
  update();
  Q_EMIT selectionChanged(selection_);
}

void ProjectionMap::paintEvent(QPaintEvent*) {
  QPainter p(this);
  p.fillRect(rect(), Qt::white);
  if (positions_.isEmpty()) {
    p.setPen(palette().placeholderText().color());
    p.drawText(rect().adjusted(10, 10, -10, -10), Qt::AlignCenter | Qt::TextWordWrap, message_);
    return;
  }
  p.setRenderHint(QPainter::Antialiasing, true);
  // Catalogue: small dots, uncategorised ones grey.
  const double radius = std::clamp(2.2 * std::sqrt(zoom_), 1.5, 6.0);
  p.setPen(Qt::NoPen);
  for (int i = 0; i < positions_.size(); ++i) {
    const int c = i < colorIndex_.size() ? colorIndex_[i] : -1;
    QColor color = c >= 0 && c < colors_.size() ? colors_[c] : QColor(0xb0, 0xb0, 0xb0);
    color.setAlphaF(0.75);
    p.setBrush(color);
    p.drawEllipse(toWidget(positions_[i]), radius, radius);
  }
  for (const Contour& contour : contours_) {
    QPen pen(contour.color);
    pen.setWidthF(1.6);
    p.setPen(pen);
    for (const QLineF& s : contour.segments) p.drawLine(toWidget(s.p1()), toWidget(s.p2()));
  }
  if (!selection_.isEmpty()) {
    p.setPen(QPen(Qt::black, 1.2));
    p.setBrush(Qt::NoBrush);
    for (int i : selection_) p.drawEllipse(toWidget(positions_[i]), radius + 2, radius + 2);
  }
  // Generated points: black-rimmed orange diamonds, above the catalogue.
  p.setPen(QPen(Qt::black, 0.8));
  p.setBrush(QColor(0xe6, 0x9f, 0x00));
  for (const QPointF& g : generated_) {
    const QPointF w = toWidget(g);
    const QPointF d[4] = {w + QPointF(0, -5), w + QPointF(5, 0), w + QPointF(0, 5), w + QPointF(-5, 0)};
    p.drawPolygon(d, 4);
  }
  if (path_.size() > 1) {
    QPainterPath line(toWidget(path_.front()));
    for (int i = 1; i < path_.size(); ++i) line.lineTo(toWidget(path_[i]));
    p.setPen(QPen(QColor(0x33, 0x33, 0x33, 140), 1.1));
    p.setBrush(Qt::NoBrush);
    p.drawPath(line);
  }
  if (current_ >= 0 && current_ < path_.size()) {
    p.setPen(QPen(Qt::black, 1.5));
    p.setBrush(QColor(0xd5, 0x5e, 0x00));
    p.drawEllipse(toWidget(path_[current_]), 7, 7);
  }
  if (selecting_) {
    p.setPen(QPen(QColor(0x00, 0x72, 0xb2), 1, Qt::DashLine));
    p.setBrush(QColor(0x00, 0x72, 0xb2, 30));
    p.drawRect(rubberBand_);
  }
}

void ProjectionMap::wheelEvent(QWheelEvent* event) {
  if (positions_.isEmpty()) return;
  const QPointF anchor = toMap(event->position());
  const double factor = std::pow(1.0015, event->angleDelta().y());
  zoom_ = std::clamp(zoom_ * factor, 0.2, 200.0);
  // Keep the point under the cursor where it is.
  const QPointF moved = toMap(event->position());
  centre_ += anchor - moved;
  update();
}

void ProjectionMap::mousePressEvent(QMouseEvent* event) {
  pressAt_ = event->pos();
  pressCentre_ = centre_;
  selecting_ = event->button() == Qt::LeftButton && (event->modifiers() & Qt::ShiftModifier);
  panning_ = event->button() == Qt::LeftButton && !selecting_;
  rubberBand_ = QRect(pressAt_, QSize());
}

void ProjectionMap::mouseMoveEvent(QMouseEvent* event) {
  if (selecting_) {
    rubberBand_ = QRect(pressAt_, event->pos()).normalized();
    update();
  } else if (panning_) {
    centre_ = pressCentre_ + (toMap(pressAt_) - toMap(event->pos()));
    update();
  } else {
    Q_EMIT hovered(nearestItem(event->position()));
  }
}

void ProjectionMap::mouseReleaseEvent(QMouseEvent* event) {
  if (selecting_) {
    selecting_ = false;
    selectRect(QRectF(toMap(rubberBand_.topLeft()), toMap(rubberBand_.bottomRight())));
  }
  panning_ = false;
  Q_UNUSED(event);
}

void ProjectionMap::mouseDoubleClickEvent(QMouseEvent*) { resetView(); }

bool ProjectionMap::event(QEvent* e) {
  if (e->type() == QEvent::ToolTip) {
    auto* help = static_cast<QHelpEvent*>(e);
    const int i = nearestItem(help->pos());
    if (i >= 0 && i < labels_.size()) {
      QToolTip::showText(help->globalPos(), labels_[i], this);
    } else {
      QToolTip::hideText();
    }
    return true;
  }
  return QWidget::event(e);
}

}  // namespace recdiff::views
