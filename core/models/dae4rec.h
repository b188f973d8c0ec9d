// DAE4Rec (paper 004, AAAI 2025): diffusion with auxiliary information
// mining-exploration (AIME) and an efficient (skip-step) sampling mechanism.
//
//   Condition h: single-head self-attention over E[history] (Eq. 4), the
//     outputs summed over the valid positions.
//   Denoiser: x̂0 = f(x_t, t, h), an MLP over concat(x_t, t_E, h).
//   L_diff = λ_t·‖e0 - x̂0‖² (Eq. 5), λ_t = ᾱ_{t-1}(1-ᾱ_t)/(2β_t(1-ᾱ_{t-1})).
//   Item-item graph (item_graph.h) → GAE (graph_autoencoder.h) pre-trained
//     with BCE, then frozen as Z*; L_AIME = ‖σ(E Eᵀ) - σ(Z* Z*ᵀ)‖² (Eq. 10);
//     L = L_diff + δ·L_AIME (Eq. 11).
//   Sampling: DDIM skip-step (η = 0) over S < T steps (Eq. 15); the last
//     step e^{τ1} → e^0 is the compensator ĉ0 = c_φ(e^{τ1}, h) (Eq. 16),
//     trained after f_θ is frozen.
//
// Training runs in stages (stages()/beginStage()):
//   "gae"         (gae_epochs)  only the GAE's W0, W1: sampled BCE (l_gae);
//                 at its end Z* = GAE(Â) is stored in a buffer. Not
//                 validated: the untrained denoiser ranks at chance, and
//                 that score must not become the best one the diffusion
//                 stage has to beat (on zhihu it once did: the trainer
//                 stopped and restored the untrained denoiser).
//   "diffusion"   (early stopping) everything but the GAE and c_φ:
//                 L_diff + δ·L_AIME (l_diff, l_aime).
//   "compensator" (compensator_epochs) only c_φ: ‖e0 - c_φ(e^{τ1}, h)‖² (l_com).
// The "gae" stage exists only with aime on and aime_target = gae; the
// "compensator" stage only with compensator on. A model that never saw
// beginStage() is in the "diffusion" stage, so loss() works stand-alone.
// The graph comes from observeTrainingData() (the trainer calls it before
// the first stage) and is built from the training samples only; it is not
// saved in checkpoints (inference never needs it; Z* is a buffer and is).
//
// Choices the paper leaves open, made here:
//   - λ_t diverges at t = 1 (1-ᾱ_0 = 0) and spans ~1e-3…1e4 over a linear
//     T = 1000 schedule: it is clipped to at most lambda_max = 5 (the Min-SNR
//     γ = 5 of Hang et al. 2023, which the paper cites), λ_1 = lambda_max.
//     loss_weighting = false gives the plain MSE (λ_t = 1). Eq. 5 writes
//     √α_t where q_sample needs √ᾱ_t: a typo, ᾱ is used.
//   - L_AIME is the mean of the squared difference over an aime_block ×
//     aime_block block of items drawn uniformly (with replacement) per batch:
//     an unbiased estimate of ‖·‖²/N², never the N×N matrix; δ absorbs N².
//     aime_target = graph replaces σ(Z*Z*ᵀ) by the 0/1 adjacency A (the
//     paper's "-C_ground" variant; no GAE stage then). Until Z* exists (no
//     GAE stage has run) L_AIME is left out.
//   - GAE: identity node features, hidden width gae_hidden, output width d
//     ("when Z* and E have the same latent dimension"); each loss() call of
//     the "gae" stage samples gae_edges positive entries of A (edges and
//     self-loops, uniformly) and gae_negatives × as many uniform item pairs
//     as non-edges.
//   - The compensator's input e^{τ1}: the paper samples it "by Eq. (15)"
//     with the trained f_θ, i.e. by running the skip-step chain from
//     x_T ~ N(0, I) down to τ1 (compensator_input = reverse, the default:
//     S-1 frozen denoiser calls per batch, no gradients). compensator_input
//     = forward uses q_sample(e0, τ1) instead (cheaper, but it does not see
//     the trajectory error the compensator exists to correct).
//     c_φ = Linear(2d→2d), GELU, Linear(2d→d) over concat(e^{τ1}, h).
//   - What c_φ outputs: Eq. 16 has it predict e^0 itself
//     (compensator_form = direct, the default), a network that starts from
//     nothing and must relearn what f_θ* already knows. The paper's words
//     for it ("correct residuals", "mitigates residuals") also fit
//     compensator_form = residual: ê0 = f_θ*(e^{τ1}, τ1, h) + c_φ(e^{τ1}, h),
//     with c_φ's last layer zeroed when its stage begins, so training starts
//     from the plain DDIM last step.
//   - The compensator replaces the last step only once its stage has run
//     (a buffer holds the τ1 it was trained for, 0 before: a checkpoint from
//     before it, or a best snapshot restored from the diffusion stage,
//     samples without it), only for runs whose τ1 is the one it was trained
//     for (also after loading its weights into a model configured for
//     another S), and only while
//     ReverseOptions.compensator is on (off: the same model's plain DDIM
//     last step, for the with/without comparison). A compensator for
//     another S is trained from a checkpoint by `recdiff train --init CKPT
//     --stage compensator --set sampling_steps=S`.
//   - ReverseOptions.steps == 0 means "the model's sampling": `sampler`
//     (ddim) with `sampling_steps` S (0 = T/2, the paper's choice). Other
//     steps/sampler values are used as given (e.g. steps = T, sampler =
//     ddpm: the paper's -BM benchmark).
//   - f: Linear(3d→2d), GELU, Linear(2d→d) ("denoise MLP"; denoiser = linear
//     gives DreamRec's Linear(3d→d)); DreamRec-style t_E; item embeddings
//     N(0, 1) as DreamRec's (DAE4Rec compares to and builds on it); the
//     attention has no positional embedding, no causal mask and no output
//     projection ([Q, K, V] = e W, Eq. 4). No classifier-free guidance (the
//     paper samples with f_θ(e, τ, h) directly).
//   - Hyper-parameters the paper does not give (lr, batch, d) follow
//     DreamRec's reference: Adam 0.005, batch 256, d = 64; T = 1000,
//     S = T/2 are the paper's.
//
// Ablation switches (Table 3, Figures 3-4): aime (-C), aime_target graph
// (-C_ground), compensator (-A), sampling_steps S, delta δ.
//
// Inspection: "condition_h" [B,d], "condition_attention" [B,L,L].
#pragma once

