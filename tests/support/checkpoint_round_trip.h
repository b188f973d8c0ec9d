// The checkpoint round trip every model's tests make: train briefly with a
// checkpoint path, reload the checkpoint, and check that the reloaded model
// scores the first four test samples as the trained one does (the trainer
// leaves the model at the epoch it saved).
#pragma once

#include <string>

#include "core/train/checkpoint.h"
#include "tests/support/torch_fixtures.h"

namespace recdiff::test {

struct RoundTrip {
  std::string path;  // the checkpoint
  train::LoadedCheckpoint loaded;
  data::Batch batch;               // the four samples, on the CPU
  models::ReverseOptions reverse;  // the options they were scored with
};

// Leaves `model` on the CPU in eval() mode, for further comparisons.
inline RoundTrip checkCheckpointRoundTrip(models::Model& model, const data::SequenceDataset& data,
                                          train::TrainOptions options, const std::string& modelName,
                                          std::int64_t maxLength = 10) {
  const std::string path = makeTempDir() + "/" + modelName + ".ckpt";
  options.checkpointPath = path;
  train::trainModel(model, data, options);
  RoundTrip r{path, train::loadCheckpoint(path, &data), {}, {}};
  CHECK_EQ(r.loaded.meta.modelName, modelName);
  model.to(torch::kCPU);
  model.eval();
  data::BatchOptions bo;
  bo.maxLength = maxLength;
  bo.numItems = data.numItems;
  r.batch = data::makeBatch(data.test, {0, 1, 2, 3}, bo, diffusion::makeGenerator(1), torch::kCPU);
  r.reverse.seed = 5;
  CHECK(torch::allclose(model.score(r.batch, r.reverse), r.loaded.model->score(r.batch, r.reverse)));
  return r;
}

}  // namespace recdiff::test
