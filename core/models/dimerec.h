// DimeRec (paper 001, WSDM 2025): diffusion with multi-interest enhanced
// recommendation.
//
//   GEM (guidance extraction): K guidance vectors g ∈ R^{K×d}, either
//     model-based — ComiRec-SA's self-attentive extractor over E[seq] + P
//     (nn::MultiInterestExtractor, the module ADIGRec's G1 uses), or
//     rule-based — the embeddings of the last K items (Eq. 15).
//   DAM (diffusion aggregation): an MLP denoiser x̂0 = f(x_t, t, flatten(g)),
//     with the target on the unit sphere and geodesic-random-walk noise
//     (Algorithm 1).
//   L = L_gem + λ·L_recon + μ·L_ssm (Eq. 23):
//     L_gem   sampled softmax of the guidance row closest to e_a (Eq. 18-19);
//     L_recon ‖x0 - x̂0‖² (Eq. 21);
//     L_ssm   sampled softmax of x̂0 (Eq. 22); 10 uniform negatives.
//   Serving (Algorithm 2): x_T ~ N(0, I) normalised, T DDPM steps, each
//     L2-normalised; the final x0 is scored against E by dot products.
//
// Choices the paper leaves open, made here:
//   - "Map the embedding onto a sphere" applies to the diffusion space: x0 =
//     e_a/‖e_a‖, x_t and the reverse chain live on the sphere, L_recon
//     compares x̂0 with the normalised target. L_gem and L_ssm use raw dot
//     products with the (unnormalised) item table, and so does serving —
//     as this repository's ADIGRec does. Cosine logits in [-1, 1] would need
//     a temperature the paper does not give.
//   - Algorithm 2 writes "+ β̃_t·ε'": read as the standard deviation √β̃_t
//     (DDPM; the shared sampler), with no noise on the last step.
//   - f is "a simple MLP" over (x_t, t, g): concat(x_t, t_E, flatten(g)) →
//     Linear → GELU → Linear → d with denoiser_hidden units (0 = a single
//     Linear). t_E is the DiffuRec-style embedding (t' = t·1000/T, so the
//     20 steps spread over the sinusoid's frequencies).
//   - Noise schedule: the paper says only "pre-designed"; linear (DDPM's
//     1e-4…0.02 scaled to T) by default, selectable.
//   - Rule-based GEM: g = E[S[-K:]] without positional embeddings; a history
//     shorter than K leaves zero rows (padding) that L_gem never selects.
//   - Model-based GEM: H = E[seq], A = softmax(MLP(H + P)), g = Aᵀ·H as in
//     the shared extractor; no embedding dropout by default (ComiRec's
//     codebase, which DimeRec builds on, has none).
//   - Without GRW (grw = false, the "w/o GRW" ablation) the model lives in
//     Euclidean space: Gaussian q_sample of the raw e_a, L_recon against the
//     raw e_a, and a reverse chain without renormalisation.
//   - Every loss component is reported each batch (unweighted), also when
//     its switch keeps it out of the total — the paper's Figure 4 plots them.
//
// Ablation switches (Table 4, Figure 3): use_gem, use_recon, use_ssm, grw;
// gem = model|rule (Table 3's GEM choice); interests K.
//
// Inspection: "interests" [B,K,d], "interest_mask" [B,K] (valid rows), and
// for the model-based GEM "routing_weights" [B,L,K], "routing_covariance"
// [B,K,K], "l_reg" [B] (ADIGRec's regulariser as a diagnostic).
#pragma once

#include "core/diffusion/schedule.h"
#include "core/models/model.h"
#include "core/models/sequence_encoder.h"
#include "core/nn/multi_interest_extractor.h"
#include "core/nn/time_embedding.h"

namespace recdiff::models {

ModelInfo dimerecInfo();

// L_gem (Eq. 18-19): for each row b the guidance row of interests[b] with
// the largest dot product with target[b] among the valid rows, scored by
// sampled softmax against negatives. interests [B,K,d], valid [B,K] bool
// (undefined = all valid), target [B,d], negatives [B,n,d].
torch::Tensor guidanceLoss(const torch::Tensor& interests, const torch::Tensor& valid, const torch::Tensor& target,
                           const torch::Tensor& negatives);

// The rule-based GEM: the embeddings of the last K items [B,K,d] of
// `items` = E[history] [B,L,d], and which rows are real items [B,K]; when
// L < K the missing rows are zero and invalid.
struct RuleGuidance {
  torch::Tensor interests;
  torch::Tensor valid;
};
RuleGuidance lastItemsGuidance(const torch::Tensor& items, const torch::Tensor& mask, std::int64_t k);

class DimeRec : public Model {
 public:
  DimeRec(const Config& config, const DataShape& shape);
  LossTerms loss(const data::Batch& batch, torch::Generator generator) override;
  torch::Tensor reverse(const data::Batch& batch, const ReverseOptions& options,
                        diffusion::TraceRecorder* trace) override;
  torch::Tensor itemEmbeddings() const override { return embedding_->table(); }
  std::int64_t diffusionSteps() const override { return schedule_.steps(); }
  Inspection inspect(const data::Batch& batch) override;

 private:
  struct Guidance {
    torch::Tensor g;        // [B,K,d]
    torch::Tensor valid;    // [B,K] bool
    torch::Tensor weights;  // [B,L,K] routing weights (model-based GEM only)
  };
  Guidance guidance(const data::Batch& batch);
  torch::Tensor denoise(const torch::Tensor& xt, const torch::Tensor& t, const Guidance& g);

  diffusion::NoiseSchedule schedule_;
  bool modelGem_;
  bool grw_;
  std::int64_t k_;
  ItemSequenceEmbedding embedding_{nullptr};
  nn::MultiInterestExtractor extractor_{nullptr};
  nn::TimeEmbedding time_{nullptr};
  torch::nn::Sequential denoiser_{nullptr};
};

}  // namespace recdiff::models
