// Tests of the step trace (core/diffusion/trace.h, trace_table.h) on a
// hand-built catalog whose scores, ranks and cosines are worked out below.
// Every case runs on --device.
#include <torch/torch.h>

#include <cmath>

#include "core/diffusion/trace.h"
#include "tests/support/check.h"

using namespace recdiff::diffusion;

namespace {

torch::Device device() {
  if (recdiff::test::testDevice() == "cuda") {
    if (!torch::cuda::is_available()) SKIP("CUDA is not available in this LibTorch build");
    return torch::Device(torch::kCUDA);
  }
  return torch::Device(torch::kCPU);
}

// Catalog of N = 4 items in d = 2; row 0 is padding.
//   item 1 = (1, 0), item 2 = (0, 1), item 3 = (-1, 0), item 4 = (0.6, 0.8)
torch::Tensor catalog(const torch::Device& dev) {
  return torch::tensor({{0.0f, 0.0f}, {1.0f, 0.0f}, {0.0f, 1.0f}, {-1.0f, 0.0f}, {0.6f, 0.8f}}).to(dev);
}

// Row 0: x̂0 = (1, 0.1)   → scores 1: 1, 2: 0.1, 3: -1, 4: 0.68  → order 1, 4, 2, 3
// Row 1: x̂0 = (0.1, -1)  → scores 1: 0.1, 2: -1, 3: -0.1, 4: -0.74 → order 1, 3, 4, 2
// Row 2: x̂0 = (-1, -1)   → scores 1: -1, 2: -1, 3: 1, 4: -1.4 (all but one below padding's 0)
torch::Tensor x0Hat(const torch::Device& dev) {
  return torch::tensor({{1.0f, 0.1f}, {0.1f, -1.0f}, {-1.0f, -1.0f}}).to(dev);
}
torch::Tensor xt(const torch::Device& dev) {
  return torch::tensor({{0.0f, 2.0f}, {3.0f, 4.0f}, {-1.0f, 0.0f}}).to(dev);
}

std::vector<int64_t> row(const torch::Tensor& ids, int64_t r) {
  const torch::Tensor c = ids[r].contiguous();
  return std::vector<int64_t>(c.data_ptr<int64_t>(), c.data_ptr<int64_t>() + c.numel());
}

}  // namespace

TEST_CASE("ranks, cosines, norms and top-k on a hand-built catalog") {
  const torch::Device dev = device();
  // Targets: row 0 → item 2 (rank 3), row 1 → item 3 (rank 2), row 2 → item 2
  // (score -1, tied with items 1; only item 3 scores higher: rank 2).
  TraceRecorder recorder(catalog(dev), torch::tensor({2, 3, 2}, torch::kLong).to(dev), 2);
  CHECK_EQ(recorder.topK(), 2);
  CHECK_EQ(recorder.numItems(), int64_t{4});
  recorder.record(7, xt(dev), x0Hat(dev));
  const Trace& trace = recorder.trace();
  CHECK_EQ(trace.steps.size(), std::size_t{1});
  const TraceStep& step = trace.steps[0];
  CHECK_EQ(step.t, 7);
  CHECK(step.xt.device().is_cpu());
  CHECK(step.x0Hat.device().is_cpu());
  CHECK(step.targetRank == std::vector<int64_t>({3, 2, 2}));
  CHECK_NEAR(step.normXt[0], 2.0, 1e-6);
  CHECK_NEAR(step.normXt[1], 5.0, 1e-6);
  CHECK_NEAR(step.normXt[2], 1.0, 1e-6);
  // cos(x_t, E[target]): (0,2)·(0,1) → 1; (3,4)·(-1,0)/5 → -0.6; (-1,0)·(0,1) → 0.
  CHECK_NEAR(step.cosXtTarget[0], 1.0, 1e-6);
  CHECK_NEAR(step.cosXtTarget[1], -0.6, 1e-6);
  CHECK_NEAR(step.cosXtTarget[2], 0.0, 1e-6);
  // cos(x̂0, E[target]): 0.1/√1.01; -0.1/√1.01; -1/√2.
  CHECK_NEAR(step.cosX0Target[0], 0.1 / std::sqrt(1.01), 1e-6);
  CHECK_NEAR(step.cosX0Target[1], -0.1 / std::sqrt(1.01), 1e-6);
  CHECK_NEAR(step.cosX0Target[2], -1.0 / std::sqrt(2.0), 1e-6);
  CHECK_EQ(step.topkIds.size(0), 3);
  CHECK_EQ(step.topkIds.size(1), 2);
  CHECK(row(step.topkIds, 0) == std::vector<int64_t>({1, 4}));
  CHECK(row(step.topkIds, 1) == std::vector<int64_t>({1, 3}));
  CHECK_EQ(step.topkIds[2][0].item<int64_t>(), 3);
  CHECK(step.topkIds[2][1].item<int64_t>() != 0);  // padding (score 0) never ranks
  CHECK_NEAR(step.topkScores[0][0].item<float>(), 1.0, 1e-6);
  CHECK_NEAR(step.topkScores[0][1].item<float>(), 0.68, 1e-6);
  CHECK_NEAR(step.topkScores[1][1].item<float>(), -0.1, 1e-6);
}

