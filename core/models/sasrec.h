// SASRec+ (Kang & McAuley 2018, trained with cross-entropy over all items as
// in "SASRec+"): causal transformer over item + positional embeddings; every
// position predicts the next item. The "is diffusion helping?" baseline.
// reverse() is a single deterministic step: the last position's output.
#pragma once

#include "core/models/model.h"
#include "core/models/sequence_encoder.h"
#include "core/nn/transformer_block.h"

namespace recdiff::models {

ModelInfo sasrecInfo();

class SasRec : public Model {
 public:
  SasRec(const Config& config, const DataShape& shape);
  LossTerms loss(const data::Batch& batch, torch::Generator generator) override;
  torch::Tensor reverse(const data::Batch& batch, const ReverseOptions& options,
                        diffusion::TraceRecorder* trace) override;
  torch::Tensor itemEmbeddings() const override { return embedding_->table(); }

 private:
  torch::Tensor encode(const data::Batch& batch);  // [B,L,d]
  ItemSequenceEmbedding embedding_{nullptr};
  std::vector<nn::TransformerBlock> blocks_;
  torch::nn::LayerNorm finalNorm_{nullptr};
};

// Cross-entropy of every valid position of a left-padded sequence against
// its next item (the shifted history, then the target): SASRec+ and ADRec.
torch::Tensor nextItemCrossEntropy(const torch::Tensor& outputs /*[B,L,d]*/, const torch::Tensor& itemTable,
                                   const data::Batch& batch);

}  // namespace recdiff::models