#include <memory>

#include "core/diffusion/schedule.h"
#include "core/models/graph_autoencoder.h"
#include "core/models/item_graph.h"
#include "core/models/model.h"
#include "core/models/sequence_encoder.h"
#include "core/nn/time_embedding.h"

namespace recdiff::models {

ModelInfo dae4recInfo();

// λ_t of Eq. 5 for t = 0..T (entry 0 unused, 0), each clipped to at most
// maxWeight; λ_1 (1-ᾱ_0 = 0) is maxWeight.
std::vector<double> dae4recLossWeights(const diffusion::NoiseSchedule& schedule, double maxWeight);

// L_AIME on a block: mean((σ(E Eᵀ) - target)²) with E [K,d], target [K,K]
// (σ(Z* Z*ᵀ) of the same items, or their 0/1 adjacency).
torch::Tensor aimeLoss(const torch::Tensor& embeddings, const torch::Tensor& target);

class Dae4Rec : public Model {
 public:
  Dae4Rec(const Config& config, const DataShape& shape);
  LossTerms loss(const data::Batch& batch, torch::Generator generator) override;
  torch::Tensor reverse(const data::Batch& batch, const ReverseOptions& options,
                        diffusion::TraceRecorder* trace) override;
  torch::Tensor itemEmbeddings() const override { return embedding_->table(); }
  std::int64_t diffusionSteps() const override { return schedule_.steps(); }
  Inspection inspect(const data::Batch& batch) override;

  void observeTrainingData(const data::SequenceDataset& dataset) override;
  std::vector<TrainingStage> stages() const override;
  void beginStage(std::size_t stage) override;
  std::vector<torch::Tensor> trainableParameters() override;

  // For tests and the GUI.
  const ItemGraph& graph() const { return graph_; }
  torch::Tensor frozenGraphEmbeddings() const { return zStar_; }  // Z* [N+1,d]
  bool graphEmbeddingsReady() const;
  // The τ1 the compensator was trained for (0: none); it serves every run
  // whose chain ends at that τ1. Ready: trained for the configured sampling.
  int compensatorTrainedFor() const;
  bool compensatorReady() const;
  int samplingSteps() const { return samplingSteps_; }  // the configured S
  int compensatorTimestep() const { return tau1_; }     // τ1 of the configured sampling
  const std::string& currentStage() const { return stage_; }
  torch::Tensor condition(const data::Batch& batch, torch::Tensor* attention = nullptr);

 private:
  LossTerms gaeLoss(torch::Generator generator);
  LossTerms diffusionLoss(const data::Batch& batch, torch::Generator generator);
  LossTerms compensatorLoss(const data::Batch& batch, torch::Generator generator);
  torch::Tensor denoise(const torch::Tensor& xt, const torch::Tensor& t, const torch::Tensor& h);
  torch::Tensor compensate(const torch::Tensor& xTau1, const torch::Tensor& h);
  torch::Tensor lossWeights(const torch::Device& device);
  bool needsGae() const;
  ReverseOptions samplingOptions(const ReverseOptions& options) const;

  diffusion::NoiseSchedule schedule_;
  bool aime_;
  bool compensator_;
  bool residualCompensator_;  // compensator_form = residual
  int samplingSteps_ = 1;     // S
  int tau1_ = 1;
  std::string stage_ = "diffusion";
  ItemGraph graph_;
  ItemSequenceEmbedding embedding_{nullptr};
  torch::nn::Linear wq_{nullptr}, wk_{nullptr}, wv_{nullptr};
  nn::TimeEmbedding time_{nullptr};
  torch::nn::Sequential denoiser_{nullptr};
  torch::nn::Sequential compensatorNet_{nullptr};
  GraphAutoEncoder gae_{nullptr};
  torch::Tensor zStar_;            // buffer [N+1,d]
  torch::Tensor zStarReady_;       // buffer [] 0/1
  torch::Tensor compensatorTau1_;  // buffer []: compensatorTrainedFor()
  torch::Tensor lossWeights_;      // [T+1] float, cached on the last device
};

}  // namespace recdiff::models
