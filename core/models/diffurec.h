// DiffuRec (Li et al., TOIS 2023) and DiffuRecSys (paper 003, RecSys 2024
// workshop): one class, registered twice with different defaults.
//
// Approximator f_θ(x_t, t, history) -> x̂0:
//   h = LayerNorm(dropout(E[seq]))          no positional embedding
//   z_i = h_i + λ_i ⊙ (x_t + d_t)           λ ~ N(δ, δ) element-wise [B,L,d],
//                                           drawn anew at every call, δ = 1e-3
//   4 pre-LN transformer blocks (4 heads, FFN 4×, GELU, dropout 0.1)
//   x̂0 = LayerNorm(dropout(h_last))         the last position
// Forward noise on the target embedding e_{n+1} with t ~ U{1..T}; loss: CE of
// x̂0·Eᵀ over all items (no MSE). Inference: x_T ~ N(0, I), T DDPM steps,
// the approximator recomputed at each step (x_t reaches every position).
//
// DiffuRecSys adds, each behind a switch:
//   cross_attention  its Eq. 16 instead of Eq. 15: no additive injection; each
//                    block starts with a cross-attention sub-layer (pre-LN,
//                    residual into the sequence stream) whose queries are
//                    λ_i ⊙ (x_t + d_t) and whose keys/values are the sequence
//                    ("cross_query=target", the paper's text — the target
//                    weighs the history — and its reference code). We use
//                    standard scaled dot-product multi-head attention (the
//                    reference uses a linear "efficient attention"; MODELS.md
//                    allows either). "cross_query=sequence" is the other
//                    reading of Eq. 16 — CrossAttention(e_i, λ_i⊙(x+d)) with
//                    e_i as the query — through TransformerBlock's own
//                    cross-attention sub-layer (context = λ⊙(x_t + d_t)).
//   offset_noise     training noise ε = n + 0.1·c, c one draw per sample
//                    broadcast over the channels (forward_noise.h); inference
//                    noise stays N(0, I).
//   ensemble         Algorithm 3: R reverse runs with different seeds; each
//                    run's scores become a distribution p_r = softmax over the
//                    items (Eq. 24), the R distributions are averaged and
//                    score() returns log(mean_r p_r) — the same ranking as the
//                    averaged probabilities, and with R = 1 the same ranking
//                    as the raw dot products (which score() then returns).
//                    Run r uses ensembleSeed(seed, r); run 0 is the plain
//                    run. reverse() returns run 0 (one embedding).
//
// Training samples ("prefixes"). The reference DiffuRec makes every prefix of
// a training sequence a sample (target = the next item); here loss()
// expands the batch's sequences itself:
//   "all"    every prefix with a non-empty history (the reference; the
//            sequence is truncated to max_length first, as ADRec's Appendix B
//            does for a fair comparison). An epoch then sees what a reference
//            epoch sees, so epochs, StepLR and patience keep their meaning;
//            batch_size counts sequences, so one step holds all their
//            prefixes (default 128 sequences ≈ the reference's 1024 prefix
//            samples on Amazon data, ~8 prefixes a sequence). max_prefixes > 0
//            keeps a random subset of that many prefixes per sequence (long
//            sequences, e.g. ML-1M).
//   "random" one uniformly drawn prefix per sequence per step (cheap; an
//            epoch sees 1/n of the prefixes).
//   "last"   the samples as given (history -> target).
// Histories are left-padded to the batch's longest; the approximator runs on
// length buckets (widths 8, 16, 32, … up to L, each row in the narrowest that
// holds it) so short prefixes do not pay for the longest one. Padding is
// masked everywhere, so a row's result does not depend on its bucket width.
// reverse() buckets the same way (unless tracing). In training the buckets
// are back-propagated in chunks of at most chunk_positions positions
// (accumulateGradients): the gradient is the same, the peak memory that of
// one chunk instead of the whole expanded batch.
//
// Other choices: self-attention is bidirectional over the history as in the
// reference (causal = true is available); uniform timesteps (the reference
// DiffuRec samples them loss-aware); x0 = e_{n+1} without the extra one-step
// "x0 ~ q(x0 | e)" of DiffuRecSys Eq. 19 (its code has none); the reference's
// extra dropout after each block is not reproduced.
#pragma once

#include "core/diffusion/forward_noise.h"
#include "core/diffusion/schedule.h"
#include "core/models/model.h"
#include "core/models/sequence_encoder.h"
#include "core/nn/time_embedding.h"
#include "core/nn/transformer_block.h"