TEST_CASE("top-k is clamped to the catalog and never contains padding") {
  const torch::Device dev = device();
  TraceRecorder recorder(catalog(dev));
  CHECK_EQ(recorder.topK(), 4);  // default 10 clamped to N = 4
  recorder.record(1, xt(dev), x0Hat(dev));
  const TraceStep& step = recorder.trace().steps[0];
  CHECK_EQ(step.topkIds.size(1), 4);
  CHECK_EQ((step.topkIds == 0).sum().item<int64_t>(), 0);
  CHECK(row(step.topkIds, 2)[0] == 3);
  CHECK_THROWS_WITH(std::invalid_argument, TraceRecorder(catalog(dev), {}, 0), "top-k");
}

TEST_CASE("unknown targets give rank -1 and NaN cosines") {
  const torch::Device dev = device();
  TraceRecorder none(catalog(dev));
  none.record(3, xt(dev), x0Hat(dev));
  for (int64_t r : none.trace().steps[0].targetRank) CHECK_EQ(r, int64_t{-1});
  for (float c : none.trace().steps[0].cosX0Target) CHECK(std::isnan(c));
  // Per row: 0 (padding) and out-of-range ids are unknown.
  TraceRecorder partial(catalog(dev), torch::tensor({1, 0, 9}, torch::kLong).to(dev));
  partial.record(3, xt(dev), x0Hat(dev));
  const TraceStep& step = partial.trace().steps[0];
  CHECK(step.targetRank == std::vector<int64_t>({1, -1, -1}));
  CHECK(!std::isnan(step.cosXtTarget[0]));
  CHECK(std::isnan(step.cosXtTarget[1]));
  CHECK(std::isnan(step.cosX0Target[2]));
}

TEST_CASE("excluded history items leave the ranking and the top-k") {
  const torch::Device dev = device();
  TraceRecorder recorder(catalog(dev), torch::tensor({2, 3, 2}, torch::kLong).to(dev), 2);
  // Row 0 saw item 1, row 1 saw items 1 and 2, row 2 nothing.
  recorder.excludeHistory(torch::tensor({{0, 1}, {1, 2}, {0, 0}}, torch::kLong).to(dev));
  recorder.record(5, xt(dev), x0Hat(dev));
  const TraceStep& step = recorder.trace().steps[0];
  // Row 0: item 1 gone → only item 4 above the target (rank 2); top-2 = 4, 2.
  // Row 1: item 1 gone → the target (item 3) is first; top-2 = 3, 4.
  CHECK(step.targetRank == std::vector<int64_t>({2, 1, 2}));
  CHECK(row(step.topkIds, 0) == std::vector<int64_t>({4, 2}));
  CHECK(row(step.topkIds, 1) == std::vector<int64_t>({3, 4}));
  // Clearing the hook restores the full ranking.
  recorder.setExcludedItems(torch::Tensor());
  recorder.record(4, xt(dev), x0Hat(dev));
  CHECK(recorder.trace().steps[1].targetRank == std::vector<int64_t>({3, 2, 2}));
  CHECK_THROWS_WITH(std::invalid_argument, recorder.setExcludedItems(torch::zeros({3, 4}, torch::kBool)), "[B,5]");
}

