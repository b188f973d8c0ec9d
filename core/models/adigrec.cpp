#include "core/models/adigrec.h"

#include <cmath>

#include <torch/torch.h>

#include "core/diffusion/forward_noise.h"
#include "core/models/diffusion_reverse.h"
#include "core/models/routing_regulariser.h"
#include "core/models/sampled_softmax.h"

namespace recdiff::models {

ModelInfo adigrecInfo() {
  ModelInfo info;
  info.name = "adigrec";
  info.displayName = "ADIGRec";
  info.paper = "ADIGRec (paper 000): adaptive dynamic-interest guidance";
  info.params = {
      {"dim", std::int64_t{64}, "64", "embedding size d", {}, between(1, 4096)},
      {"interests", std::int64_t{4}, "4", "number of interests k (Table 5: 1-16)", {}, between(1, 256)},
      {"diffusion_steps", std::int64_t{100}, "50-2000", "diffusion steps T", {}, between(1, 10000)},
      {"schedule",
       std::string("linear"),
       "linear",
       "noise schedule",
       {"linear", "cosine", "sqrt", "truncated-linear", "exp"}},
      {"noise",
       std::string("gaussian-normalised"),
       "Alg. 1: Gaussian, then L2",
       "forward noise onto the sphere",
       {"gaussian-normalised", "geodesic"}},
      {"guidance",
       std::string("concat"),
       "concat (G)",
       "guidance condition (Table 4)",
       {"g1", "g2", "concat", "add", "multiply", "concat-k"}},
      {"ai2m", true, "on", "adaptive condition insert module (Table 3)", {}},
      {"lambda1", 0.1, "0.1", "weight λ1 of L_simple", {}, between(0, 1000)},
      {"lambda2", 1.0, "1 (YooChoose, KuaiRec); 0.01 (Zhihu)", "weight λ2 of L_ssm", {}, between(0, 1000)},
      {"negatives", std::int64_t{10}, "10", "uniform negatives for L_G1 and L_ssm", {}, between(1, 10000)},
      {"blocks", std::int64_t{2}, "2", "transformer blocks of G2", {}, between(1, 64)},
      {"heads", std::int64_t{1}, "1", "attention heads of G2", {}, between(1, 64)},
      {"dropout", 0.1, "", "dropout", {}, between(0, 1)},
      {"denoiser_hidden",
       std::int64_t{0},
       "0 (single layer)",
       "hidden units of f_θ (0 = one Linear)",
       {},
       between(0, 65536)},
  };
  const auto reg = routingRegulariserParams("full", "full (Eq. 18)");
  info.params.insert(info.params.begin() + 7, reg.begin(), reg.end());  // after ai2m
  info.rules = {divides("heads", "dim")};
  TrainingDefaults t;
  t.optimizer = "adamw";
  t.learningRate = 0.005;
  t.weightDecay = 0.01;
  t.batchSize = 256;
  auto train = trainingParams(t);
  info.params.insert(info.params.end(), train.begin(), train.end());
  return info;
}

AdigRec::AdigRec(const Config& config, const DataShape& shape)
    : Model("adigrec", config, shape),
      schedule_(diffusion::parseScheduleKind(getString("schedule")), static_cast<int>(getInt("diffusion_steps"))),
      guidanceKind_(getString("guidance")),
      ai2m_(getBool("ai2m")),
      reg_(getString("reg")) {
  const auto d = getInt("dim");
  const auto k = getInt("interests");
  embedding_ = register_module(
      "embedding", ItemSequenceEmbedding(shape.numItems, d, getInt("max_length"), true, getDouble("dropout")));
  if (usesG1()) extractor_ = register_module("extractor", nn::MultiInterestExtractor(d, k));
  if (usesG2()) {
    nn::TransformerBlockOptions o;
    o.dim = d;
    o.heads = getInt("heads");
    o.dropout = getDouble("dropout");
    o.causal = true;
    for (std::int64_t i = 0; i < getInt("blocks"); ++i) {
      dynamicBlocks_.push_back(register_module("dynamic" + std::to_string(i), nn::TransformerBlock(o)));
    }
  }
  time_ = register_module("time", nn::TimeEmbedding(d, schedule_.steps(), nn::TimeEmbeddingStyle::DreamRec));
  const std::int64_t gd = guidanceKind_ == "concat" ? 2 * d : d;
  const std::int64_t gk = guidanceKind_ == "g2" ? 1 : guidanceKind_ == "concat-k" ? k + 1 : k;
  if (ai2m_) {
    wq_ = register_module("wq", torch::nn::Linear(torch::nn::LinearOptions(d, d).bias(false)));
    wk_ = register_module("wk", torch::nn::Linear(torch::nn::LinearOptions(gd, d).bias(false)));
    wv_ = register_module("wv", torch::nn::Linear(torch::nn::LinearOptions(gd, d).bias(false)));
  }
  const std::int64_t in = (ai2m_ ? 2 * d : d) + gk * gd + d;
  const std::int64_t hidden = getInt("denoiser_hidden");
  denoiser_ =
      hidden > 0 ? torch::nn::Sequential(torch::nn::Linear(in, hidden), torch::nn::GELU(), torch::nn::Linear(hidden, d))
                 : torch::nn::Sequential(torch::nn::Linear(in, d));
  register_module("denoiser", denoiser_);
}

bool AdigRec::usesG1() const { return guidanceKind_ != "g2"; }
bool AdigRec::usesG2() const { return guidanceKind_ != "g1"; }

AdigRec::Guidance AdigRec::guidance(const data::Batch& batch) {
  Guidance out;
  auto positioned = embedding_->positioned(batch.history, batch.mask);
  if (usesG1()) {
    auto mi = extractor_(positioned, embedding_->items(batch.history), batch.mask);
    out.g1 = mi.interests;
    out.weights = mi.weights;
  }
  if (usesG2()) {
    auto h = positioned;
    for (auto& block : dynamicBlocks_) h = block(h, batch.mask);
    out.g2 = h.select(1, -1);
  }
  if (guidanceKind_ == "g1") {
    out.g = out.g1;
  } else if (guidanceKind_ == "g2") {
    out.g = out.g2.unsqueeze(1);
  } else if (guidanceKind_ == "concat") {
    out.g = torch::cat({out.g1, out.g2.unsqueeze(1).expand_as(out.g1)}, -1);
  } else if (guidanceKind_ == "add") {
    out.g = out.g1 + out.g2.unsqueeze(1);
  } else if (guidanceKind_ == "multiply") {
    out.g = out.g1 * out.g2.unsqueeze(1);
  } else {  // concat-k
    out.g = torch::cat({out.g1, out.g2.unsqueeze(1)}, 1);
  }
  return out;
}

torch::Tensor AdigRec::denoise(const torch::Tensor& xt, const torch::Tensor& t, const Guidance& g,
                               torch::Tensor* attention) {
  auto tE = time_(t);  // [B,d]
  auto x = xt;
  if (ai2m_) {
    const double scale = std::sqrt(static_cast<double>(xt.size(-1)));
    auto q = wq_(xt + tE).unsqueeze(1);                                                     // [B,1,d]
    auto weights = torch::softmax(torch::matmul(q, wk_(g.g).transpose(1, 2)) / scale, -1);  // [B,1,gk]
    auto injected = torch::matmul(weights, wv_(g.g)).squeeze(1);                            // [B,d]
    if (attention) *attention = weights.squeeze(1).detach();
    x = torch::cat({xt, injected}, -1);
  }
  return denoiser_->forward(torch::cat({x, g.g.flatten(1), tE}, -1));
}

LossTerms AdigRec::loss(const data::Batch& batch, torch::Generator generator) {
  auto g = guidance(batch);
  auto table = embedding_->table();
  auto e0 = table.index_select(0, batch.target);  // [B,d]
  auto negatives = table.index_select(0, batch.negatives.reshape({-1}))
                       .view({batch.size(), batch.negatives.size(1), -1});  // [B,n,d]
  auto t = diffusion::sampleTimesteps(batch.size(), schedule_.steps(), generator, e0.device());
  const bool geodesic = getString("noise") == "geodesic";
  diffusion::NoiseOptions noise;
  noise.kind = geodesic ? diffusion::NoiseKind::Geodesic : diffusion::NoiseKind::Gaussian;
  auto x0 = diffusion::projectToSphere(e0);
  auto forward = diffusion::qSample(schedule_, x0, t, noise, generator);
  auto xt = geodesic ? forward.xt : diffusion::projectToSphere(forward.xt);
  auto x0Hat = denoise(xt, t, g, nullptr);

  LossTerms terms;
  auto simple = (x0 - x0Hat).pow(2).sum(-1).mean();
  auto ssm = sampledSoftmaxLoss(x0Hat, e0, negatives);
  terms.components["l_simple"] = simple;
  terms.components["l_ssm"] = ssm;
  terms.total = getDouble("lambda1") * simple + getDouble("lambda2") * ssm;
  if (usesG1()) {
    auto lg1 = sampledSoftmaxLoss(nn::bestMatchingInterest(g.g1, e0), e0, negatives);
    terms.components["l_g1"] = lg1;
    terms.total = terms.total + lg1;
    addRoutingRegulariser(terms, g.weights, batch.mask, reg_, getDouble("reg_weight"));
  }
  return terms;
}

torch::Tensor AdigRec::reverse(const data::Batch& batch, const ReverseOptions& options,
                               diffusion::TraceRecorder* trace) {
  torch::NoGradGuard noGrad;
  auto g = guidance(batch);  // once per batch, not once per step
  DiffusionDenoiser denoiser = [&](const torch::Tensor& xt, const torch::Tensor& t, diffusion::StepExtras* extras) {
    torch::Tensor attention;
    auto x0Hat = denoise(xt, t, g, extras && ai2m_ ? &attention : nullptr);
    if (extras && attention.defined()) extras->put("ai2m_attention", attention);
    return x0Hat;
  };
  return reverseFromNoise(schedule_, denoiser, batch.size(), getInt("dim"), options,
                          /*sphere=*/true, trace, embedding_->table().device());
}

Inspection AdigRec::inspect(const data::Batch& batch) {
  torch::NoGradGuard noGrad;
  auto g = guidance(batch);
  Inspection out;
  if (g.weights.defined()) {
    auto covariance = nn::routingCovariance(g.weights, batch.mask);
    out["routing_weights"] = g.weights;
    out["routing_covariance"] = covariance;
    out["l_reg"] = nn::routingRegulariser(covariance, reg_ == "offdiag");
    out["guidance_g1"] = g.g1;
  }
  if (g.g2.defined()) out["guidance_g2"] = g.g2;
  return out;
}

}  // namespace recdiff::models
