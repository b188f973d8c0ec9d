// `recdiff-studio --bench-scrubber T`: how long moving the step slider takes
// to redraw the scrubber, once a run is recorded (issue: within one frame,
// 16 ms, for T up to 1000 on a 2-core CPU). It lives in the studio, not in
// `recdiff bench`, because the CLI is built without Qt.
//
// The recipe: the demo's synthetic dataset, an ADIGRec with T diffusion
// steps trained for one epoch, `runs` recorded reverse runs of the first
// test user (3, like the demo), the panel shown at 1600 x 1000; then the
// slider is set to `moves` seeded random steps and the panel repainted
// synchronously each time (the slider's signal updates the table, the
// summary and the chart cursors; repaint() draws them all before returning).
// Prints one JSON document: the milliseconds per move, median / p95 / max.
#pragma once

#include <iosfwd>

namespace recdiff::studio {

struct ScrubberBenchmarkOptions {
  int diffusionSteps = 1000;
  int runs = 3;
  int moves = 300;
  unsigned seed = 1;
};

// Needs a QApplication. Returns the process exit code.
int runScrubberBenchmark(const ScrubberBenchmarkOptions& options, std::ostream& out, std::ostream& err);

}  // namespace recdiff::studio