TEST_CASE("recorded steps are CPU copies, not views of the sampler's tensors") {
  const torch::Device dev = device();
  TraceRecorder recorder(catalog(dev));
  torch::Tensor x = xt(dev);
  torch::Tensor h = x0Hat(dev);
  StepExtras extras;
  torch::Tensor attention = torch::ones({3, 1, 4}, torch::TensorOptions().device(dev));
  extras.put("ai2m_attention", attention);
  recorder.record(2, x, h, &extras);
  x.add_(100.0);
  h.add_(100.0);
  attention.add_(100.0);
  const TraceStep& step = recorder.trace().steps[0];
  CHECK_NEAR(step.xt[0][1].item<float>(), 2.0, 0.0);
  CHECK_NEAR(step.x0Hat[0][0].item<float>(), 1.0, 0.0);
  CHECK_NEAR(step.extras.at("ai2m_attention").max().item<float>(), 1.0, 0.0);
  CHECK(step.extras.at("ai2m_attention").device().is_cpu());
}

TEST_CASE("record rejects shapes that do not fit the catalog or the targets") {
  const torch::Device dev = device();
  TraceRecorder recorder(catalog(dev), torch::tensor({1, 2}, torch::kLong).to(dev));
  CHECK_THROWS_WITH(std::invalid_argument, recorder.record(1, xt(dev), x0Hat(dev)), "2 targets");
  CHECK_THROWS_WITH(std::invalid_argument, recorder.record(1, torch::zeros({2, 3}), torch::zeros({2, 3})), "[B,2]");
  CHECK_THROWS_WITH(std::invalid_argument, TraceRecorder(torch::zeros({1, 2})), "[N+1,d]");
  CHECK(recorder.trace().steps.empty());
}

TEST_CASE("toTable gives the same numbers in plain containers") {
  const torch::Device dev = device();
  TraceRecorder recorder(catalog(dev), torch::tensor({2, 3, 2}, torch::kLong).to(dev), 2);
  StepExtras extras;
  extras.put("ai2m_attention",
             torch::arange(6, torch::TensorOptions().dtype(torch::kFloat).device(dev)).reshape({3, 1, 2}));
  recorder.record(9, xt(dev), x0Hat(dev), &extras);
  recorder.record(0, x0Hat(dev), x0Hat(dev));
  const TraceTable table = toTable(recorder.trace());
  CHECK_EQ(table.batch, int64_t{3});
  CHECK_EQ(table.dim, int64_t{2});
  CHECK_EQ(table.topK, int64_t{2});
  CHECK_EQ(table.steps.size(), std::size_t{2});
  CHECK_EQ(table.steps[0].t, 9);
  CHECK_EQ(table.steps[1].t, 0);
  CHECK_NEAR(table.xtRow(0, 1)[1], 4.0, 0.0);
  CHECK_NEAR(table.x0HatRow(1, 2)[0], -1.0, 0.0);
  CHECK_EQ(table.topkId(0, 0, 1), int64_t{4});
  CHECK_NEAR(table.topkScore(0, 0, 1), 0.68, 1e-6);
  CHECK(table.steps[0].targetRank == std::vector<int64_t>({3, 2, 2}));
  CHECK_NEAR(table.steps[0].normXt[1], 5.0, 1e-6);
  const TraceTableExtra& extra = table.steps[0].extras.at("ai2m_attention");
  CHECK(extra.shape == std::vector<int64_t>({3, 1, 2}));
  CHECK_NEAR(extra.values[5], 5.0, 0.0);
  CHECK(table.steps[1].extras.empty());
  CHECK(toTable(Trace()).empty());
}
