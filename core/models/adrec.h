// ADRec (paper 002, KDD 2025): auto-regressive diffusion with token-level
// (per-position) noise.
//
//   E[seq] -> dropout -> LayerNorm            (no positional embedding, Table 8)
//   CAM: 2 causal post-LN blocks              c = CAM(...)            [B,L,d]
//   targets: the shifted sequence             x0_i = E[next item of i]
//   token-level forward noise                 t_i ~ U{1..T} per valid position,
//                                             t = 0 (clean) at padding
//   aggregation                               z = c + λ·(x_t + t_emb), λ = 1e-3
//   ADM: 2 causal post-LN blocks over z       x̂0 at every position   [B,L,d]
//   loss: CE of x̂0·Eᵀ over all items at every valid position + MSE(x̂0, x0)
//
// Inference (its Eq. 14): t = [0, …, 0, T]. The history positions carry their
// clean next-item embeddings with t = 0, only the last position starts from
// N(0, I) and is denoised over all T steps; x̂0 of the last position is scored.
// Because CAM and ADM are causal, everything but the last position is the same
// at every reverse step: the prefix runs once and each step decodes the last
// position alone against cached keys and values (see reverse()).
//
// Training runs in three stages, one trainer run (stages()):
//   "pretrain" (until early stopping): a SASRec+-style causal model — the CAM
//       over the same embedding front-end — trained with next-item CE at every
//       position (nextItemCrossEntropy); its only lasting product is E. While
//       the model is in this stage reverse() is that SASRec+ (last position),
//       so the stage's validation is meaningful.
//   "warmup" (warmup_epochs = 5): the CAM and its input norm are re-initialised
//       ("the causal attention module is trained from scratch"), E is frozen
//       (requires_grad off, not in trainableParameters()).
//   "full" (until early stopping): every parameter.
// The stage the model is in is a buffer ("phase"), so the trainer's best
// snapshot and checkpoints carry it: if the best validation came from the
// pre-training stage, the restored model scores as that SASRec+.
//
// Choices made here (see ../shared/MODELS.md):
//   - Gradient combination. The reference runs PCGrad with projection off:
//     every parameter that receives a gradient from both losses gets the mean
//     of the two, a parameter with only one gets that one. Every trainable
//     parameter of ADRec feeds x̂0, which both losses read (E also enters the
//     MSE as its target), so every parameter is shared and the combined
//     gradient is exactly ∇(CE + w·MSE)/2: total = (CE + w·MSE)/2 (w =
//     mse_weight, the reference's loss_scale, 1). Without MSE, total = CE.
//   - MSE is mean over valid tokens of the per-channel mean squared error
//     (F.mse_loss per element, as the reference); the reference averages per
//     sequence first, MODELS.md says over valid tokens — tokens it is. The
//     MSE target E[next] is not detached (the reference does not).
//   - CE scores items 1..N (padding is never a class), averaged over tokens.
//   - Heads: 4 (the reference's encoder); FFN 4×d with GELU.
//   - The pre-training encoder is the CAM itself (the paper: "we pre-train the
//     embedding layer using the causal attention module"). The reference code
//     pre-trains a separate SASRec instead: learned positional embeddings
//     added to E, then LayerNorm, then dropout (ADRec: dropout, then
//     LayerNorm, no positions). pretrain_encoder=sasrec gives that front end
//     to stage 1 over the same blocks (they are re-initialised after stage 1
//     either way, so only the front end differs); the positions are dropped
//     with the CAM, since ADRec never uses them.
//   - MLP denoiser (ablation): the reference's Linear(d→4d), SiLU,
//     Linear(4d→d), LayerNorm, applied per position.
//   - Without CAM (ablation): c is the normalised embedding sequence itself.
//   - Without pre-training: no "pretrain" stage and, since warm-up exists to
//     align the backbone with pre-trained embeddings, no "warmup" either —
//     the paper's end-to-end variant. Without warm-up: "pretrain", "full".
//   - attend_padding (off: the paper's masked attention). The reference code
//     masks only the *queries* of padded positions, so every real position
//     also attends to the left padding, whose embedding (row 0 of its E) is
//     learned: LN(dropout(E[0])) fills every padded slot. On, the CAM and ADM
//     see padding as a learned token (all keys allowed, causal order kept);
//     CE, MSE and scoring still use real positions only, and the token is
//     frozen with E during warm-up. Padded queries attend by content here
//     where the reference's attend uniformly; they see only padding either
//     way (left padding, causal), so in eval mode the two agree.
//   - reference_code (off): the official code's numerics, so that a model
//     trained with it (recdiff import --from adrec-official) computes here
//     what it computed there; tests/core/test_parity_adrec_torch.cpp checks
//     it against the official code's outputs, docs/parity/adrec.md lists the
//     differences it switches: TF-style LayerNorm with ε = 1e-12 inside the
//     square root, GELU's tanh form, the time embedding of t-1 (the code
//     counts noise levels from 0, sharing the clean positions' embedding
//     with the first level), reverse noise σ_t² = β_t instead of the
//     posterior variance, CE over all rows of E (the padding row is a class),
//     MSE averaged over each sequence's real positions, then over sequences.
//
// Inspection: "cam_attention" [B,blocks,L,L] (CAM self-attention, mean over
// heads) from inspect(); each traced reverse step reports "adm_attention"
// [B,blocks,L], the last position's ADM attention (mean over heads).
#pragma once

