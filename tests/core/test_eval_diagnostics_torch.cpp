// Whole-model diagnostics: a multi-interest model's routing summarised over
// users (shares that add up, an effective number of interests within
// [1, k], a head-to-category match on the synthetic dataset), a baseline
// without routing, a collapsed item table flagged as collapsed; and the
// accuracy of x̂0 along the reverse process.
#include <torch/torch.h>

#include "core/data/synthetic.h"
#include "core/eval/evaluator.h"
#include "core/eval/model_diagnostics.h"
#include "core/eval/stepwise_accuracy.h"
#include "core/models/model.h"
#include "core/train/trainer.h"
#include "core/models/model_registry.h"
#include "tests/support/check.h"
#include "tests/support/torch_fixtures.h"

using namespace recdiff;

namespace {

data::SyntheticData smallSynthetic() {
  data::SyntheticConfig c;
  c.users = 200;
  c.items = 120;
  c.categories = 4;
  c.seed = 5;
  return data::generateSynthetic(c);
}

models::ModelPtr build(const std::string& name, const data::SequenceDataset& d, std::vector<std::string> overrides) {
  return test::configuredModel(name, {overrides}, {d.numItems, 20});
}

const std::string& device() { return test::testDevice(); }

}  // namespace

TEST_CASE("ADIGRec's routing is summarised over users and matched to the planted categories") {
  test::requireDevice();
  const auto synthetic = smallSynthetic();
  const auto& d = synthetic.dataset;
  auto model = build("adigrec", d, {"dim=16", "interests=3", "diffusion_steps=20"});
  eval::DiagnosticsOptions o;
  o.maxUsers = 150;
  o.batchSize = 64;  // several batches
  const auto r = eval::diagnoseModel(*model, d, d.test, device(), o);
  CHECK_EQ(r.embedding.rows, d.numItems);
  CHECK_EQ(r.embedding.dimensions, 16);
  CHECK(r.interests.has_value());
  CHECK_EQ(r.usersAnalysed, std::int64_t{150});
  CHECK_EQ(r.interests->interests, 3);
  double share = 0;
  for (double s : r.interests->argmaxShare) share += s;
  CHECK_NEAR(share, 1.0, 1e-9);
  CHECK(r.interests->meanDistinctRoutingDirections >= 1.0 - 1e-9 &&
        r.interests->meanDistinctRoutingDirections <= 3.0 + 1e-9);
  CHECK(r.interests->collapsedHeadShare >= 0.0 && r.interests->collapsedHeadShare <= 1.0);
  CHECK_NEAR(r.interests->collapseThreshold, 0.9, 1e-12);
  CHECK(r.categoryMatch.has_value());
  CHECK_EQ(r.categoryMatch->assignment.size(), std::size_t{3});
  CHECK(r.probe.has_value());
  CHECK_EQ(r.probe->classes, 4);
  CHECK(model->is_training());  // a fresh module trains; diagnose() restores that
}

TEST_CASE("a model without routing reports none; an all-equal item table is collapsed") {
  test::requireDevice();
  const auto synthetic = smallSynthetic();
  const auto& d = synthetic.dataset;
  auto model = build("sasrec", d, {"dim=16"});
  model->train();
  auto r = eval::diagnoseModel(*model, d, d.test, device());
  CHECK(!r.interests.has_value());
  CHECK(!r.categoryMatch.has_value());
  CHECK(!r.embedding.collapsed);
  CHECK(model->is_training());  // restored
  {
    torch::NoGradGuard noGrad;
    model->itemEmbeddings().fill_(0.5);
  }
  r = eval::diagnoseModel(*model, d, d.test, device());
  CHECK(r.embedding.collapsed);
}

TEST_CASE("per-step accuracy: one entry per reverse step, T first, its last step agrees with evaluate()") {
  test::requireDevice();
  const auto synthetic = smallSynthetic();
  const auto& d = synthetic.dataset;
  auto model = build("adigrec", d, {"dim=16", "interests=2", "diffusion_steps=20", "schedule=cosine"});
  models::ReverseOptions reverse;
  reverse.seed = 4;
  const auto steps = eval::stepwiseAccuracy(*model, d.test, reverse, device(), 64);
  CHECK_EQ(steps.size(), std::size_t{21});  // t = 20..1, then the final x0
  CHECK_EQ(steps.front().t, 20);
  CHECK_EQ(steps.back().t, 0);
  for (const auto& s : steps) CHECK_EQ(s.metrics.count, d.test.size());
  // The final step ranks the generated x0 as evaluate() does, with the same
  // noise (same seeds per batch); only ties are counted the other way.
  eval::EvaluationOptions eo;
  eo.batchSize = 64;
  eo.reverse = reverse;
  const auto full = eval::evaluate(*model, d.test, eo, train::parseDevice(device()));
  CHECK(steps.back().metrics.hitRate.at(20) >= full.metrics.hitRate.at(20) - 1e-12);
  CHECK_NEAR(steps.back().metrics.hitRate.at(20), full.metrics.hitRate.at(20), 0.02);
}
