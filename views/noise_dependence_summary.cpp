#include "views/noise_dependence_summary.h"

#include <QStringList>

#include <algorithm>
#include <cmath>
#include <map>
#include <vector>

namespace recdiff::views {

namespace {

// The runs the sentence compares: one model's, with its first sampler.
QVector<const ScrubberRun*> comparableRuns(const QVector<ScrubberRun>& runs, int model) {
  QVector<const ScrubberRun*> out;
  for (const auto& r : runs) {
    if (r.model != model || r.table.steps.empty()) continue;
    if (out.isEmpty() || r.sampler == out.front()->sampler) out.push_back(&r);
  }
  return out;
}

bool isDiffusion(const ScrubberRun& run) {
  for (const auto& s : run.table.steps) {
    if (s.t > 0) return true;
  }
  return false;
}

eval::NoiseEvidence evidenceOf(const QVector<const ScrubberRun*>& runs) {
  eval::NoiseEvidence e;
  e.diffusion = isDiffusion(*runs.front());
  if (!e.diffusion) return e;
  std::vector<std::vector<std::int64_t>> finalTops;
  std::map<int, std::vector<float>> byT;
  int k = 0;
  for (const ScrubberRun* r : runs) {
    const auto& table = r->table;
    k = static_cast<int>(table.topK);
    const auto& last = table.steps.back().topkIds;
    finalTops.emplace_back(last.begin(), last.begin() + std::min<std::size_t>(last.size(), table.topK));
    for (const auto& s : table.steps) {
      if (!s.sensitivity.empty()) byT[s.t].push_back(s.sensitivity[0]);
    }
  }
  if (k > 0) e.agreement = eval::topKAgreement(finalTops, k);
  e.sensitivity = eval::meanSensitivity(eval::summariseSensitivity(byT));
  return e;
}

// "ADIGRec" from "ADIGRec · seed 1" (the labels of a two-model run).
QString modelName(const ScrubberRun& run) { return run.label.section(QStringLiteral(" · "), 0, 0); }

}  // namespace

QVector<QPointF> sensitivitySeries(const diffusion::TraceTable& table) {
  QVector<QPointF> points;
  for (const auto& s : table.steps) {
    if (!s.sensitivity.empty() && std::isfinite(s.sensitivity[0])) points.push_back(QPointF(s.t, s.sensitivity[0]));
  }
  return points;
}

NoiseDependenceSummary summariseNoiseDependence(const QVector<ScrubberRun>& runs) {
  NoiseDependenceSummary out;
  bool twoModels = false;
  for (const auto& r : runs) twoModels = twoModels || r.model != 0;
  QStringList sentences;
  for (int model = 0; model <= (twoModels ? 1 : 0); ++model) {
    const auto chosen = comparableRuns(runs, model);
    if (chosen.isEmpty()) continue;
    const eval::NoiseEvidence e = evidenceOf(chosen);
    if (model == 0) out.verdict = eval::classifyNoiseDependence(e);
    const QString sentence = QString::fromStdString(eval::describeNoiseDependence(e));
    sentences << (twoModels ? modelName(*chosen.front()) + QStringLiteral(": ") + sentence : sentence);
  }
  out.sentence = sentences.join(QStringLiteral("\n"));
  return out;
}

}  // namespace recdiff::views
