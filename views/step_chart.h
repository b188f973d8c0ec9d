// A chart of per-step quantities of recorded reverse runs (the target's
// rank, cosines, ‖x_t‖) against the timestep, read right to left as the
// reverse process runs (T on the left, 0 on the right), with a vertical
// cursor at the scrubbed step. Series are set whole (a run is recorded
// before it is shown). The chart is rendered once into a pixmap whenever
// its scene changes, and the cursor is drawn over that pixmap, so moving it
// costs a blit and a line however long the series are (T = 1000 and dashed
// lines took ~100 ms a move when Qt Charts stroked them again).
#pragma once

#include <QChartView>
#include <QPixmap>
#include <QPointF>
#include <QVector>

class QLineSeries;
class QValueAxis;
class QLogValueAxis;

namespace recdiff::views {

class StepChart : public QChartView {
  Q_OBJECT

 public:
  StepChart(const QString& title, const QString& yTitle, bool logScale, QWidget* parent = nullptr);

  // Replaces every series. Points are (t, value); non-finite values (and
  // values <= 0 on a log scale) are skipped. `dashed` draws a lighter line.
  void clear();
  void addSeries(const QString& name, const QVector<QPointF>& points, int colorIndex, bool dashed = false);
  void setCursor(double t);
  double cursor() const { return cursor_; }
  int seriesCount() const;
  void setTimeAxisTitleVisible(bool visible);
  // A linear y axis always spans at least [low, high] (e.g. 0..1 for a
  // ratio whose scale matters even when every value is 0).
  void setMinimumYRange(double low, double high);

 protected:
  void paintEvent(QPaintEvent* event) override;
  void resizeEvent(QResizeEvent* event) override;

 private:
  void fitAxes();

  QValueAxis* xAxis_ = nullptr;
  QValueAxis* yAxis_ = nullptr;
  QLogValueAxis* logAxis_ = nullptr;
  QLineSeries* anchor_ = nullptr;  // empty; maps (t, y) to the plot for the cursor
  QPixmap frame_;                  // the chart without the cursor
  bool frameDirty_ = true;
  double minY_ = 0.0, maxY_ = 1.0, maxT_ = 1.0;
  double floorLow_ = 0.0, floorHigh_ = 0.0;  // equal: no minimum range
  double cursor_ = 0.0;
  bool any_ = false;
};

}  // namespace recdiff::views
