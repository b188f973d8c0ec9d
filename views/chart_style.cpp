#include "views/chart_style.h"

#include <QAbstractAxis>
#include <QChart>
#include <QFont>
#include <QLegend>
#include <QPen>
#include <QValueAxis>

#include <cmath>

namespace recdiff::views {

void styleChart(QChart* chart) {
  chart->setTheme(QChart::ChartThemeLight);
  chart->setBackgroundRoundness(0);
  chart->setMargins(QMargins(4, 4, 4, 4));
  QFont title = chart->titleFont();
  title.setPointSizeF(10.5);
  title.setBold(true);
  chart->setTitleFont(title);
  chart->legend()->setAlignment(Qt::AlignBottom);
  QFont legend = chart->legend()->font();
  legend.setPointSizeF(9);
  chart->legend()->setFont(legend);
  chart->setAnimationOptions(QChart::NoAnimation);
}

void styleAxis(QAbstractAxis* axis) {
  QFont labels = axis->labelsFont();
  labels.setPointSizeF(8.5);
  axis->setLabelsFont(labels);
  QFont title = axis->titleFont();
  title.setPointSizeF(9);
  title.setBold(false);
  axis->setTitleFont(title);
  QPen grid(QColor(0xe0, 0xe0, 0xe0));
  grid.setWidthF(1.0);
  axis->setGridLinePen(grid);
}

QColor seriesColor(int index) {
  // Okabe-Ito, without the yellow that vanishes on white.
  static const QColor palette[] = {QColor(0x00, 0x72, 0xb2), QColor(0xd5, 0x5e, 0x00), QColor(0x00, 0x9e, 0x73),
                                   QColor(0xcc, 0x79, 0xa7), QColor(0x56, 0xb4, 0xe9), QColor(0xe6, 0x9f, 0x00),
                                   QColor(0x33, 0x33, 0x33)};
  constexpr int n = sizeof(palette) / sizeof(palette[0]);
  return palette[((index % n) + n) % n];
}

namespace {

// The smallest of 1, 2, 5, 10, 20, 50, … that cuts `span` into at most 8 gaps.
double wholeTickStep(double span) {
  for (double scale = 1.0;; scale *= 10.0) {
    for (double m : {1.0, 2.0, 5.0}) {
      if (span / (m * scale) <= 8.0) return m * scale;
    }
  }
}

}  // namespace

void setWholeNumberRange(QValueAxis* axis, double low, double high) {
  low = std::floor(low);
  high = std::max(std::ceil(high), low + 1.0);
  const double step = wholeTickStep(high - low);
  axis->setLabelFormat("%d");
  axis->setTickType(QValueAxis::TicksDynamic);
  axis->setTickAnchor(0.0);
  axis->setTickInterval(step);
  axis->setRange(low, high);
}

}  // namespace recdiff::views
