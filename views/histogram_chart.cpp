#include "views/histogram_chart.h"

#include <QBarCategoryAxis>
#include <QBarSeries>
#include <QBarSet>
#include <QChart>
#include <QCursor>
#include <QLegend>
#include <QToolTip>
#include <QValueAxis>

#include <algorithm>
#include <cmath>

#include "views/chart_style.h"

namespace recdiff::views {

Bins lengthBins(const std::vector<std::size_t>& hist, int maxBars) {
  Bins bins;
  std::size_t first = 0, total = 0;
  while (first < hist.size() && hist[first] == 0) ++first;
  for (std::size_t n : hist) total += n;
  if (total == 0) return bins;
  // The 99th percentile bounds the regular bars; longer sequences share the last.
  std::size_t seen = 0, p99 = first;
  for (std::size_t l = first; l < hist.size(); ++l) {
    seen += hist[l];
    if (seen * 100 >= total * 99) {
      p99 = l;
      break;
    }
  }
  const std::size_t last = hist.size() - 1;
  const bool tail = last > p99;
  const std::size_t span = p99 - first + 1;
  const int bars = std::max(1, std::min<int>(maxBars - (tail ? 1 : 0), static_cast<int>(span)));
  const std::size_t width = (span + bars - 1) / bars;
  for (std::size_t lo = first; lo <= p99; lo += width) {
    const std::size_t hi = std::min(p99, lo + width - 1);
    double n = 0;
    for (std::size_t l = lo; l <= hi; ++l) n += static_cast<double>(hist[l]);
    bins.labels << QString::number(lo);
    bins.ranges << (lo == hi ? QString::number(lo) : QString("%1–%2").arg(lo).arg(hi));
    bins.counts << n;
  }
  if (tail) {
    double n = 0;
    for (std::size_t l = p99 + 1; l < hist.size(); ++l) n += static_cast<double>(hist[l]);
    bins.labels << QString("≥%1").arg(p99 + 1);
    bins.ranges << bins.labels.back();
    bins.counts << n;
  }
  return bins;
}

Bins popularityBins(const std::vector<std::size_t>& hist) {
  Bins bins;
  for (std::size_t b = 0; b < hist.size(); ++b) {
    const unsigned long long lo = 1ULL << b, hi = (1ULL << (b + 1)) - 1;
    bins.labels << QString::number(lo);
    bins.ranges << (lo == hi ? QString::number(lo) : QString("%1–%2").arg(lo).arg(hi));
    bins.counts << static_cast<double>(hist[b]);
  }
  return bins;
}

Bins unitIntervalBins(const std::vector<long>& hist) {
  Bins bins;
  const auto n = static_cast<double>(hist.size());
  for (std::size_t b = 0; b < hist.size(); ++b) {
    const QString lo = QString::number(static_cast<double>(b) / n, 'g', 2);
    bins.labels << lo;
    bins.ranges << QString("%1–%2").arg(lo, QString::number(static_cast<double>(b + 1) / n, 'g', 2));
    bins.counts << static_cast<double>(hist[b]);
  }
  return bins;
}

HistogramChart::HistogramChart(const QString& title, const QString& xTitle, const QString& yTitle, QWidget* parent)
    : QChartView(parent), xTitle_(xTitle), yTitle_(yTitle) {
  auto* c = new QChart;
  c->setTitle(title);
  styleChart(c);
  c->legend()->hide();
  setChart(c);
  setRenderHint(QPainter::Antialiasing);
  setMinimumHeight(200);
  series_ = new QBarSeries;
  series_->setBarWidth(0.85);
  set_ = new QBarSet(yTitle);
  set_->setColor(seriesColor(0));
  set_->setBorderColor(seriesColor(0).darker(120));
  series_->append(set_);
  c->addSeries(series_);
  xAxis_ = new QBarCategoryAxis;
  xAxis_->setTitleText(xTitle);
  xAxis_->setTruncateLabels(false);  // Qt would show "≥63" as "≥…" in a 30-pixel bar
  yAxis_ = new QValueAxis;
  yAxis_->setTitleText(yTitle);
  styleAxis(xAxis_);
  styleAxis(yAxis_);
  c->addAxis(xAxis_, Qt::AlignBottom);
  c->addAxis(yAxis_, Qt::AlignLeft);
  series_->attachAxis(xAxis_);
  series_->attachAxis(yAxis_);
  connect(set_, &QBarSet::hovered, this, [this](bool over, int index) {
    if (over)
      QToolTip::showText(QCursor::pos(), barToolTip(index), this);
    else
      QToolTip::hideText();
  });
}

void HistogramChart::setBins(const Bins& bins) {
  set_->remove(0, set_->count());
  xAxis_->clear();
  double top = 0;
  for (double v : bins.counts) top = std::max(top, v);
  QList<qreal> values(bins.counts.begin(), bins.counts.end());
  set_->append(values);
  xAxis_->append(bins.labels);
  // Short labels stand upright; four digits and more are turned so that
  // neighbours do not overlap (nothing is elided: truncation is off).
  qsizetype longest = 0;
  for (const QString& label : bins.labels) longest = std::max(longest, label.size());
  xAxis_->setLabelsAngle(longest > 3 ? -45 : 0);
  ranges_ = bins.ranges;
  setWholeNumberRange(yAxis_, 0, top * 1.05);  // counts
}

void HistogramChart::clear() { setBins({}); }

QString HistogramChart::barToolTip(int index) const {
  if (index < 0 || index >= set_->count() || index >= ranges_.size()) return {};
  return tr("%1 %2: %3 %4").arg(ranges_[index], xTitle_).arg(set_->at(index)).arg(yTitle_);
}

int HistogramChart::barCount() const { return set_->count(); }

double HistogramChart::total() const {
  double t = 0;
  for (int i = 0; i < set_->count(); ++i) t += set_->at(i);
  return t;
}

}  // namespace recdiff::views
