#include "core/diffusion/trace.h"

#include <limits>
#include <stdexcept>

#include "core/diffusion/shape_text.h"

namespace recdiff::diffusion {

namespace {

// A CPU float copy that never aliases the source: the sampler and models may
// update their tensors in place after recording.
torch::Tensor cpuFloatCopy(const torch::Tensor& x) {
  return x.detach().to(torch::kCPU, torch::kFloat, /*non_blocking=*/false, /*copy=*/true);
}

template <typename T>
std::vector<T> toVector(const torch::Tensor& cpuTensor) {
  const torch::Tensor c = cpuTensor.contiguous();
  const T* begin = c.data_ptr<T>();
  return std::vector<T>(begin, begin + c.numel());
}

}  // namespace

TraceRecorder::TraceRecorder(torch::Tensor itemEmbeddings, torch::Tensor targets, int topK)
    : items_(std::move(itemEmbeddings)) {
  if (!items_.defined() || items_.dim() != 2 || items_.size(0) < 2) {
    throw std::invalid_argument(
        "TraceRecorder: the item table must be [N+1,d] with at least one item besides "
        "padding, got " +
        (items_.defined() ? shapeText(items_) : std::string("none")));
  }
  if (!items_.is_floating_point()) {
    throw std::invalid_argument("TraceRecorder: the item table must be floating point");
  }
  items_ = items_.detach();
  numItems_ = items_.size(0) - 1;
  if (topK < 1) throw std::invalid_argument("TraceRecorder: top-k must be >= 1");
  topK_ = static_cast<int>(std::min<std::int64_t>(topK, numItems_));
  setTargets(std::move(targets));
}

void TraceRecorder::setTargets(torch::Tensor targets) {
  if (!targets.defined()) {
    targets_ = torch::Tensor();
    return;
  }
  if (targets.dim() != 1 || targets.is_floating_point()) {
    throw std::invalid_argument("TraceRecorder: targets must be an int64 vector [B], got " + shapeText(targets));
  }
  targets_ = targets.detach().to(items_.device(), torch::kLong);
}

void TraceRecorder::setExcludedItems(torch::Tensor mask) {
  if (!mask.defined()) {
    excluded_ = torch::Tensor();
    return;
  }
  if (mask.dim() != 2 || mask.size(1) != numItems_ + 1) {
    throw std::invalid_argument("TraceRecorder: the exclusion mask must be [B," + std::to_string(numItems_ + 1) +
                                "], got " + shapeText(mask));
  }
  excluded_ = mask.detach().to(items_.device(), torch::kBool);
}

void TraceRecorder::excludeHistory(const torch::Tensor& history) {
  if (!history.defined() || history.dim() != 2) {
    throw std::invalid_argument("TraceRecorder: the history must be [B,L] item ids");
  }
  const torch::Tensor ids = history.detach().to(items_.device(), torch::kLong).clamp(0, numItems_);
  torch::Tensor mask = torch::zeros({history.size(0), numItems_ + 1},
                                    torch::TensorOptions().dtype(torch::kBool).device(items_.device()));
  mask.scatter_(1, ids, true);
  // Column 0 is padding, excluded anyway; clearing it keeps the mask about
  // real items only.
  mask.select(1, 0).fill_(false);
  excluded_ = mask;
}

void TraceRecorder::setSensitivityProbe(double relativeStep, std::uint64_t seed) { probe_.emplace(relativeStep, seed); }

void TraceRecorder::record(int t, const torch::Tensor& xt, const torch::Tensor& x0Hat, const StepExtras* extras,
                           const Probe& probe) {
  torch::NoGradGuard noGrad;
  const std::int64_t d = items_.size(1);
  if (!xt.defined() || !x0Hat.defined() || xt.dim() != 2 || xt.sizes() != x0Hat.sizes() || xt.size(1) != d) {
    throw std::invalid_argument("TraceRecorder: x_t and x0_hat must both be [B," + std::to_string(d) + "], got " +
                                (xt.defined() ? shapeText(xt) : "none") + " and " +
                                (x0Hat.defined() ? shapeText(x0Hat) : "none"));
  }
  const std::int64_t batch = xt.size(0);
  if (targets_.defined() && targets_.size(0) != batch) {
    throw std::invalid_argument("TraceRecorder: " + std::to_string(targets_.size(0)) + " targets for a batch of " +
                                std::to_string(batch));
  }
  if (excluded_.defined() && excluded_.size(0) != batch) {
    throw std::invalid_argument("TraceRecorder: an exclusion mask of " + std::to_string(excluded_.size(0)) +
                                " rows for a batch of " + std::to_string(batch));
  }

  // Work on the catalog's device in its dtype; copy only results back.
  const torch::Tensor x = xt.detach().to(items_.device(), items_.scalar_type());
  const torch::Tensor x0 = x0Hat.detach().to(items_.device(), items_.scalar_type());
  torch::Tensor scores = torch::matmul(x0, items_.t());  // [B, N+1]
  const double negInf = -std::numeric_limits<double>::infinity();

  TraceStep step;
  step.t = t;
  step.xt = cpuFloatCopy(xt);
  step.x0Hat = cpuFloatCopy(x0Hat);
  step.normXt = toVector<float>(cpuFloatCopy(x.norm(2, {1})));

  if (targets_.defined()) {
    const torch::Tensor known = (targets_ > 0) & (targets_ <= numItems_);
    const torch::Tensor safeTargets = torch::where(known, targets_, torch::zeros_like(targets_));
    const torch::Tensor e = items_.index_select(0, safeTargets);  // [B,d]
    const torch::Tensor nan = torch::full({batch}, std::numeric_limits<double>::quiet_NaN(), x.options());
    auto cosine = [&](const torch::Tensor& a) {
      const torch::Tensor c = (a * e).sum(1) / (a.norm(2, {1}) * e.norm(2, {1})).clamp_min(1e-12);
      return toVector<float>(cpuFloatCopy(torch::where(known, c, nan)));
    };
    step.cosXtTarget = cosine(x);
    step.cosX0Target = cosine(x0);
    // The target's score before any masking: it is compared with the items
    // that remain ranked, whether or not it is itself excluded.
    const torch::Tensor targetScore = scores.gather(1, safeTargets.unsqueeze(1));
    scores.select(1, 0).fill_(negInf);
    if (excluded_.defined()) scores.masked_fill_(excluded_, negInf);
    torch::Tensor rank = (scores > targetScore).sum(1) + 1;
    rank = torch::where(known, rank, torch::full_like(rank, -1));
    step.targetRank = toVector<std::int64_t>(rank.to(torch::kCPU, torch::kLong));
  } else {
    scores.select(1, 0).fill_(negInf);
    if (excluded_.defined()) scores.masked_fill_(excluded_, negInf);
    const float nanF = std::numeric_limits<float>::quiet_NaN();
    step.cosXtTarget.assign(static_cast<std::size_t>(batch), nanF);
    step.cosX0Target.assign(static_cast<std::size_t>(batch), nanF);
    step.targetRank.assign(static_cast<std::size_t>(batch), -1);
  }

  const auto top = torch::topk(scores, topK_, /*dim=*/1);
  step.topkScores = cpuFloatCopy(std::get<0>(top));
  step.topkIds = std::get<1>(top).to(torch::kCPU, torch::kLong);
  if (extras != nullptr) {
    for (const auto& [name, value] : extras->tensors) {
      if (value.defined()) step.extras[name] = cpuFloatCopy(value);
    }
  }
  if (probe_ && probe) {
    // Last, once everything of the step's own call is copied: a model may
    // reuse its buffers in the probe's call. A run's first step restarts the
    // directions, so the same seed probes every run alike.
    if (trace_.steps.empty()) probe_->reset();
    const torch::Tensor delta = probe_->perturbation(xt);
    const torch::Tensor near = probe(xt.detach() + delta);
    if (!near.defined() || near.sizes() != xt.sizes()) {
      throw std::invalid_argument("TraceRecorder: the sensitivity probe returned " +
                                  (near.defined() ? shapeText(near) : std::string("nothing")) + " for x_t of shape " +
                                  shapeText(xt));
    }
    step.sensitivity = probe_->elasticity(step.xt, delta, step.x0Hat, near);
  }
  trace_.steps.push_back(std::move(step));
}

Trace TraceRecorder::takeTrace() {
  Trace out = std::move(trace_);
  trace_ = Trace();
  return out;
}

TraceTable toTable(const Trace& trace) {
  TraceTable table;
  for (const TraceStep& step : trace.steps) {
    TraceTableStep row;
    row.t = step.t;
    if (step.xt.defined()) {
      table.batch = step.xt.size(0);
      table.dim = step.xt.dim() > 1 ? step.xt.size(1) : 0;
      row.xt = toVector<float>(step.xt.to(torch::kFloat));
    }
    if (step.x0Hat.defined()) row.x0Hat = toVector<float>(step.x0Hat.to(torch::kFloat));
    row.normXt = step.normXt;
    row.cosXtTarget = step.cosXtTarget;
    row.cosX0Target = step.cosX0Target;
    row.sensitivity = step.sensitivity;
    row.targetRank = step.targetRank;
    if (step.topkIds.defined()) {
      table.topK = step.topkIds.dim() > 1 ? step.topkIds.size(1) : 0;
      row.topkIds = toVector<std::int64_t>(step.topkIds.to(torch::kLong));
    }
    if (step.topkScores.defined()) row.topkScores = toVector<float>(step.topkScores.to(torch::kFloat));
    for (const auto& [name, value] : step.extras) {
      TraceTableExtra extra;
      extra.shape.assign(value.sizes().begin(), value.sizes().end());
      extra.values = toVector<float>(value.to(torch::kCPU, torch::kFloat));
      row.extras.emplace(name, std::move(extra));
    }
    table.steps.push_back(std::move(row));
  }
  return table;
}

}  // namespace recdiff::diffusion
