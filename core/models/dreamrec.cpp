#include "core/models/dreamrec.h"

#include <torch/torch.h>

#include "core/diffusion/forward_noise.h"
#include "core/models/diffusion_reverse.h"

namespace recdiff::models {

ModelInfo dreamrecInfo() {
  ModelInfo info;
  info.name = "dreamrec";
  info.displayName = "DreamRec";
  info.paper = "DreamRec (Yang et al., NeurIPS 2023): guided diffusion, MSE only";
  info.params = {
      {"dim", std::int64_t{64}, "64", "embedding size d", {}, between(1, 4096)},
      {"diffusion_steps",
       std::int64_t{500},
       "500-2000 (reference default 200)",
       "diffusion steps T",
       {},
       between(1, 10000)},
      {"schedule",
       std::string("exp"),
       "exp (reference default; linear on some datasets)",
       "noise schedule",
       {"linear", "cosine", "sqrt", "truncated-linear", "exp"}},
      {"guidance_weight", 2.0, "2-4 (reference default 2)", "classifier-free guidance weight w", {}, between(0, 100)},
      {"p_uncond", 0.1, "0.1", "probability of replacing h by the null vector in training", {}, between(0, 1)},
      {"denoiser", std::string("mlp1"), "mlp1: Linear(3d→d)", "denoiser over concat(x_t, h, t_E)", {"mlp1", "mlp2"}},
      {"blocks", std::int64_t{1}, "1", "transformer blocks of the encoder", {}, between(1, 64)},
      {"heads", std::int64_t{1}, "1", "attention heads of the encoder", {}, between(1, 64)},
      {"dropout", 0.1, "0.1", "dropout (embeddings and encoder)", {}, between(0, 1)},
      {"embedding_std",
       1.0,
       "1 (reference init N(0,1))",
       "std of the item-embedding and null-vector init",
       {},
       positive(1000)},
  };
  info.rules = {divides("heads", "dim")};
  TrainingDefaults t;
  t.optimizer = "adam";
  t.learningRate = 0.005;
  t.batchSize = 256;
  t.maxLength = 10;
  auto train = trainingParams(t, " (reference default 0.005; per-dataset 1e-4…5e-3)");
  info.params.insert(info.params.end(), train.begin(), train.end());
  return info;
}

torch::Tensor classifierFreeGuidance(const torch::Tensor& conditional, const torch::Tensor& unconditional, double w) {
  return conditional * (1.0 + w) - unconditional * w;
}

DreamRec::DreamRec(const Config& config, const DataShape& shape)
    : Model("dreamrec", config, shape),
      schedule_(diffusion::parseScheduleKind(getString("schedule")), static_cast<int>(getInt("diffusion_steps"))) {
  const auto d = getInt("dim");
  const double p = getDouble("p_uncond");
  if (!(p >= 0.0 && p <= 1.0)) throw ConfigError("dreamrec: p_uncond must lie in [0, 1]");
  embedding_ = register_module(
      "embedding", ItemSequenceEmbedding(shape.numItems, d, getInt("max_length"), true, getDouble("dropout")));
  const double std = getDouble("embedding_std");
  {
    torch::NoGradGuard noGrad;
    auto table = embedding_->table();
    table.normal_(0.0, std);
    table[0].zero_();
  }
  nn::TransformerBlockOptions o;
  o.dim = d;
  o.heads = getInt("heads");
  o.ffnMultiplier = 1;
  o.dropout = getDouble("dropout");
  o.causal = true;
  o.preNorm = true;
  for (std::int64_t i = 0; i < getInt("blocks"); ++i) {
    blocks_.push_back(register_module("block" + std::to_string(i), nn::TransformerBlock(o)));
  }
  norm_ = register_module("norm", torch::nn::LayerNorm(torch::nn::LayerNormOptions({d})));
  time_ = register_module("time", nn::TimeEmbedding(d, schedule_.steps(), nn::TimeEmbeddingStyle::DreamRec));
  denoiser_ = getString("denoiser") == "mlp2" ? torch::nn::Sequential(torch::nn::Linear(3 * d, 2 * d),
                                                                      torch::nn::GELU(), torch::nn::Linear(2 * d, d))
                                              : torch::nn::Sequential(torch::nn::Linear(3 * d, d));
  register_module("denoiser", denoiser_);
  null_ = register_parameter("null", torch::randn({1, d}) * std);
}

torch::Tensor DreamRec::condition(const data::Batch& batch) {
  auto h = embedding_->positioned(batch.history, batch.mask);
  for (auto& block : blocks_) h = block(h, batch.mask);
  return norm_(h).select(1, -1);
}

torch::Tensor DreamRec::denoise(const torch::Tensor& xt, const torch::Tensor& h, const torch::Tensor& t) {
  return denoiser_->forward(torch::cat({xt, h, time_(t)}, -1));
}

torch::Tensor DreamRec::guidedDenoise(const torch::Tensor& xt, const torch::Tensor& h, const torch::Tensor& t,
                                      torch::Tensor* conditional, torch::Tensor* unconditional) {
  const double w = getDouble("guidance_weight");
  if (w == 0.0 && !unconditional) {
    auto c = denoise(xt, h, t);
    if (conditional) *conditional = c;
    return c;
  }
  // Both branches in one pass: [h; ∅] against [x_t; x_t].
  const auto B = xt.size(0);
  auto both = denoise(torch::cat({xt, xt}, 0), torch::cat({h, null_.expand({B, -1})}, 0), torch::cat({t, t}, 0));
  auto c = both.slice(0, 0, B);
  auto u = both.slice(0, B);
  if (conditional) *conditional = c;
  if (unconditional) *unconditional = u;
  return classifierFreeGuidance(c, u, w);
}

LossTerms DreamRec::loss(const data::Batch& batch, torch::Generator generator) {
  auto h = condition(batch);
  const auto B = batch.size();
  auto drop = torch::rand({B, 1}, generator, h.options().requires_grad(false)) < getDouble("p_uncond");
  h = torch::where(drop, null_.expand({B, -1}), h);
  auto e0 = embedding_->table().index_select(0, batch.target);
  auto t = diffusion::sampleTimesteps(B, schedule_.steps(), generator, e0.device());
  auto xt = diffusion::qSample(schedule_, e0, t, {}, generator).xt;
  auto x0Hat = denoise(xt, h, t);
  auto mse = (e0 - x0Hat).pow(2).sum(-1).mean();
  return {mse, {{"l_mse", mse}}};
}

torch::Tensor DreamRec::reverse(const data::Batch& batch, const ReverseOptions& options,
                                diffusion::TraceRecorder* trace) {
  torch::NoGradGuard noGrad;
  auto h = condition(batch);
  DiffusionDenoiser denoiser = [&](const torch::Tensor& xt, const torch::Tensor& t, diffusion::StepExtras* extras) {
    if (!extras) return guidedDenoise(xt, h, t);
    torch::Tensor c, u;
    auto x0Hat = guidedDenoise(xt, h, t, &c, &u);
    extras->put("cfg_conditional", c);
    extras->put("cfg_unconditional", u);
    return x0Hat;
  };
  return reverseFromNoise(schedule_, denoiser, batch.size(), getInt("dim"), options,
                          /*sphere=*/false, trace, embedding_->table().device());
}

Inspection DreamRec::inspect(const data::Batch& batch) {
  torch::NoGradGuard noGrad;
  return {{"condition_h", condition(batch)}, {"null_vector", null_.detach()}};
}

}  // namespace recdiff::models