#include "core/diffusion/schedule.h"
#include "core/models/model.h"
#include "core/models/sequence_encoder.h"
#include "core/nn/time_embedding.h"
#include "core/nn/transformer_block.h"

namespace recdiff::models {

ModelInfo adrecInfo();

// Per-token timesteps for a [B,L] mask: uniform in 1..T at real positions,
// 0 (clean) at padding. int64 [B,L] on the mask's device.
torch::Tensor perTokenTimesteps(const torch::Tensor& mask, int T, torch::Generator generator);

// The next item of every position of a left-padded batch: history[i+1], and
// the target after the last position. int64 [B,L].
torch::Tensor shiftedTargets(const data::Batch& batch);

// Mean over the real positions of mask [B,L] of the per-channel mean squared
// error between prediction and target [B,L,d].
torch::Tensor maskedMeanSquaredError(const torch::Tensor& prediction, const torch::Tensor& target,
                                     const torch::Tensor& mask);
// The reference's form: per sequence, the mean over its real positions of
// the summed squared error, then the mean over sequences and channels.
torch::Tensor sequenceMeanSquaredError(const torch::Tensor& prediction, const torch::Tensor& target,
                                       const torch::Tensor& mask);
// Next-item CE at every real position with the padding row of E a class too
// (the reference's CrossEntropyLoss(ignore_index=0) over E·x̂0).
torch::Tensor crossEntropyWithPaddingClass(const torch::Tensor& outputs, const torch::Tensor& itemTable,
                                           const data::Batch& batch);

class AdRec : public Model {
 public:
  enum class Phase : std::int64_t { Pretrain = 0, Warmup = 1, Full = 2 };

  AdRec(const Config& config, const DataShape& shape);
  LossTerms loss(const data::Batch& batch, torch::Generator generator) override;
  torch::Tensor reverse(const data::Batch& batch, const ReverseOptions& options,
                        diffusion::TraceRecorder* trace) override;
  torch::Tensor itemEmbeddings() const override { return embedding_->table(); }
  std::int64_t diffusionSteps() const override { return schedule_.steps(); }
  Inspection inspect(const data::Batch& batch) override;

  std::vector<TrainingStage> stages() const override;
  void beginStage(std::size_t stage) override;
  std::vector<torch::Tensor> trainableParameters() override;

  Phase phase() const;

  // x̂0 [B,L,d] of the denoiser for given x_t [B,L,d] and per-position
  // timesteps t [B,L] (0 = clean): one call of the ADM, for inspection and
  // the parity tests.
  torch::Tensor denoise(const data::Batch& batch, const torch::Tensor& xt, const torch::Tensor& t);
  // loss() with given timesteps [B,L] (0 at padding) and noise [B,L,d].
  LossTerms lossWith(const data::Batch& batch, const torch::Tensor& t, const torch::Tensor& noise);

 private:
  // LN(dropout(E[seq])), 0 at padding (attend_padding: the learned token's
  // LN(dropout(·)) there); in stage 1 with pretrain_encoder=sasrec
  // dropout(LN(E[seq] + P)).
  torch::Tensor normalisedHistory(const data::Batch& batch);
  torch::Tensor context(const torch::Tensor& h, const torch::Tensor& mask);  // c = CAM(h)
  // The blocks' key mask: the batch mask, or all true with attend_padding.
  torch::Tensor attentionMask(const torch::Tensor& mask) const;
  // x̂0 [B,L,d] from the aggregated input z [B,L,d].
  torch::Tensor denoiseSequence(const torch::Tensor& z, const torch::Tensor& mask);
  torch::Tensor aggregate(const torch::Tensor& c, const torch::Tensor& xt, const torch::Tensor& t);
  void setPhase(Phase phase);
  void resetContextModule();
  torch::Tensor reverseLastPosition(const data::Batch& batch, const ReverseOptions& options,
                                    diffusion::TraceRecorder* trace);

  diffusion::NoiseSchedule schedule_;
  double lambda_;
  bool useCam_;
  bool useMse_;
  bool mlpDenoiser_;
  bool referenceCode_;
  nn::TransformerBlockOptions blockOptions_;
  ItemSequenceEmbedding embedding_{nullptr};
  torch::nn::LayerNorm inputNorm_{nullptr};
  // pretrain_encoder=sasrec only: the stage-1 positions and post-norm dropout.
  torch::nn::Embedding pretrainPositions_{nullptr};
  nn::FastDropout pretrainDropout_{nullptr};
  // attend_padding only: the learned padding embedding and its dropout.
  torch::Tensor paddingToken_;
  nn::FastDropout paddingDropout_{nullptr};
  std::vector<nn::TransformerBlock> cam_;
  std::vector<nn::TransformerBlock> adm_;
  torch::nn::Sequential mlp_{nullptr};
  nn::TimeEmbedding time_{nullptr};
  torch::Tensor phase_;  // int64 scalar buffer
};

}  // namespace recdiff::models
