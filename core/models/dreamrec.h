// DreamRec (Yang et al., NeurIPS 2023; reference repo YangZhengyi98/DreamRec):
// "generate what you prefer" — guided diffusion of the next item's embedding,
// the baseline DimeRec and DAE4Rec compare against.
//
//   Encoder: SASRec (1 causal block, 1 head) over E[seq] + P; h = the last
//     position.
//   Denoiser: x̂0 = f(x_t, h, t) = Linear(3d→d)(concat(x_t, h, t_E))
//     (the reference's "mlp1"; denoiser = mlp2 gives Linear(3d→2d), GELU,
//     Linear(2d→d)), t_E DreamRec-style (raw t, [sin, cos], Linear(d→2d),
//     GELU, Linear(2d→d)).
//   Classifier-free guidance: in training h is replaced by a learned null
//     vector ∅ with probability p_uncond (0.1); sampling uses
//     x̂0 = (1+w)·f(x_t, h, t) - w·f(x_t, ∅, t), w = guidance_weight.
//   L = ‖e0 - x̂0‖² only (no negatives), e0 = E[target], Gaussian q_sample.
//   Reverse: x_T ~ N(0, I), T DDPM steps (the shared sampler; DDIM too);
//     scores are dot products of the generated x0 with E.
//
// Choices made here (see ../shared/MODELS.md):
//   - T = 500 with the "exp" schedule (β_min 0.1, β_max 10) by default:
//     the paper reports T in 500–2000; the reference's defaults are T = 200,
//     "exp", w = 2, p = 0.1, Adam lr 0.005, batch 256, d = 64, dropout 0.1.
//   - Item embeddings and ∅ start as N(0, 1) (the reference's init; the
//     repository's other models use N(0, 1/d)): the generated embedding is
//     then on the scale of the N(0, I) noise. embedding_std changes it.
//   - The encoder is the shared pre-LN transformer block with an FFN of
//     width d (the reference's FFN is d→d), then a final LayerNorm; the
//     reference normalises only the query of its attention. Padding is
//     masked out of attention; the history is left-padded, so "the last
//     position" is always L-1.
//   - The loss is mean over the batch of the squared norm (the reference's
//     mse_loss also averages over the d channels: a constant factor Adam
//     does not see).
//   - Timesteps are 1..T (the reference draws 0..T-1 and embeds that index).
//
// Inspection: "condition_h" [B,d] (the encoder's h), "null_vector" [1,d].
// A traced reverse run records "cfg_conditional" and "cfg_unconditional"
// ([B,d], the two denoiser outputs the guidance combines) at each step.
#pragma once

#include "core/diffusion/schedule.h"
#include "core/models/model.h"
#include "core/models/sequence_encoder.h"
#include "core/nn/time_embedding.h"
#include "core/nn/transformer_block.h"

namespace recdiff::models {

ModelInfo dreamrecInfo();

// Classifier-free guidance: (1+w)·conditional - w·unconditional.
torch::Tensor classifierFreeGuidance(const torch::Tensor& conditional, const torch::Tensor& unconditional, double w);

class DreamRec : public Model {
 public:
  DreamRec(const Config& config, const DataShape& shape);
  LossTerms loss(const data::Batch& batch, torch::Generator generator) override;
  torch::Tensor reverse(const data::Batch& batch, const ReverseOptions& options,
                        diffusion::TraceRecorder* trace) override;
  torch::Tensor itemEmbeddings() const override { return embedding_->table(); }
  std::int64_t diffusionSteps() const override { return schedule_.steps(); }
  Inspection inspect(const data::Batch& batch) override;

  // The encoder's condition h [B,d] (no null replacement).
  torch::Tensor condition(const data::Batch& batch);
  // f(x_t, h, t) [B,d].
  torch::Tensor denoise(const torch::Tensor& xt, const torch::Tensor& h, const torch::Tensor& t);
  // The guided estimate (1+w)·f(x_t, h, t) - w·f(x_t, ∅, t) with w =
  // guidance_weight; fills `conditional`/`unconditional` when non-null.
  torch::Tensor guidedDenoise(const torch::Tensor& xt, const torch::Tensor& h, const torch::Tensor& t,
                              torch::Tensor* conditional = nullptr, torch::Tensor* unconditional = nullptr);
  torch::Tensor nullVector() const { return null_; }

 private:
  diffusion::NoiseSchedule schedule_;
  ItemSequenceEmbedding embedding_{nullptr};
  std::vector<nn::TransformerBlock> blocks_;
  torch::nn::LayerNorm norm_{nullptr};
  nn::TimeEmbedding time_{nullptr};
  torch::nn::Sequential denoiser_{nullptr};
  torch::Tensor null_;  // [1,d]
};

}  // namespace recdiff::models
