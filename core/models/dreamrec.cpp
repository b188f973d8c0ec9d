#include "core/models/dreamrec.h"

#include <cmath>

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
       "noise schedule (exp-reference: the official code's exp, β at linspace(1, 2T+1, T))",
       {"linear", "cosine", "sqrt", "truncated-linear", "exp", "exp-reference"}},
      {"guidance_weight", 2.0, "2-4 (reference default 2)", "classifier-free guidance weight w", {}, between(0, 100)},
      {"p_uncond", 0.1, "0.1", "probability of replacing h by the null vector in training", {}, between(0, 1)},
      {"denoiser", std::string("mlp1"), "mlp1: Linear(3d→d)", "denoiser over concat(x_t, h, t_E)", {"mlp1", "mlp2"}},
      {"blocks", std::int64_t{1}, "1", "transformer blocks of the encoder", {}, between(1, 64)},
      {"heads", std::int64_t{1}, "1", "attention heads of the encoder", {}, between(1, 64)},
      {"dropout", 0.1, "0.1", "dropout (embeddings and encoder)", {}, between(0, 1)},
      {"encoder",
       std::string("pre-ln"),
       "SASRec, 1 block, 1 head",
       "pre-ln: the shared pre-LN block + LayerNorm; reference: the official code's block",
       {"pre-ln", "reference"}},
      {"time_features",
       std::string("standard"),
       "sinusoid of t",
       "standard: sinusoid of t, frequencies 10⁴^(-i/(d/2)); reference: the official code's (of t-1, d/2-1)",
       {"standard", "reference"}},
      {"loss_reduction",
       std::string("sum"),
       "MSE",
       "sum: squared norm over d, mean over the batch; mean: also over d (the official F.mse_loss)",
       {"sum", "mean"}},
      {"embedding_std",
       1.0,
       "1 (reference init N(0,1))",
       "std of the item-embedding and null-vector init",
       {},
       positive(1000)},
  };
  info.rules = {
      divides("heads", "dim"),
      {"encoder=reference has one block",
       [](const Config& c) -> std::string {
         if (c.at("encoder").get<std::string>() != "reference" || c.at("blocks").get<std::int64_t>() == 1) return "";
         return "blocks=" + std::to_string(c.at("blocks").get<std::int64_t>()) +
                " with encoder=reference (the official encoder has exactly one block)";
       }},
      {"time_features=reference needs an even dim >= 4",
       [](const Config& c) -> std::string {
         const auto d = c.at("dim").get<std::int64_t>();
         if (c.at("time_features").get<std::string>() != "reference" || (d >= 4 && d % 2 == 0)) return "";
         return "dim=" + std::to_string(d) +
                " with time_features=reference (its frequencies divide by d/2-1 and fill exactly d features: "
                "an even dim >= 4)";
       }},
  };
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

namespace {

// The official code's "exp" schedule: β = 1 - exp(-β_min/T - x·(β_max-β_min)/(2T²))
// at x = linspace(1, 2T+1, T) (ours, "exp", takes x = 2t-1).
diffusion::NoiseSchedule referenceExpSchedule(int T) {
  constexpr double betaMin = 0.1, betaMax = 10.0;
  const double TT = static_cast<double>(T);
  std::vector<double> betas(static_cast<std::size_t>(T));
  for (int i = 0; i < T; ++i) {
    const double x = T == 1 ? 1.0 : 1.0 + 2.0 * TT * static_cast<double>(i) / (TT - 1.0);
    betas[static_cast<std::size_t>(i)] = 1.0 - std::exp(-betaMin / TT - x * 0.5 * (betaMax - betaMin) / (TT * TT));
  }
  return diffusion::NoiseSchedule::fromBetas(betas);
}

diffusion::NoiseSchedule makeSchedule(const std::string& name, int T) {
  if (name == "exp-reference") return referenceExpSchedule(T);
  return diffusion::NoiseSchedule(diffusion::parseScheduleKind(name), T);
}

// The official sinusoid: of n = t-1, frequencies exp(-ln(10⁴)·i/(d/2-1)),
// ordered [sin, cos]; float32 as the official code computes it.
torch::Tensor referenceTimeFeatures(const torch::Tensor& t, std::int64_t dim) {
  const std::int64_t half = dim / 2;
  const double step = std::log(10000.0) / static_cast<double>(half - 1);
  auto freqs = torch::exp(torch::arange(half, torch::TensorOptions().dtype(torch::kFloat).device(t.device())) * -step);
  auto args = (t - 1).to(torch::kFloat).unsqueeze(-1) * freqs;
  return torch::cat({torch::sin(args), torch::cos(args)}, -1);
}

// The official code's mask value, -2³² + 1 (float32 rounds it to -2³²).
constexpr double kReferenceMasked = -4294967295.0;

}  // namespace

