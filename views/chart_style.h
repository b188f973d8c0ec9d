// One look for every chart of the studio: readable fonts, a colour-blind
// safe palette (Okabe & Ito), light grid lines.
#pragma once

#include <QColor>

class QChart;
class QAbstractAxis;

namespace recdiff::views {

void styleChart(QChart* chart);
void styleAxis(QAbstractAxis* axis);
QColor seriesColor(int index);

}  // namespace recdiff::views
