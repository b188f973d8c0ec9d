#include "core/models/dimerec.h"

#include <limits>

#include <torch/torch.h>

#include "core/diffusion/forward_noise.h"
#include "core/models/diffusion_reverse.h"
#include "core/models/routing_regulariser.h"
#include "core/models/sampled_softmax.h"

namespace recdiff::models {

ModelInfo dimerecInfo() {
  ModelInfo info;
  info.name = "dimerec";
  info.displayName = "DimeRec";
  info.paper = "DimeRec (paper 001, WSDM 2025): multi-interest guidance + diffusion aggregation";
  info.params = {
      {"dim", std::int64_t{64}, "64", "embedding size d", {}, between(1, 4096)},
      {"interests", std::int64_t{4}, "4", "guidance length K (number of interests)", {}, between(1, 256)},
      {"gem",
       std::string("model"),
       "model (ComiRec-SA)",
       "guidance extraction: model-based or last K items",
       {"model", "rule"}},
      {"diffusion_steps", std::int64_t{20}, "20 (Table 5)", "diffusion steps T", {}, between(1, 10000)},
      {"schedule",
       std::string("linear"),
       "not stated",
       "noise schedule",
       {"linear", "cosine", "sqrt", "truncated-linear", "exp"}},
      {"grw", true, "on", "sphere + geodesic random walk (off: Euclidean Gaussian noise)", {}},
      {"use_gem", true, "on", "include L_gem (ablation: w/o L_gem)", {}},
      {"use_recon", true, "on", "include λ·L_recon (ablation: w/o L_recon)", {}},
      {"use_ssm", true, "on", "include μ·L_ssm (ablation: w/o L_ssm)", {}},
      {"lambda", 0.1, "0.1 (Table 7)", "weight λ of L_recon", {}, between(0, 1000)},
      {"mu", 1.0, "1 (YooChoose, KuaiRec); 10 (ML-10M)", "weight μ of L_ssm, within [1, 10]", {}, between(0, 1000)},
      {"negatives", std::int64_t{10}, "10", "uniform negatives for L_gem and L_ssm", {}, between(1, 10000)},
      {"denoiser_hidden",
       std::int64_t{256},
       "not stated (\"simple MLP\")",
       "hidden units of the DAM MLP (0 = one Linear)",
       {},
       between(0, 65536)},
      {"dropout", 0.0, "0", "embedding dropout of the GEM", {}, between(0, 1)},
  };
  // Paper 000's Table 5 trains DimeRec with and without L_reg (model GEM only).
  const auto reg = routingRegulariserParams("off", "off (paper 000 Table 5: on and off)");
  info.params.insert(info.params.end(), reg.begin(), reg.end());
  TrainingDefaults t;
  t.optimizer = "adam";
  t.learningRate = 0.005;
  t.batchSize = 256;
  t.maxLength = 50;
  auto train = trainingParams(t, " (paper: Adam 0.005; history 10, ML-10M 70)");
  info.params.insert(info.params.end(), train.begin(), train.end());
  return info;
}

torch::Tensor guidanceLoss(const torch::Tensor& interests, const torch::Tensor& valid, const torch::Tensor& target,
                           const torch::Tensor& negatives) {
  torch::Tensor chosen;
  if (!valid.defined()) {
    chosen = nn::bestMatchingInterest(interests, target);
  } else {
    auto dots = torch::matmul(interests, target.unsqueeze(-1)).squeeze(-1);  // [B,K]
    // Padding rows are never the "best" interest (a row with no valid
    // interest falls back to row 0, a zero vector).
    dots = dots.masked_fill(valid.logical_not(), -std::numeric_limits<float>::infinity());
    auto best = dots.argmax(1);
    auto index = best.view({-1, 1, 1}).expand({interests.size(0), 1, interests.size(2)});
    chosen = interests.gather(1, index).squeeze(1);
  }
  return sampledSoftmaxLoss(chosen, target, negatives);
}

RuleGuidance lastItemsGuidance(const torch::Tensor& items, const torch::Tensor& mask, std::int64_t k) {
  const auto L = items.size(1);
  RuleGuidance out;
  if (L >= k) {
    out.interests = items.slice(1, L - k);
    out.valid = mask.slice(1, L - k);
  } else {
    // Histories are left-padded: the missing rows go in front, as padding.
    out.interests = torch::cat({torch::zeros({items.size(0), k - L, items.size(2)}, items.options()), items}, 1);
    out.valid = torch::cat({torch::zeros({mask.size(0), k - L}, mask.options()), mask}, 1);
  }
  out.interests = out.interests * out.valid.unsqueeze(-1).to(out.interests.dtype());
  return out;
}

DimeRec::DimeRec(const Config& config, const DataShape& shape)
    : Model("dimerec", config, shape),
      schedule_(diffusion::parseScheduleKind(getString("schedule")), static_cast<int>(getInt("diffusion_steps"))),
      modelGem_(getString("gem") == "model"),
      grw_(getBool("grw")),
      k_(getInt("interests")) {
  const auto d = getInt("dim");
  if (k_ < 1) throw ConfigError("dimerec: interests must be at least 1, got " + std::to_string(k_));
  if (!getBool("use_gem") && !getBool("use_recon") && !getBool("use_ssm")) {
    throw ConfigError("dimerec: use_gem, use_recon and use_ssm are all off: nothing to train");
  }
  embedding_ = register_module(
      "embedding", ItemSequenceEmbedding(shape.numItems, d, getInt("max_length"), modelGem_, getDouble("dropout")));
  if (modelGem_) extractor_ = register_module("extractor", nn::MultiInterestExtractor(d, k_));
  time_ = register_module("time", nn::TimeEmbedding(d, schedule_.steps(), nn::TimeEmbeddingStyle::DiffuRec));
  const std::int64_t in = d + d + k_ * d;
  const std::int64_t hidden = getInt("denoiser_hidden");
  denoiser_ =
      hidden > 0 ? torch::nn::Sequential(torch::nn::Linear(in, hidden), torch::nn::GELU(), torch::nn::Linear(hidden, d))
                 : torch::nn::Sequential(torch::nn::Linear(in, d));
  register_module("denoiser", denoiser_);
}

DimeRec::Guidance DimeRec::guidance(const data::Batch& batch) {
  Guidance out;
  auto items = embedding_->items(batch.history);
  if (modelGem_) {
    auto mi = extractor_(embedding_->positioned(batch.history, batch.mask), items, batch.mask);
    out.g = mi.interests;
    out.weights = mi.weights;
    // A guidance row is real when the user has any history at all.
    out.valid = batch.mask.any(1, true).expand({batch.size(), k_});
  } else {
    auto rule = lastItemsGuidance(items, batch.mask, k_);
    out.g = rule.interests;
    out.valid = rule.valid;
  }
  return out;
}

torch::Tensor DimeRec::denoise(const torch::Tensor& xt, const torch::Tensor& t, const Guidance& g) {
  return denoiser_->forward(torch::cat({xt, time_(t), g.g.flatten(1)}, -1));
}

LossTerms DimeRec::loss(const data::Batch& batch, torch::Generator generator) {
  auto g = guidance(batch);
  auto table = embedding_->table();
  auto e0 = table.index_select(0, batch.target);  // [B,d]
  auto negatives = table.index_select(0, batch.negatives.reshape({-1}))
                       .view({batch.size(), batch.negatives.size(1), -1});  // [B,n,d]
  auto t = diffusion::sampleTimesteps(batch.size(), schedule_.steps(), generator, e0.device());
  diffusion::NoiseOptions noise;
  noise.kind = grw_ ? diffusion::NoiseKind::Geodesic : diffusion::NoiseKind::Gaussian;
  auto forward = diffusion::qSample(schedule_, e0, t, noise, generator);
  auto x0 = forward.x0;  // e0/‖e0‖ on the sphere, e0 itself without GRW
  auto x0Hat = denoise(forward.xt, t, g);

  LossTerms terms;
  auto gem = guidanceLoss(g.g, g.valid, e0, negatives);
  auto recon = (x0 - x0Hat).pow(2).sum(-1).mean();
  auto ssm = sampledSoftmaxLoss(x0Hat, e0, negatives);
  terms.components["l_gem"] = gem;
  terms.components["l_recon"] = recon;
  terms.components["l_ssm"] = ssm;
  terms.total = torch::zeros({}, e0.options());
  if (getBool("use_gem")) terms.total = terms.total + gem;
  if (getBool("use_recon")) terms.total = terms.total + getDouble("lambda") * recon;
  if (getBool("use_ssm")) terms.total = terms.total + getDouble("mu") * ssm;
  if (modelGem_) addRoutingRegulariser(terms, g.weights, batch.mask, getString("reg"), getDouble("reg_weight"));
  return terms;
}

torch::Tensor DimeRec::reverse(const data::Batch& batch, const ReverseOptions& options,
                               diffusion::TraceRecorder* trace) {
  torch::NoGradGuard noGrad;
  auto g = guidance(batch);  // once per batch, not once per step
  DiffusionDenoiser denoiser = [&](const torch::Tensor& xt, const torch::Tensor& t, diffusion::StepExtras*) {
    return denoise(xt, t, g);
  };
  return reverseFromNoise(schedule_, denoiser, batch.size(), getInt("dim"), options,
                          /*sphere=*/grw_, trace, embedding_->table().device());
}

Inspection DimeRec::inspect(const data::Batch& batch) {
  torch::NoGradGuard noGrad;
  auto g = guidance(batch);
  Inspection out;
  out["interests"] = g.g;
  out["interest_mask"] = g.valid;
  if (g.weights.defined()) {
    auto covariance = nn::routingCovariance(g.weights, batch.mask);
    out["routing_weights"] = g.weights;
    out["routing_covariance"] = covariance;
    out["l_reg"] = nn::routingRegulariser(covariance, false);
  }
  return out;
}

}  // namespace recdiff::models
