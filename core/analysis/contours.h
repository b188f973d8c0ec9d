// Iso-density lines of a 2-D density grid by marching squares: the contour
// lines the projection view draws for the catalogue's and the generated
// embeddings' densities (as in the ADIGRec paper's Figures 4 and 5).
#pragma once

#include <vector>

#include "core/analysis/kde.h"

namespace recdiff::analysis {

struct Segment {
  double x0 = 0, y0 = 0, x1 = 0, y1 = 0;
};

// The line segments where the grid's density crosses `level`, in the
// grid's coordinates, interpolated linearly along cell edges. A saddle cell
// is resolved by the mean of its corners.
std::vector<Segment> contourSegments(const DensityGrid& grid, double level);

}  // namespace recdiff::analysis