DreamRecReferenceBlockImpl::DreamRecReferenceBlockImpl(std::int64_t dim, std::int64_t heads, double dropout)
    : heads_(heads) {
  auto layerNorm = [&](const char* name) {
    return register_module(name, torch::nn::LayerNorm(torch::nn::LayerNormOptions({dim})));
  };
  queryNorm_ = layerNorm("query_norm");
  q_ = register_module("q", torch::nn::Linear(dim, dim));
  k_ = register_module("k", torch::nn::Linear(dim, dim));
  v_ = register_module("v", torch::nn::Linear(dim, dim));
  ffnNorm_ = layerNorm("ffn_norm");
  ffnIn_ = register_module("ffn_in", torch::nn::Conv1d(torch::nn::Conv1dOptions(dim, dim, 1)));
  ffnOut_ = register_module("ffn_out", torch::nn::Conv1d(torch::nn::Conv1dOptions(dim, dim, 1)));
  ffnResidualNorm_ = layerNorm("ffn_residual_norm");
  outNorm_ = layerNorm("out_norm");
  dropout_ = register_module("dropout", nn::FastDropout(dropout));
}

torch::Tensor DreamRecReferenceBlockImpl::forward(const torch::Tensor& embedded, const torch::Tensor& mask) {
  const auto B = embedded.size(0), L = embedded.size(1), d = embedded.size(2);
  const auto keep = mask.unsqueeze(-1).to(embedded.dtype());
  auto seq = dropout_(embedded) * keep;
  auto query = queryNorm_(seq);
  // Heads stacked along the batch (head-major), as the official code splits.
  auto heads = [&](const torch::Tensor& x) { return torch::cat(x.split(d / heads_, 2), 0); };
  auto scores = torch::bmm(heads(q_(query)), heads(k_(seq)).transpose(1, 2)) / std::sqrt(static_cast<double>(d));
  // Keys and queries are masked where their input sums to exactly zero.
  auto live = [&](const torch::Tensor& x) { return x.sum(-1).abs().sign().repeat({heads_, 1}); };
  scores = scores.masked_fill(live(seq).unsqueeze(1).eq(0), kReferenceMasked);
  auto future =
      torch::ones({L, L}, torch::TensorOptions().dtype(torch::kBool).device(seq.device())).triu(1).unsqueeze(0);
  scores = scores.masked_fill(future, kReferenceMasked);
  auto weights = torch::softmax(scores, -1) * live(query).unsqueeze(-1);
  auto attended = torch::bmm(dropout_(weights), heads(v_(seq)));
  auto a = torch::cat(attended.split(B, 0), 2) + query;
  auto y = ffnNorm_(a);
  auto ffn = ffnOut_(torch::relu(ffnIn_(y.transpose(1, 2)))).transpose(1, 2);
  auto out = ffnResidualNorm_(dropout_(ffn) + y) * keep;
  return outNorm_(out);
}

