// A bar chart of a distribution (sequence lengths, item popularity), with
// the helpers that turn the core's histograms into a readable number of bars.
#pragma once

#include <QChartView>
#include <QStringList>
#include <QVector>

#include <cstddef>
#include <vector>

class QBarSeries;
class QBarSet;
class QBarCategoryAxis;
class QValueAxis;

namespace recdiff::views {

// A bar's axis label is only where it starts ("8", "≥81"): a 30-pixel
// category has no room for "8–13", and Qt elides such labels to "…". The
// whole range is in the bar's tooltip.
struct Bins {
  QStringList labels;  // where each bar starts
  QStringList ranges;  // what each bar covers: "8–13", "1", "≥81"
  QVector<double> counts;
};

// lengthHistogram[L] = sequences of length L -> at most `maxBars` bars of
// equal width; the last collects the long tail past the 99th percentile.
Bins lengthBins(const std::vector<std::size_t>& lengthHistogram, int maxBars = 14);
// popularityHistogram[b] = items with 2^b <= count < 2^(b+1) -> bars from 1, 2, 4, ...
Bins popularityBins(const std::vector<std::size_t>& popularityHistogram);

// histogram[b] = values in [b/n, (b+1)/n) of [0, 1] (the last bar closed),
// e.g. the interest heads' peak routing weights -> bars "0", "0.1", ...
Bins unitIntervalBins(const std::vector<long>& histogram);

class HistogramChart : public QChartView {
  Q_OBJECT

 public:
  HistogramChart(const QString& title, const QString& xTitle, const QString& yTitle, QWidget* parent = nullptr);

  void setBins(const Bins& bins);
  void clear();
  int barCount() const;
  double total() const;
  // The tooltip text of bar `index` ("8–13 items per sequence: 214 sequences").
  QString barToolTip(int index) const;

 private:
  QBarSeries* series_ = nullptr;
  QBarSet* set_ = nullptr;
  QBarCategoryAxis* xAxis_ = nullptr;
  QValueAxis* yAxis_ = nullptr;
  QString xTitle_, yTitle_;
  QStringList ranges_;
};

}  // namespace recdiff::views
