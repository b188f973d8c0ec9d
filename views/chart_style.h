// One look for every chart of the studio: readable fonts, a colour-blind
// safe palette (Okabe & Ito), light grid lines.
#pragma once

#include <QColor>

class QChart;
class QAbstractAxis;
class QValueAxis;

namespace recdiff::views {

void styleChart(QChart* chart);
void styleAxis(QAbstractAxis* axis);
QColor seriesColor(int index);

// An axis of whole numbers (batches, epochs, steps, counts), labelled "%d":
// its range runs from floor(low) to ceil(high) (at least 1 wide) and its
// ticks fall on multiples of 1, 2, 5, 10, 20, 50, … with at most 8 gaps, so
// no label is a truncated 2.75 shown as "2".
void setWholeNumberRange(QValueAxis* axis, double low, double high);

}  // namespace recdiff::views
