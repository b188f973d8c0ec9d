// Resuming training (training_state.h): for every model, a run cancelled
// part-way and resumed from its state file ends with the very weights,
// losses, validations and best epoch of the same run left uninterrupted —
// also across stage boundaries (ADRec's three stages, DAE4Rec's GAE,
// diffusion and compensator stages). A state that belongs to another model,
// dataset or seed, a missing or foreign file, are refused with the file named.
#include <filesystem>

#include <torch/torch.h>

#include "core/models/model_registry.h"
#include "core/train/checkpoint.h"
#include "core/train/trainer.h"
#include "core/train/training_state.h"
#include "tests/support/memorisable_dataset.h"
#include "tests/support/torch_fixtures.h"
#include "tests/support/check.h"

using namespace recdiff;

namespace {

void setUp() {
  test::requireDevice();
  if (test::testDevice() == "cuda") SKIP("bit-for-bit repetition is promised on the CPU only");
}

// Small versions of each model: 4 batches an epoch on the 50 memorisable
// sequences, a few epochs a stage.
struct Case {
  std::string model;
  std::vector<std::string> overrides;
  std::string cancelStage;   // the stage and epoch in which the run is cancelled,
  std::int64_t cancelEpoch;  // at its second batch
};

const std::vector<Case>& cases() {
  static const std::vector<Case> all = {
      {"sasrec", {"dim=16"}, "train", 3},
      {"comirec", {"dim=16", "interests=2"}, "train", 2},
      {"adigrec", {"dim=16", "interests=2", "diffusion_steps=20"}, "train", 3},
      {"dimerec", {"dim=16", "interests=2", "diffusion_steps=20"}, "train", 2},
      {"dreamrec", {"dim=16", "diffusion_steps=20"}, "train", 3},
      {"diffurec", {"dim=16", "blocks=1", "diffusion_steps=8"}, "train", 2},
      {"diffurecsys", {"dim=16", "blocks=1", "diffusion_steps=8"}, "train", 3},
      {"adrec", {"dim=16", "diffusion_steps=8", "pretrain_epochs=2", "warmup_epochs=2"}, "warmup", 2},
      {"adrec", {"dim=16", "diffusion_steps=8", "pretrain_epochs=2", "warmup_epochs=2"}, "pretrain", 2},
      {"dae4rec",
       {"dim=16", "diffusion_steps=20", "sampling_steps=10", "gae_hidden=16", "gae_edges=64", "aime_block=8",
        "gae_epochs=2", "compensator_epochs=2"},
       "diffusion",
       2},
      {"dae4rec",
       {"dim=16", "diffusion_steps=20", "sampling_steps=10", "gae_hidden=16", "gae_edges=64", "aime_block=8",
        "gae_epochs=2", "compensator_epochs=2"},
       "compensator",
       2},
  };
  return all;
}

models::ModelPtr build(const Case& c, std::uint64_t seed) {
  return test::configuredModel(
      c.model, {{"batch_size=16", "epochs=4", "patience=2", "eval_every=1", "max_length=10"}, c.overrides}, {40, 10},
      seed);
}

train::TrainOptions options(const std::string& dir) {
  auto o = test::trainOptions();
  o.checkpointPath = dir + "/best.ckpt";
  o.statePath = train::trainingStatePath(o.checkpointPath);
  o.diagnosticUsers = 20;
  return o;
}

std::string describe(const Case& c) {
  return c.model + " cancelled in " + c.cancelStage + " epoch " + std::to_string(c.cancelEpoch);
}

}  // namespace

