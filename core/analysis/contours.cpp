#include "core/analysis/contours.h"

namespace recdiff::analysis {

namespace {

struct Point {
  double x, y;
};

// Where `level` crosses the edge from a (value va) to b (value vb).
Point crossing(Point a, double va, Point b, double vb, double level) {
  const double f = va == vb ? 0.5 : (level - va) / (vb - va);
  return {a.x + f * (b.x - a.x), a.y + f * (b.y - a.y)};
}

}  // namespace

std::vector<Segment> contourSegments(const DensityGrid& grid, double level) {
  std::vector<Segment> out;
  for (int row = 0; row + 1 < grid.height; ++row) {
    for (int col = 0; col + 1 < grid.width; ++col) {
      // Corners counter-clockwise from the bottom left: cell centres.
      const Point p[4] = {{grid.x(col), grid.y(row)},
                          {grid.x(col + 1), grid.y(row)},
                          {grid.x(col + 1), grid.y(row + 1)},
                          {grid.x(col), grid.y(row + 1)}};
      const double v[4] = {grid.at(col, row), grid.at(col + 1, row), grid.at(col + 1, row + 1), grid.at(col, row + 1)};
      int mask = 0;
      for (int i = 0; i < 4; ++i) mask |= (v[i] >= level ? 1 : 0) << i;
      if (mask == 0 || mask == 15) continue;
      // The crossing on edge e (from corner e to corner e+1).
      auto edge = [&](int e) { return crossing(p[e], v[e], p[(e + 1) % 4], v[(e + 1) % 4], level); };
      auto add = [&](int e1, int e2) {
        const Point a = edge(e1), b = edge(e2);
        out.push_back({a.x, a.y, b.x, b.y});
      };
      std::vector<int> edges;  // edges whose ends differ, in order
      for (int e = 0; e < 4; ++e) {
        if (((mask >> e) & 1) != ((mask >> ((e + 1) % 4)) & 1)) edges.push_back(e);
      }
      if (edges.size() == 2) {
        add(edges[0], edges[1]);
      } else {  // a saddle: four crossings
        const bool centreAbove = (v[0] + v[1] + v[2] + v[3]) / 4.0 >= level;
        const bool corner0Above = (mask & 1) != 0;
        if (centreAbove == corner0Above) {
          add(0, 1);
          add(2, 3);
        } else {
          add(3, 0);
          add(1, 2);
        }
      }
    }
  }
  return out;
}

}  // namespace recdiff::analysis
