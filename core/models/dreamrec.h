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
// Where the official code (YangZhengyi98/DreamRec, DreamRec.py and
// Modules_ori.py at 454133c) computes something else, and the setting that
// makes ours compute what it computes (docs/parity/dreamrec.md has the
// details; tests/core/test_parity_dreamrec_torch.cpp checks the reference
// setting against the official code's outputs, see
// tests/parity/dreamrec_official.py). The defaults keep our choices:
//   - encoder = "reference": the official block instead of the shared pre-LN
//     one. Its attention takes the query from LayerNorm(x) but keys and
//     values from x itself, has no output projection, adds the NORMALISED
//     query as the residual and scales by √d (not √(d/heads)); a key is
//     masked where its input sums to exactly 0 (the zeroed padding) and a
//     query's output is zeroed likewise. With a the attention's output,
//     y = LN₂(a) and the FFN's own post-LN, out = LN_f(y + Conv1d(ReLU(
//     Conv1d(y)))) (kernel-1 convolutions, width d), zeroed at padding, then
//     a last LayerNorm. Positions count from the OLDEST item
//     (the official histories are right-padded; ours are left-padded, so the
//     reference encoder shifts the positions by the padding). Exactly one
//     block (blocks = 1).
//   - time_features = "reference": the official sinusoid embeds the 0-based
//     step index n = t-1 with frequencies exp(-ln(10⁴)·i/(d/2-1)); ours
//     embeds t with exp(-ln(10⁴)·i/(d/2)). Needs an even d >= 4.
//   - schedule = "exp-reference": the official "exp" schedule evaluates β at
//     linspace(1, 2T+1, T) (T points with step 2T/(T-1)); ours ("exp") at the
//     midpoints 2t-1 of the T steps, which the formula was written for.
//   - loss_reduction = "mean": F.mse_loss, the mean over the batch AND the d
//     channels; ours ("sum") sums the channels (a factor d).
// Differences no setting changes: the official item table keeps the padding
// in its LAST row (item ids 0..N-1, padding N) and its evaluation ranks that
// row with the items; ours has the padding in row 0 and scores it -inf, so
// an imported table is rotated by one row (official row i = our row i+1).
// The official forward_uncon hard-codes d = 64 and cacu_h fails for a batch
// of one (squeeze); the official training draws n from 0..T-1 where we draw
// t = n+1 from 1..T: the same steps, the same tables.
//
// Inspection: "condition_h" [B,d] (the encoder's h), "null_vector" [1,d].
// A traced reverse run records "cfg_conditional" and "cfg_unconditional"
// ([B,d], the two denoiser outputs the guidance combines) at each step.
#pragma once

#include <torch/nn/modules/container/sequential.h>
#include <torch/nn/modules/conv.h>
#include <torch/nn/modules/linear.h>
#include <torch/nn/modules/normalization.h>

#include "core/diffusion/schedule.h"
#include "core/models/model.h"
#include "core/models/sequence_encoder.h"
#include "core/nn/fast_dropout.h"
#include "core/nn/time_embedding.h"
#include "core/nn/transformer_block.h"

namespace recdiff::models {

ModelInfo dreamrecInfo();

// Classifier-free guidance: (1+w)·conditional - w·unconditional.
torch::Tensor classifierFreeGuidance(const torch::Tensor& conditional, const torch::Tensor& unconditional, double w);

// The official code's encoder (encoder = "reference", see above) after the
// lookups: embedded [B,L,d] = E[s] + P, mask [B,L] true at items; applies
// the embedding dropout and the padding mask, the block and the last
// LayerNorm, and returns [B,L,d].
class DreamRecReferenceBlockImpl : public torch::nn::Module {
 public:
  DreamRecReferenceBlockImpl(std::int64_t dim, std::int64_t heads, double dropout);
  torch::Tensor forward(const torch::Tensor& embedded, const torch::Tensor& mask);

 private:
  std::int64_t heads_;
  torch::nn::LayerNorm queryNorm_{nullptr}, ffnNorm_{nullptr}, ffnResidualNorm_{nullptr}, outNorm_{nullptr};
  torch::nn::Linear q_{nullptr}, k_{nullptr}, v_{nullptr};
  torch::nn::Conv1d ffnIn_{nullptr}, ffnOut_{nullptr};
  nn::FastDropout dropout_{nullptr};
};
TORCH_MODULE(DreamRecReferenceBlock);

class DreamRec : public Model {
 public:
  DreamRec(const Config& config, const DataShape& shape);
  LossTerms loss(const data::Batch& batch, torch::Generator generator) override;
  // The same loss with its random draws given: timesteps t [B] in 1..T,
  // the forward noise ε [B,d], and drop [B] (bool or 0/1), true where h is
  // replaced by the null vector.
  LossTerms lossWith(const data::Batch& batch, const torch::Tensor& t, const torch::Tensor& noise,
                     const torch::Tensor& drop);
  torch::Tensor reverse(const data::Batch& batch, const ReverseOptions& options,
                        diffusion::TraceRecorder* trace) override;
  torch::Tensor itemEmbeddings() const override { return embedding_->table(); }
  std::int64_t diffusionSteps() const override { return schedule_.steps(); }
  const diffusion::NoiseSchedule& schedule() const { return schedule_; }
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
  // t_E [B,d] of timesteps t [B] in 1..T (per time_features).
  torch::Tensor timeEmbedding(const torch::Tensor& t);

 private:
  LossTerms lossTerms(const torch::Tensor& e0, const torch::Tensor& x0Hat) const;

  diffusion::NoiseSchedule schedule_;
  ItemSequenceEmbedding embedding_{nullptr};
  std::vector<nn::TransformerBlock> blocks_;
  torch::nn::LayerNorm norm_{nullptr};
  DreamRecReferenceBlock referenceBlock_{nullptr};  // encoder = reference (then no blocks_, norm_)
  nn::TimeEmbedding time_{nullptr};
  torch::nn::Sequential denoiser_{nullptr};
  torch::Tensor null_;  // [1,d]
};

}  // namespace recdiff::models