TEST_CASE("a cancelled run resumed from its state ends exactly where the uninterrupted run ends") {
  setUp();
  const auto data = test::memorisable();
  for (const auto& c : cases()) {
    std::printf("  %s\n", describe(c).c_str());
    // The uninterrupted run (it writes states too, which must not change its numbers).
    const std::string straightDir = test::makeTempDir();
    auto straight = build(c, 5);
    const auto expected = train::trainModel(*straight, data, options(straightDir));
    CHECK(!expected.cancelled);
    CHECK(!std::filesystem::exists(options(straightDir).statePath));  // removed when the run ends

    // The same run, cancelled at the second batch of the chosen epoch.
    const std::string dir = test::makeTempDir();
    const auto o = options(dir);
    auto first = build(c, 5);
    train::TrainControl control;
    train::TrainCallbacks callbacks;
    bool reached = false;
    callbacks.onBatch = [&](const train::BatchReport& r) {
      if (r.stageName == c.cancelStage && r.epoch == c.cancelEpoch && r.batch == 2) {
        reached = true;
        control.requestCancel();
      }
    };
    const auto interrupted = train::trainModel(*first, data, o, callbacks, &control);
    CHECK(reached);
    CHECK(interrupted.cancelled);
    CHECK(std::filesystem::exists(o.statePath));

    // Resumed into a model built with another seed: the state replaces all of it.
    auto second = build(c, 99);
    auto resumeOptions = o;
    resumeOptions.resume = true;
    const auto resumed = train::trainModel(*second, data, resumeOptions);
    CHECK(!resumed.cancelled);
    CHECK(!std::filesystem::exists(o.statePath));

    CHECK_EQ(resumed.history.size(), expected.history.size());
    CHECK_EQ(resumed.bestEpoch, expected.bestEpoch);
    CHECK_EQ(resumed.bestScore, expected.bestScore);
    for (std::size_t e = 0; e < expected.history.size() && e < resumed.history.size(); ++e) {
      const auto& a = expected.history[e];
      const auto& b = resumed.history[e];
      CHECK_EQ(b.stage, a.stage);
      CHECK_EQ(b.stageName, a.stageName);
      CHECK_EQ(b.epoch, a.epoch);
      CHECK(b.meanLosses == a.meanLosses);
      CHECK_EQ(b.improved, a.improved);
      CHECK_EQ(b.validation.has_value(), a.validation.has_value());
      if (a.validation && b.validation) {
        CHECK(b.validation->ndcg == a.validation->ndcg);
        CHECK(b.validation->hitRate == a.validation->hitRate);
      }
      CHECK_EQ(b.diagnostics.has_value(), a.diagnostics.has_value());
    }
    const auto pa = straight->named_parameters();
    const auto pb = second->named_parameters();
    for (const auto& p : pa) CHECK(torch::equal(p.value(), pb[p.key()]));
    const auto ba = straight->named_buffers();
    const auto bb = second->named_buffers();
    for (const auto& b : ba) CHECK(torch::equal(b.value(), bb[b.key()]));
    // The best checkpoint written by the resumed run is the uninterrupted run's.
    auto loaded = train::loadCheckpoint(o.checkpointPath, &data);
    CHECK_EQ(loaded.meta.training.at("best_epoch").get<std::int64_t>(), expected.bestEpoch);
    CHECK_EQ(loaded.meta.training.at("history").size(),
             static_cast<std::size_t>(expected.bestEpoch));  // written at the best epoch
  }
}

TEST_CASE("a state of another model, dataset or seed, a missing file or a checkpoint are refused") {
  setUp();
  const auto data = test::memorisable();
  const Case c{"sasrec", {"dim=16"}, "train", 2};
  const std::string dir = test::makeTempDir();
  const auto o = options(dir);
  {
    auto model = build(c, 5);
    train::TrainControl control;
    train::TrainCallbacks callbacks;
    callbacks.onBatch = [&](const train::BatchReport& r) {
      if (r.epoch == 2) control.requestCancel();
    };
    CHECK(train::trainModel(*model, data, o, callbacks, &control).cancelled);
  }
  auto resume = o;
  resume.resume = true;

  auto otherSeed = resume;
  otherSeed.seed = 12;
  CHECK_THROWS_WITH(train::CheckpointError, train::trainModel(*build(c, 5), data, otherSeed),
                    "cannot resume: the run had seed 11, not 12 as this one");

  auto wider = build({"sasrec", {"dim=32"}, "train", 2}, 5);
  CHECK_THROWS_WITH(train::CheckpointError, train::trainModel(*wider, data, resume),
                    "the run's model config has dim 16, not 32 as this model");

  auto comirec = build({"comirec", {"dim=16"}, "train", 2}, 5);
  CHECK_THROWS_WITH(train::CheckpointError, train::trainModel(*comirec, data, resume),
                    "the run trained sasrec, not comirec");

  auto other = data;
  other.name = "another";
  other.train.pop_back();
  CHECK_THROWS_WITH(train::CheckpointError, train::trainModel(*build(c, 5), other, resume),
                    "which is not the loaded dataset 'another'");

  auto missing = resume;
  missing.statePath = dir + "/nothing.resume";
  CHECK_THROWS_WITH(train::CheckpointError, train::trainModel(*build(c, 5), data, missing),
                    "nothing.resume: no such file");

  auto checkpoint = resume;
  checkpoint.statePath = o.checkpointPath;
  CHECK_THROWS_WITH(train::CheckpointError, train::trainModel(*build(c, 5), data, checkpoint),
                    "not a RecDiff Studio training state");

  // None of the refusals touched the state: it still resumes.
  CHECK(std::filesystem::exists(o.statePath));
  const auto result = train::trainModel(*build(c, 5), data, resume);
  CHECK(!result.cancelled);
  CHECK(result.history.size() >= 2);
}
