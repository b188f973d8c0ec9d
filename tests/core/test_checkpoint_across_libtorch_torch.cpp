// Checkpoints cross LibTorch versions (issue 42): a checkpoint written by one
// build opens in another and its model computes the same scores. Each side
// commits a fixture written by its own LibTorch —
// tests/parity/fixtures/checkpoint_libtorch-<version>.ckpt, the checkpoint
// of a small ADRec, and .expected, the batch and the scores that build
// computed (a tensor file) — and every build reads every fixture there.
//
// Writing a fixture (once per LibTorch version; the Debian build writes
// 1.13, the CUDA build on the GPU machine 2.x):
//   RECDIFF_WRITE_LIBTORCH_FIXTURE=tests/parity/fixtures \
//     build/tests/test_checkpoint_across_libtorch_torch
#include <cstdlib>
#include <filesystem>
#include <regex>

#include <torch/torch.h>
#include <torch/version.h>

#include "core/data/sequence_dataset.h"
#include "core/models/model_registry.h"
#include "core/train/checkpoint.h"
#include "core/train/tensor_file.h"
#include "tests/support/source_tree.h"
#include "tests/support/check.h"

using namespace recdiff;

namespace {

namespace fs = std::filesystem;

data::Batch fixedBatch() {
  data::Batch b;
  b.history =
      torch::tensor({0, 0, 3, 7, 1, 22, 5, 9, 14, 2, 30, 8, 0, 0, 0, 0, 4, 26, 11, 12, 13, 14, 15, 16}, torch::kLong)
          .view({4, 6});
  b.mask = b.history.gt(0);
  b.target = torch::tensor({1, 2, 3, 4}, torch::kLong);
  b.negatives = torch::zeros({4, 0}, torch::kLong);
  return b;
}

// The scores a model gives the batch, with no noise (deterministic).
torch::Tensor scoresOf(models::Model& model, const data::Batch& batch) {
  torch::NoGradGuard noGrad;
  models::ReverseOptions options;
  options.noiseScale = 0.0;
  return model.score(batch, options).slice(1, 1);  // column 0 (padding) is -inf
}

std::string fixtureFolder() { return test::sourceTreePath("tests/parity/fixtures"); }

// The fixtures present, by the LibTorch version that wrote them.
std::map<std::string, std::string> fixtures() {
  std::map<std::string, std::string> out;
  const std::regex name(R"(checkpoint_libtorch-([0-9.]+)\.ckpt)");
  for (const auto& entry : fs::directory_iterator(fixtureFolder())) {
    std::smatch m;
    const auto file = entry.path().filename().string();
    if (std::regex_match(file, m, name)) out.emplace(m[1], entry.path().string());
  }
  return out;
}

void checkFixture(const std::string& checkpoint) {
  const auto expectedPath = checkpoint.substr(0, checkpoint.size() - 5) + ".expected";
  const auto expected = train::readTensorFile(expectedPath);
  std::map<std::string, torch::Tensor> t(expected.tensors.begin(), expected.tensors.end());
  data::Batch batch = fixedBatch();
  CHECK(torch::equal(batch.history, t.at("history")));
  auto loaded = train::loadCheckpoint(checkpoint);
  CHECK_EQ(loaded.meta.modelName, std::string("adrec"));
  auto scores = scoresOf(*loaded.model, batch);
  const double scale = t.at("scores").abs().max().item<double>();
  CHECK((scores - t.at("scores")).abs().max().item<double>() <= 1e-5 * scale);
}

}  // namespace

TEST_CASE("a checkpoint written by the Debian build (LibTorch 1.13) opens and scores as it did there") {
  const auto all = fixtures();
  const auto found = all.find("1.13");
  CHECK(found != all.end());
  checkFixture(found->second);
}

TEST_CASE("a checkpoint written by the CUDA build (LibTorch 2.x) opens and scores as it did there") {
  std::string path;
  for (const auto& [version, file] : fixtures()) {
    if (version.rfind("2.", 0) == 0) path = file;
  }
  if (path.empty())
    SKIP(
        "no fixture written by a LibTorch 2.x build yet: it is written on the GPU machine "
        "(RECDIFF_WRITE_LIBTORCH_FIXTURE), which no session has been lent since this test was written");
  checkFixture(path);
}

// Into RECDIFF_WRITE_LIBTORCH_FIXTURE when set (to commit it), else into a
// scratch folder: either way the fixture this build writes reads back.
TEST_CASE("this build writes a fixture of its own that reads back") {
  const char* given = std::getenv("RECDIFF_WRITE_LIBTORCH_FIXTURE");
  const std::string folder = given ? std::string(given) : test::makeTempDir();
  const std::string version = std::to_string(TORCH_VERSION_MAJOR) + "." + std::to_string(TORCH_VERSION_MINOR);
  const std::string base = folder + "/checkpoint_libtorch-" + version;
  auto config = models::modelInfo("adrec").defaults();
  config["dim"] = 8;
  config["max_length"] = 6;
  auto model = models::createModel("adrec", config, {30, 6}, 7);
  model->eval();
  data::SequenceDataset dataset;
  dataset.name = "libtorch-crossing";
  dataset.numItems = 30;
  for (int i = 1; i <= 30; ++i) dataset.items.intern(std::to_string(i));
  train::saveCheckpoint(base + ".ckpt", *model, train::describe(*model, dataset));
  const auto batch = fixedBatch();
  train::writeTensorFile(base + ".expected", {{"format", "recdiff-libtorch-crossing"}, {"libtorch", version}},
                         {{"history", batch.history}, {"scores", scoresOf(*model, batch)}});
  checkFixture(base + ".ckpt");
}