namespace recdiff::models {

ModelInfo diffurecInfo();
ModelInfo diffurecsysInfo();

// λ ~ N(δ, δ²) element-wise (mean δ, standard deviation δ), of `shape`.
torch::Tensor drawUncertainty(at::IntArrayRef shape, double delta, torch::Generator generator,
                              const torch::TensorOptions& options);

// The training samples of a batch of sequences for the prefix modes above
// ("all", "random", "last"): history [N,L] (left-padded, same width as the
// batch), mask, target; negatives empty. A sequence with an empty history
// contributes itself. `maxPerSequence` (0 = no cap) applies to "all".
data::Batch expandPrefixes(const data::Batch& batch, const std::string& mode, std::int64_t maxPerSequence,
                           torch::Generator generator);

// Rows of a batch grouped by history length: each bucket's rows (int64 on the
// batch's device, ascending) and the sub-batch trimmed to the bucket's width
// (8, 16, 32, …, capped at the batch width; padding columns only are cut).
struct LengthBucket {
  torch::Tensor rows;
  data::Batch batch;
};
std::vector<LengthBucket> lengthBuckets(const data::Batch& batch);

// log of the mean over runs of softmax(scores_r) along the items, for scores
// [B,N+1] with column 0 = -inf (stays -inf).
torch::Tensor averageScoreDistributions(const std::vector<torch::Tensor>& scores);

// The seed of ensemble run r (run 0 keeps `seed`).
std::uint64_t ensembleSeed(std::uint64_t seed, int run);

class DiffuRec : public Model {
 public:
  DiffuRec(const Config& config, const DataShape& shape) : DiffuRec("diffurec", config, shape) {}
  LossTerms loss(const data::Batch& batch, torch::Generator generator) override;
  // Back-propagates the prefixes in chunks of at most chunk_positions
  // history positions (a batch of 128 Beauty sequences holds ~1,200 prefixes
  // and ~50,000 positions: 3.5 GB of activations at once).
  LossTerms accumulateGradients(const data::Batch& batch, torch::Generator generator) override;
  torch::Tensor reverse(const data::Batch& batch, const ReverseOptions& options,
                        diffusion::TraceRecorder* trace) override;
  torch::Tensor score(const data::Batch& batch, const ReverseOptions& options) override;
  torch::Tensor itemEmbeddings() const override { return embedding_->table(); }
  std::int64_t diffusionSteps() const override { return schedule_.steps(); }

  // One call of the approximator: x̂0 [B,d] for x_t [B,d] at timesteps t [B]
  // (λ drawn with `generator`).
  torch::Tensor approximate(const data::Batch& batch, const torch::Tensor& xt, const torch::Tensor& t,
                            torch::Generator generator);

 protected:
  DiffuRec(const std::string& name, const Config& config, const DataShape& shape);

 private:
  enum class CrossMode { Off, TargetQuery, SequenceQuery };
  torch::Tensor embedHistory(const data::Batch& batch);  // h [B,L,d], 0 at padding
  torch::Tensor approximateFrom(const torch::Tensor& h, const torch::Tensor& mask, const torch::Tensor& xt,
                                const torch::Tensor& t, torch::Generator generator);
  // Σ over the samples of CE(x̂0·Eᵀ, target), one noisy draw each.
  torch::Tensor summedCrossEntropy(const data::Batch& samples, torch::Generator generator);
  torch::Tensor reverseWhole(const data::Batch& batch, const ReverseOptions& options, diffusion::TraceRecorder* trace);

  diffusion::NoiseSchedule schedule_;
  double delta_;
  bool causal_;
  CrossMode cross_;
  diffusion::NoiseOptions trainingNoise_;  // Gaussian, or offset noise (DiffuRecSys)
  ItemSequenceEmbedding embedding_{nullptr};
  torch::nn::LayerNorm inputNorm_{nullptr}, outputNorm_{nullptr};
  std::vector<nn::TransformerBlock> blocks_;
  std::vector<nn::MultiHeadAttention> crossAttention_;
  std::vector<torch::nn::LayerNorm> crossNorms_;
  nn::FastDropout dropout_{nullptr};
  nn::TimeEmbedding time_{nullptr};
};

class DiffuRecSys : public DiffuRec {
 public:
  DiffuRecSys(const Config& config, const DataShape& shape) : DiffuRec("diffurecsys", config, shape) {}
};

}  // namespace recdiff::models
