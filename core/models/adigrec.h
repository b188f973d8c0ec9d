// ADIGRec (paper 000): adaptive dynamic-interest guidance for diffusion
// sequential recommendation.
//
//   G1 (inherent interests): ComiRec-SA extractor over E[seq] + P -> k×d,
//      with routing weights A (L×k).
//   G2 (dynamic interest):   2 causal transformer blocks over E[seq] + P,
//      the last position -> 1×d.
//   G = concat(G1, broadcast G2) along features -> k×2d.
//   AI²M: softmax(((x_t + t_E)W_Q)(G W_K)ᵀ/√d)(G W_V), concatenated to x_t.
//   f_θ: a single-layer MLP over concat(x_t', flatten(G), t_E) -> x̂0.
//   L = L_G1 + λ1·L_simple + λ2·L_ssm + L_reg (Eq. 20).
//
// Choices the paper leaves open, made here (see ../shared/MODELS.md):
//   - f_θ's input uses flatten(G) (k·2d values): "concatenated with the
//     guidance conditions". "Single-layer" is read as one Linear layer;
//     denoiser_hidden > 0 adds a GELU hidden layer for experiments.
//   - Forward noise: Algorithm 1 literally — Gaussian q_sample of the
//     L2-normalised target, then L2-normalised ("gaussian-normalised");
//     "geodesic" (DimeRec's walk) is the alternative.
//   - The timestep embedding follows DreamRec (the paper builds on it):
//     raw t, [sin, cos], Linear(d→2d), GELU, Linear(2d→d).
//   - L_ssm uses x̂0 in numerator and denominator (Eq. 19 mixes g into the
//     denominator: a typo).
//   - G2's two blocks are causal (SASRec-style); the last position sees the
//     whole history either way.
//   - L_G1 and L_reg exist only when the guidance contains G1 (the G2-only
//     ablation row trains no interest extractor).
//   - L_reg's weight is 1 as in Eq. 20 (reg_weight exposes it).
//
// Ablation switches (Tables 3-5): guidance g1|g2|concat|add|multiply|concat-k,
// ai2m on/off, reg full|offdiag|off, interests k.
#pragma once

#include "core/diffusion/schedule.h"
#include "core/models/model.h"
#include "core/models/sequence_encoder.h"
#include "core/nn/multi_interest_extractor.h"
#include "core/nn/time_embedding.h"
#include "core/nn/transformer_block.h"

namespace recdiff::models {

ModelInfo adigrecInfo();

class AdigRec : public Model {
 public:
  AdigRec(const Config& config, const DataShape& shape);
  LossTerms loss(const data::Batch& batch, torch::Generator generator) override;
  torch::Tensor reverse(const data::Batch& batch, const ReverseOptions& options,
                        diffusion::TraceRecorder* trace) override;
  torch::Tensor itemEmbeddings() const override { return embedding_->table(); }
  std::int64_t diffusionSteps() const override { return schedule_.steps(); }
  Inspection inspect(const data::Batch& batch) override;

 private:
  struct Guidance {
    torch::Tensor g;        // [B,gk,gd] the condition the denoiser sees
    torch::Tensor g1;       // [B,k,d] (undefined when unused)
    torch::Tensor g2;       // [B,d]   (undefined when unused)
    torch::Tensor weights;  // [B,L,k] routing weights (undefined when unused)
  };
  Guidance guidance(const data::Batch& batch);
  // x̂0 = f_θ(x_t, G, t); `attention` receives AI²M's weights [B,gk] if set.
  torch::Tensor denoise(const torch::Tensor& xt, const torch::Tensor& t, const Guidance& g, torch::Tensor* attention);
  bool usesG1() const;
  bool usesG2() const;

  diffusion::NoiseSchedule schedule_;
  std::string guidanceKind_;
  bool ai2m_;
  std::string reg_;
  ItemSequenceEmbedding embedding_{nullptr};
  nn::MultiInterestExtractor extractor_{nullptr};
  std::vector<nn::TransformerBlock> dynamicBlocks_;
  nn::TimeEmbedding time_{nullptr};
  torch::nn::Linear wq_{nullptr}, wk_{nullptr}, wv_{nullptr};
  torch::nn::Sequential denoiser_{nullptr};
};

}  // namespace recdiff::models
