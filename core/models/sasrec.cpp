#include "core/models/sasrec.h"

#include <torch/torch.h>

namespace recdiff::models {

ModelInfo sasrecInfo() {
  ModelInfo info;
  info.name = "sasrec";
  info.displayName = "SASRec+";
  info.paper = "Kang & McAuley, ICDM 2018 (CE over all items)";
  info.diffusion = false;
  info.params = {
      {"dim", std::int64_t{64}, "64", "embedding size d", {}, between(1, 4096)},
      {"blocks", std::int64_t{2}, "2", "transformer blocks", {}, between(1, 64)},
      {"heads", std::int64_t{1}, "1", "attention heads", {}, between(1, 64)},
      {"dropout", 0.2, "0.2", "dropout", {}, between(0, 1)},
  };
  info.rules = {divides("heads", "dim")};
  TrainingDefaults t;
  t.optimizer = "adam";
  t.learningRate = 1e-3;
  auto train = trainingParams(t);
  info.params.insert(info.params.end(), train.begin(), train.end());
  return info;
}

SasRec::SasRec(const Config& config, const DataShape& shape) : Model("sasrec", config, shape) {
  const auto d = getInt("dim");
  embedding_ = register_module(
      "embedding", ItemSequenceEmbedding(shape.numItems, d, getInt("max_length"), true, getDouble("dropout")));
  nn::TransformerBlockOptions o;
  o.dim = d;
  o.heads = getInt("heads");
  o.dropout = getDouble("dropout");
  o.causal = true;
  o.preNorm = true;
  for (std::int64_t i = 0; i < getInt("blocks"); ++i) {
    blocks_.push_back(register_module("block" + std::to_string(i), nn::TransformerBlock(o)));
  }
  finalNorm_ = register_module("final_norm", torch::nn::LayerNorm(torch::nn::LayerNormOptions({d})));
}

torch::Tensor SasRec::encode(const data::Batch& batch) {
  auto h = embedding_->positioned(batch.history, batch.mask);
  for (auto& block : blocks_) h = block(h, batch.mask);
  return finalNorm_(h);
}

torch::Tensor nextItemCrossEntropy(const torch::Tensor& outputs, const torch::Tensor& itemTable,
                                   const data::Batch& batch) {
  // Next item of position i: history[i+1], and the target after the last.
  auto next = torch::cat({batch.history.slice(1, 1), batch.target.unsqueeze(1)}, 1);
  auto valid = batch.mask.reshape({-1});
  // Scores over items 1..N only (padding is never a class), so class c is
  // item c+1.
  auto logits = torch::matmul(outputs.reshape({-1, outputs.size(-1)}).index({valid}), itemTable.slice(0, 1).t());
  return torch::nn::functional::cross_entropy(logits, next.reshape({-1}).index({valid}) - 1);
}

LossTerms SasRec::loss(const data::Batch& batch, torch::Generator) {
  auto ce = nextItemCrossEntropy(encode(batch), embedding_->table(), batch);
  return {ce, {{"ce", ce}}};
}

torch::Tensor SasRec::reverse(const data::Batch& batch, const ReverseOptions&, diffusion::TraceRecorder*) {
  return encode(batch).select(1, -1);
}

}  // namespace recdiff::models
