// The scrubber's answer to "does the output depend on the noise?" for the
// user it ran: the seeds' final top-k lists compared (the same top-k for
// every seed, or how much of it they share) and each step's sensitivity of
// x̂0 to x_t (core/diffusion/sensitivity_probe.h), turned into a verdict
// and a sentence by core/eval/noise_dependence.h — the same rules as
// `recdiff analyze` applies over a test split.
#pragma once

#include <QPointF>
#include <QString>
#include <QVector>

#include "core/eval/noise_dependence.h"
#include "views/scrubber_panel.h"

namespace recdiff::views {

// (t, elasticity) of the run's first row at every probed step; empty when
// the run was recorded without the probe.
QVector<QPointF> sensitivitySeries(const diffusion::TraceTable& table);

struct NoiseDependenceSummary {
  eval::NoiseDependence verdict = eval::NoiseDependence::Unknown;
  QString sentence;  // one per model that ran, each prefixed by its name when two ran
};

// From the runs of each model with that model's first sampler (DDPM and
// DDIM runs of one seed are not different noise); a model whose run has no
// step with t > 0 is a single-step baseline. The verdict is the first
// model's; no runs give Unknown and an empty sentence.
NoiseDependenceSummary summariseNoiseDependence(const QVector<ScrubberRun>& runs);

}  // namespace recdiff::views
