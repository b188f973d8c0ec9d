// A line chart of named series that grow while a job runs: the training
// losses (per batch, exponentially smoothed) and the validation metrics (per
// epoch). Points are buffered and drawn at most a few times a second, long
// series are thinned, and the axes follow the data.
#pragma once

#include <QChartView>
#include <QHash>
#include <QPointF>
#include <QString>
#include <QStringList>
#include <QVector>

class QLineSeries;
class QValueAxis;
class QLogValueAxis;
class QTimer;

namespace recdiff::views {

class SeriesChart : public QChartView {
  Q_OBJECT

 public:
  explicit SeriesChart(const QString& title, const QString& xTitle, const QString& yTitle, QWidget* parent = nullptr);

  // Adds a point; the series is created on first use. With smoothing > 0
  // the drawn value is an exponential moving average (weight of the past).
  void addPoint(const QString& series, double x, double y);
  void clear();
  // The chart's title and the x axis's, e.g. when a chart of batches shows epochs.
  void setTitles(const QString& title, const QString& xTitle);
  QString xTitle() const;
  // 0 = raw values; 0.9 = heavy smoothing. Re-applied to what is drawn.
  void setSmoothing(double smoothing);
  double smoothing() const { return smoothing_; }
  void setLogScale(bool on);
  bool logScale() const { return logScale_; }
  void setPointsVisible(bool on) { pointsVisible_ = on; }
  // Values multiplied by `factor` when drawn (100 for metrics in %).
  void setDisplayFactor(double factor) { factor_ = factor; }

  QStringList seriesNames() const { return order_; }
  int pointCount(const QString& series) const;  // raw points received
  // Draws what is pending now (tests and screenshots call it).
  void flush();

 private:
  struct Track {
    QVector<QPointF> raw;  // every received point (x, y)
    QLineSeries* series = nullptr;
    int drawn = 0;  // raw points already on the series
    double ema = 0.0;
    bool hasEma = false;
  };
  Track& track(const QString& name);
  void rebuild();
  void updateAxes();
  QPointF shown(Track& t, const QPointF& raw);

  QString yTitle_;
  QHash<QString, Track> tracks_;
  QStringList order_;
  QValueAxis* xAxis_ = nullptr;
  QValueAxis* yAxis_ = nullptr;
  QLogValueAxis* logAxis_ = nullptr;
  QTimer* timer_ = nullptr;
  double smoothing_ = 0.0;
  double factor_ = 1.0;
  bool logScale_ = false;
  bool pointsVisible_ = false;
};

}  // namespace recdiff::views