DreamRec::DreamRec(const Config& config, const DataShape& shape)
    : Model("dreamrec", config, shape),
      schedule_(makeSchedule(getString("schedule"), static_cast<int>(getInt("diffusion_steps")))) {
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
  if (getString("encoder") == "reference") {
    if (getInt("blocks") != 1) throw ConfigError("dreamrec: encoder=reference has exactly one block");
    referenceBlock_ =
        register_module("reference_block", DreamRecReferenceBlock(d, getInt("heads"), getDouble("dropout")));
  } else {
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
  }
  if (getString("time_features") == "reference" && (d < 4 || d % 2 != 0)) {
    throw ConfigError("dreamrec: time_features=reference needs an even dim >= 4");
  }
  time_ = register_module("time", nn::TimeEmbedding(d, schedule_.steps(), nn::TimeEmbeddingStyle::DreamRec));
  denoiser_ = getString("denoiser") == "mlp2" ? torch::nn::Sequential(torch::nn::Linear(3 * d, 2 * d),
                                                                      torch::nn::GELU(), torch::nn::Linear(2 * d, d))
                                              : torch::nn::Sequential(torch::nn::Linear(3 * d, d));
  register_module("denoiser", denoiser_);
  null_ = register_parameter("null", torch::randn({1, d}) * std);
}

torch::Tensor DreamRec::condition(const data::Batch& batch) {
  if (referenceBlock_) {
    // Positions count from the oldest item: the j-th item of a history of
    // length n sits at slot L-n+j of our left-padded window and gets P[j].
    const auto L = batch.history.size(1);
    const auto positions = embedding_->named_parameters()["positions.weight"];
    TORCH_CHECK(L <= positions.size(0), "history length ", L, " exceeds the model's max_length ", positions.size(0));
    const auto lengths = batch.mask.to(torch::kLong).sum(1, /*keepdim=*/true);
    const auto slots = torch::arange(L, torch::TensorOptions().dtype(torch::kLong).device(batch.history.device()));
    const auto index = (slots.unsqueeze(0) - (L - lengths)).clamp_min(0);
    auto embedded = embedding_->items(batch.history) + torch::embedding(positions, index);
    return referenceBlock_(embedded, batch.mask).select(1, -1);
  }
  auto h = embedding_->positioned(batch.history, batch.mask);
  for (auto& block : blocks_) h = block(h, batch.mask);
  return norm_(h).select(1, -1);
}

torch::Tensor DreamRec::timeEmbedding(const torch::Tensor& t) {
  if (getString("time_features") != "reference") return time_(t);
  // The same two layers over the official features.
  auto p = time_->named_parameters();
  auto hidden = torch::gelu(torch::linear(referenceTimeFeatures(t, getInt("dim")), p["in.weight"], p["in.bias"]));
  return torch::linear(hidden, p["out.weight"], p["out.bias"]);
}

torch::Tensor DreamRec::denoise(const torch::Tensor& xt, const torch::Tensor& h, const torch::Tensor& t) {
  return denoiser_->forward(torch::cat({xt, h, timeEmbedding(t)}, -1));
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

LossTerms DreamRec::lossTerms(const torch::Tensor& e0, const torch::Tensor& x0Hat) const {
  auto squared = (e0 - x0Hat).pow(2);
  auto mse = getString("loss_reduction") == "mean" ? squared.mean() : squared.sum(-1).mean();
  return {mse, {{"l_mse", mse}}};
}

LossTerms DreamRec::loss(const data::Batch& batch, torch::Generator generator) {
  auto h = condition(batch);
  const auto B = batch.size();
  auto drop = torch::rand({B, 1}, generator, h.options().requires_grad(false)) < getDouble("p_uncond");
  h = torch::where(drop, null_.expand({B, -1}), h);
  auto e0 = embedding_->table().index_select(0, batch.target);
  auto t = diffusion::sampleTimesteps(B, schedule_.steps(), generator, e0.device());
  auto xt = diffusion::qSample(schedule_, e0, t, {}, generator).xt;
  return lossTerms(e0, denoise(xt, h, t));
}

LossTerms DreamRec::lossWith(const data::Batch& batch, const torch::Tensor& t, const torch::Tensor& noise,
                             const torch::Tensor& drop) {
  auto h = condition(batch);
  const auto B = batch.size();
  auto replaced = drop.to(h.device()).to(torch::kBool).reshape({B, 1});
  h = torch::where(replaced, null_.expand({B, -1}), h);
  auto e0 = embedding_->table().index_select(0, batch.target);
  auto xt = diffusion::qSampleWithNoise(schedule_, e0, t.to(e0.device()), noise.to(e0.device()));
  return lossTerms(e0, denoise(xt, h, t.to(e0.device())));
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
