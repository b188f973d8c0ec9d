// The 2-D map of the catalogue: every item a dot coloured by category or
// popularity, density contours of the catalogue and of the generated
// embeddings (the ADIGRec paper's Figures 4 and 5), the generated points
// overlaid, and the scrubbed run's path through the reverse steps with its
// current step marked. Wheel zooms, drag pans, Shift+drag selects a
// rectangle, double-click resets the view; hovering names the nearest item.
// Painted directly (no scene graph): tens of thousands of points redraw in
// a few milliseconds.
#pragma once

#include <QColor>
#include <QPointF>
#include <QRectF>
#include <QStringList>
#include <QVector>
#include <QWidget>

namespace recdiff::views {

class ProjectionMap : public QWidget {
  Q_OBJECT

 public:
  struct Contour {
    QVector<QLineF> segments;  // in map coordinates
    QColor color;
  };

  explicit ProjectionMap(QWidget* parent = nullptr);

  // Positions, one colour index per item (-1 = uncategorised) and a label
  // per item (tooltips); `colors` maps a colour index to a colour.
  void setCatalog(const QVector<QPointF>& positions, const QVector<int>& colorIndex, const QStringList& labels,
                  const QVector<QColor>& colors);
  void clearAll(const QString& message);
  void setGenerated(const QVector<QPointF>& points);
  void setTrajectory(const QVector<QPointF>& path, int current);
  void setContours(const QVector<Contour>& contours);

  int itemCount() const { return positions_.size(); }
  int nearestItem(const QPointF& widgetPosition, double maxPixels = 12.0) const;  // -1 if none
  QVector<int> selection() const { return selection_; }
  void selectRect(const QRectF& mapRect);
  QPointF toWidget(const QPointF& map) const;
  QPointF toMap(const QPointF& widget) const;
  void resetView();
  double zoom() const { return zoom_; }

  QSize sizeHint() const override { return {600, 500}; }

 Q_SIGNALS:
  void selectionChanged(const QVector<int>& items);
  void hovered(int item);  // -1 when none

 protected:
  void paintEvent(QPaintEvent* event) override;
  void wheelEvent(QWheelEvent* event) override;
  void mousePressEvent(QMouseEvent* event) override;
  void mouseMoveEvent(QMouseEvent* event) override;
  void mouseReleaseEvent(QMouseEvent* event) override;
  void mouseDoubleClickEvent(QMouseEvent* event) override;
  bool event(QEvent* event) override;

 private:
  void fitBounds();

  QVector<QPointF> positions_;
  QVector<int> colorIndex_;
  QStringList labels_;
  QVector<QColor> colors_;
  QVector<QPointF> generated_;
  QVector<QPointF> path_;
  int current_ = -1;
  QVector<Contour> contours_;
  QVector<int> selection_;
  QString message_;
  QRectF bounds_{0, 0, 1, 1};  // map rectangle shown at zoom 1
  QPointF centre_{0.5, 0.5};
  double zoom_ = 1.0;
  QPoint pressAt_;
  QPointF pressCentre_;
  bool selecting_ = false, panning_ = false;
  QRect rubberBand_;
};

}  // namespace recdiff::views
