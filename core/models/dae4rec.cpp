#include "core/models/dae4rec.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include <torch/torch.h>

#include "core/diffusion/forward_noise.h"
#include "core/diffusion/sampler.h"
#include "core/models/diffusion_reverse.h"
#include "core/nn/transformer_block.h"

namespace recdiff::models {

ModelInfo dae4recInfo() {
  ModelInfo info;
  info.name = "dae4rec";
  info.displayName = "DAE4Rec";
  info.paper = "DAE4Rec (paper 004, AAAI 2025): GAE item prior (AIME) + skip-step sampling with a compensator";
  info.params = {
      {"dim", std::int64_t{64}, "not stated (DreamRec: 64)", "embedding size d", {}, between(1, 4096)},
      {"diffusion_steps", std::int64_t{1000}, "1000", "diffusion steps T", {}, between(1, 10000)},
      {"schedule",
       std::string("linear"),
       "not stated (DDPM)",
       "noise schedule",
       {"linear", "cosine", "sqrt", "truncated-linear", "exp"}},
      {"sampler",
       std::string("ddim"),
       "ddim (skip-step, Eq. 15)",
       "sampler when ReverseOptions.steps is 0",
       {"ddim", "ddpm"}},
      {"sampling_steps",
       std::int64_t{0},
       "T/2",
       "sampling steps S when ReverseOptions.steps is 0 (0 = T/2)",
       {},
       between(0, 10000)},
      {"loss_weighting", true, "on (Eq. 5)", "weigh L_diff by λ_t (off: plain MSE)", {}},
      {"lambda_max", 5.0, "not stated (λ_1 is infinite)", "clip of λ_t", {}, positive(1e6)},
      {"aime", true, "on", "L_AIME against the GAE prior (off: variant -C)", {}},
      {"aime_target",
       std::string("gae"),
       "gae",
       "L_AIME target: σ(Z*Z*ᵀ) or the 0/1 graph (-C_ground)",
       {"gae", "graph"}},
      {"delta", 1.0, "powers of 10, per dataset (Fig. 4)", "weight δ of L_AIME", {}, between(0, 1e6)},
      {"aime_block", std::int64_t{512}, "all N items", "items per sampled L_AIME block", {}, between(1, 1000000)},
      {"gae_hidden", std::int64_t{128}, "not stated", "hidden width of the GCN", {}, between(1, 65536)},
      {"gae_epochs", std::int64_t{10}, "not stated", "epochs of the GAE pre-training stage", {}, between(1, 100000)},
      {"gae_edges",
       std::int64_t{4096},
       "all entries of A",
       "positive entries of A sampled per GAE batch",
       {},
       between(1, 100000000)},
      {"gae_negatives", std::int64_t{1}, "all non-edges", "sampled non-edges per positive", {}, between(1, 1000)},
      {"compensator", true, "on", "learned last step c_φ (off: variant -A)", {}},
      {"compensator_epochs", std::int64_t{10}, "not stated", "epochs of the compensator stage", {}, between(1, 100000)},
      {"compensator_input",
       std::string("reverse"),
       "reverse (Eq. 15 with f_θ*)",
       "how e^{τ1} is made for training c_φ",
       {"reverse", "forward"}},
      {"compensator_form",
       std::string("direct"),
       "direct (Eq. 16: ê0 = c_φ(e^{τ1}, h))",
       "direct: c_φ predicts e^0; residual: ê0 = f_θ*(e^{τ1}, τ1, h) + c_φ, the correction starting at 0",
       {"direct", "residual"}},
      {"denoiser", std::string("mlp"), "MLP", "denoiser over concat(x_t, t_E, h)", {"mlp", "linear"}},
      {"embedding_std", 1.0, "not stated (DreamRec: 1)", "std of the item-embedding init", {}, positive(1000)},
      {"dropout", 0.0, "not stated (DreamRec: 0.1)", "dropout on the history embeddings", {}, between(0, 1)},
  };
  info.rules = {atMost("sampling_steps", "diffusion_steps")};
  TrainingDefaults t;
  t.optimizer = "adam";
  t.learningRate = 0.005;
  t.batchSize = 256;
  t.maxLength = 50;
  auto train = trainingParams(t, " (not stated; DreamRec's reference 0.005)");
  info.params.insert(info.params.end(), train.begin(), train.end());
  return info;
}

std::vector<double> dae4recLossWeights(const diffusion::NoiseSchedule& schedule, double maxWeight) {
  const int T = schedule.steps();
  std::vector<double> weights(static_cast<std::size_t>(T) + 1, 0.0);
  for (int t = 1; t <= T; ++t) {
    const double abPrev = schedule.alphaBar(t - 1);
    const double ab = schedule.alphaBar(t);
    const double beta = schedule.beta(t);
    const double denominator = 2.0 * beta * (1.0 - abPrev);
    const double lambda = denominator > 0.0 ? abPrev * (1.0 - ab) / denominator : maxWeight;
    weights[static_cast<std::size_t>(t)] = std::min(lambda, maxWeight);
  }
  return weights;
}

torch::Tensor aimeLoss(const torch::Tensor& embeddings, const torch::Tensor& target) {
  auto similarity = torch::sigmoid(torch::matmul(embeddings, embeddings.t()));
  return (similarity - target).pow(2).mean();
}

Dae4Rec::Dae4Rec(const Config& config, const DataShape& shape)
    : Model("dae4rec", config, shape),
      schedule_(diffusion::parseScheduleKind(getString("schedule")), static_cast<int>(getInt("diffusion_steps"))),
      aime_(getBool("aime")),
      compensator_(getBool("compensator")),
      residualCompensator_(getString("compensator_form") == "residual") {
  const auto d = getInt("dim");
  const auto T = schedule_.steps();
  const auto S = getInt("sampling_steps");
  if (S < 0 || S > T) {
    throw ConfigError("dae4rec: sampling_steps must lie in 0.." + std::to_string(T) + " (0 = T/2), got " +
                      std::to_string(S));
  }
  samplingSteps_ = S == 0 ? std::max(1, T / 2) : static_cast<int>(S);
  tau1_ = diffusion::skipTimesteps(T, samplingSteps_).front();
  if (needsGae() && getInt("gae_epochs") < 1) throw ConfigError("dae4rec: gae_epochs must be at least 1");
  if (compensator_ && getInt("compensator_epochs") < 1) {
    throw ConfigError("dae4rec: compensator_epochs must be at least 1");
  }
  if (getInt("aime_block") < 1) throw ConfigError("dae4rec: aime_block must be at least 1");
  if (getDouble("lambda_max") <= 0.0) throw ConfigError("dae4rec: lambda_max must be positive");

  embedding_ = register_module(
      "embedding", ItemSequenceEmbedding(shape.numItems, d, getInt("max_length"), false, getDouble("dropout")));
  {
    torch::NoGradGuard noGrad;
    auto table = embedding_->table();
    table.normal_(0.0, getDouble("embedding_std"));
    table[0].zero_();
  }
  wq_ = register_module("wq", torch::nn::Linear(torch::nn::LinearOptions(d, d).bias(false)));
  wk_ = register_module("wk", torch::nn::Linear(torch::nn::LinearOptions(d, d).bias(false)));
  wv_ = register_module("wv", torch::nn::Linear(torch::nn::LinearOptions(d, d).bias(false)));
  time_ = register_module("time", nn::TimeEmbedding(d, T, nn::TimeEmbeddingStyle::DreamRec));
  denoiser_ = getString("denoiser") == "linear" ? torch::nn::Sequential(torch::nn::Linear(3 * d, d))
                                                : torch::nn::Sequential(torch::nn::Linear(3 * d, 2 * d),
                                                                        torch::nn::GELU(), torch::nn::Linear(2 * d, d));
  register_module("denoiser", denoiser_);
  if (compensator_) {
    compensatorNet_ = register_module(
        "compensator",
        torch::nn::Sequential(torch::nn::Linear(2 * d, 2 * d), torch::nn::GELU(), torch::nn::Linear(2 * d, d)));
  }
  compensatorTau1_ = register_buffer("compensator_tau1", torch::zeros({}));
  zStarReady_ = register_buffer("gae_ready", torch::zeros({}));
  if (needsGae()) {
    gae_ = register_module("gae", GraphAutoEncoder(shape.numItems, getInt("gae_hidden"), d));
    zStar_ = register_buffer("z_star", torch::zeros({static_cast<std::int64_t>(shape.numItems) + 1, d}));
  }
  const auto weights = dae4recLossWeights(schedule_, getDouble("lambda_max"));
  lossWeights_ = torch::tensor(weights, torch::TensorOptions().dtype(torch::kDouble)).to(torch::kFloat);
}

bool Dae4Rec::needsGae() const { return aime_ && getString("aime_target") == "gae"; }
bool Dae4Rec::graphEmbeddingsReady() const { return zStarReady_.item<float>() > 0.5f; }
int Dae4Rec::compensatorTrainedFor() const {
  return compensator_ ? static_cast<int>(std::lround(compensatorTau1_.item<float>())) : 0;
}
bool Dae4Rec::compensatorReady() const { return compensatorTrainedFor() == tau1_; }

void Dae4Rec::observeTrainingData(const data::SequenceDataset& dataset) {
  if (dataset.numItems != shape().numItems) {
    throw std::invalid_argument("dae4rec: the model was built for " + std::to_string(shape().numItems) +
                                " items but the training data has " + std::to_string(dataset.numItems));
  }
  if (!aime_) return;  // nothing uses the graph
  graph_ = ItemGraph::fromSamples(dataset.train, dataset.numItems);
}

std::vector<TrainingStage> Dae4Rec::stages() const {
  std::vector<TrainingStage> out;
  if (needsGae()) out.push_back({"gae", getInt("gae_epochs"), /*validated=*/false});
  out.push_back({"diffusion", 0});
  if (compensator_) {
    out.push_back({"compensator", getInt("compensator_epochs"), /*validated=*/true, /*refinesBest=*/true});
  }
  return out;
}

void Dae4Rec::beginStage(std::size_t stage) {
  const auto all = stages();
  if (stage >= all.size()) throw std::out_of_range("dae4rec: no training stage " + std::to_string(stage));
  const std::string previous = stage_;
  stage_ = all[stage].name;
  torch::NoGradGuard noGrad;
  if (previous == "gae" && stage_ != "gae" && !graph_.empty()) {
    // The GAE is done: freeze its output as Z*.
    const auto device = zStar_.device();
    zStar_.copy_(gae_->forward(graph_.normalizedAdjacency(device)));
    zStarReady_.fill_(1.0);
  }
  if (stage_ == "compensator") {
    compensatorTau1_.fill_(static_cast<double>(tau1_));
    if (residualCompensator_) {
      // The correction starts at zero, so the stage starts from f_θ*'s own
      // last step and can only be fitted away from it.
      auto last = compensatorNet_->ptr(compensatorNet_->size() - 1)->as<torch::nn::Linear>();
      last->weight.zero_();
      last->bias.zero_();
    }
  }
}

std::vector<torch::Tensor> Dae4Rec::trainableParameters() {
  if (stage_ == "gae") return gae_->parameters();
  if (stage_ == "compensator") return compensatorNet_->parameters();
  std::vector<torch::Tensor> out;
  for (const auto& p : named_parameters()) {
    if (p.key().rfind("gae.", 0) == 0 || p.key().rfind("compensator.", 0) == 0) continue;
    out.push_back(p.value());
  }
  return out;
}

torch::Tensor Dae4Rec::condition(const data::Batch& batch, torch::Tensor* attention) {
  auto items = embedding_->positioned(batch.history, batch.mask);  // dropout(E[history]) [B,L,d], zero at padding
  const double scale = std::sqrt(static_cast<double>(items.size(-1)));
  auto allowed = nn::selfAttentionMask(batch.mask, /*causal=*/false);  // [B,L,L]
  auto scores = torch::matmul(wq_(items), wk_(items).transpose(1, 2)) / scale;
  scores = scores.masked_fill(allowed.logical_not(), -1e9);
  auto weights = torch::softmax(scores, -1) * allowed.any(-1, true).to(scores.dtype());
  if (attention) *attention = weights.detach();
  auto outputs = torch::matmul(weights, wv_(items)) * batch.mask.unsqueeze(-1).to(items.dtype());
  return outputs.sum(1);  // [B,d]: summed over the valid positions
}

torch::Tensor Dae4Rec::denoise(const torch::Tensor& xt, const torch::Tensor& t, const torch::Tensor& h) {
  return denoiser_->forward(torch::cat({xt, time_(t), h}, -1));
}

torch::Tensor Dae4Rec::compensate(const torch::Tensor& xTau1, const torch::Tensor& h) {
  auto out = compensatorNet_->forward(torch::cat({xTau1, h}, -1));
  if (!residualCompensator_) return out;
  torch::Tensor lastStep;
  {
    torch::NoGradGuard noGrad;  // f_θ* is frozen; only the correction trains
    auto t = torch::full({xTau1.size(0)}, static_cast<std::int64_t>(compensatorTrainedFor()),
                         torch::TensorOptions().dtype(torch::kLong).device(xTau1.device()));
    lastStep = denoise(xTau1, t, h);
  }
  return lastStep + out;
}

torch::Tensor Dae4Rec::lossWeights(const torch::Device& device) {
  if (lossWeights_.device() != device) lossWeights_ = lossWeights_.to(device);
  return lossWeights_;
}

LossTerms Dae4Rec::loss(const data::Batch& batch, torch::Generator generator) {
  if (stage_ == "gae") return gaeLoss(generator);
  if (stage_ == "compensator") return compensatorLoss(batch, generator);
  return diffusionLoss(batch, generator);
}

LossTerms Dae4Rec::gaeLoss(torch::Generator generator) {
  if (graph_.empty()) {
    throw std::logic_error(
        "dae4rec: the GAE stage needs the item graph; train through the trainer, which passes the "
        "training data to observeTrainingData() before the first stage");
  }
  const auto device = embedding_->table().device();
  const auto longs = torch::TensorOptions().dtype(torch::kLong).device(device);
  auto positives = graph_.positives(device);
  auto pick = torch::randint(0, positives.size(1), {getInt("gae_edges")}, generator, longs);
  auto pos = positives.index_select(1, pick);
  const auto negatives = getInt("gae_edges") * std::max<std::int64_t>(1, getInt("gae_negatives"));
  const std::int64_t n1 = static_cast<std::int64_t>(shape().numItems) + 1;
  auto neg = torch::randint(1, n1, {2, negatives}, generator, longs);
  auto negValid = graph_.contains(neg[0], neg[1]).logical_not();
  auto z = gae_->forward(graph_.normalizedAdjacency(device));
  auto bce = gaeReconstructionLoss(z, pos, neg, negValid);
  return {bce, {{"l_gae", bce}}};
}

LossTerms Dae4Rec::diffusionLoss(const data::Batch& batch, torch::Generator generator) {
  auto h = condition(batch);
  auto table = embedding_->table();
  auto e0 = table.index_select(0, batch.target);
  auto t = diffusion::sampleTimesteps(batch.size(), schedule_.steps(), generator, e0.device());
  auto xt = diffusion::qSample(schedule_, e0, t, {}, generator).xt;
  auto x0Hat = denoise(xt, t, h);
  auto squared = (e0 - x0Hat).pow(2).sum(-1);  // [B]
  if (getBool("loss_weighting")) squared = squared * lossWeights(e0.device()).index_select(0, t);
  LossTerms terms;
  auto diff = squared.mean();
  terms.components["l_diff"] = diff;
  terms.total = diff;
  const bool graphTarget = getString("aime_target") == "graph";
  if (aime_ && (graphTarget ? !graph_.empty() : graphEmbeddingsReady())) {
    const std::int64_t n1 = static_cast<std::int64_t>(shape().numItems) + 1;
    auto items = torch::randint(1, n1, {getInt("aime_block")}, generator,
                                torch::TensorOptions().dtype(torch::kLong).device(e0.device()));
    torch::Tensor target;
    if (graphTarget) {
      auto rows = items.unsqueeze(1).expand({items.size(0), items.size(0)});
      target = graph_.contains(rows, rows.t()).to(e0.dtype());
    } else {
      auto z = zStar_.index_select(0, items);
      target = torch::sigmoid(torch::matmul(z, z.t()));
    }
    auto aime = aimeLoss(table.index_select(0, items), target);
    terms.components["l_aime"] = aime;
    terms.total = terms.total + getDouble("delta") * aime;
  }
  return terms;
}

LossTerms Dae4Rec::compensatorLoss(const data::Batch& batch, torch::Generator generator) {
  if (!compensator_) throw std::logic_error("dae4rec: no compensator to train (compensator = false)");
  torch::Tensor h, e0, xTau1;
  {
    torch::NoGradGuard noGrad;  // f_θ, the attention and E are frozen
    h = condition(batch);
    e0 = embedding_->table().index_select(0, batch.target);
    if (getString("compensator_input") == "forward") {
      auto t = torch::full({batch.size()}, static_cast<std::int64_t>(tau1_),
                           torch::TensorOptions().dtype(torch::kLong).device(e0.device()));
      xTau1 = diffusion::qSample(schedule_, e0, t, {}, generator).xt;
    } else {
      // Run the configured skip-step chain from noise; a pass-through
      // "compensator" hands back x_{τ1} instead of taking the last step.
      const auto run = samplingOptions({});
      diffusion::SamplerConfig sc;
      sc.kind = diffusion::parseSamplerKind(run.sampler);
      sc.steps = static_cast<int>(run.steps);
      sc.eta = run.eta;
      diffusion::ReverseSampler sampler(schedule_, sc);
      diffusion::SampleRequest request;
      request.shape = {batch.size(), e0.size(1)};
      request.options = e0.options();
      request.generator = generator;
      request.compensator = [](const torch::Tensor& x) { return x; };
      xTau1 = sampler.sample(
          diffusion::Denoiser([&](const torch::Tensor& xt, const torch::Tensor& t) { return denoise(xt, t, h); }),
          request);
    }
  }
  auto com = (e0 - compensate(xTau1, h)).pow(2).sum(-1).mean();
  return {com, {{"l_com", com}}};
}

ReverseOptions Dae4Rec::samplingOptions(const ReverseOptions& options) const {
  ReverseOptions run = options;
  if (run.steps == 0) {
    run.sampler = getString("sampler");
    run.steps = samplingSteps_;
  }
  return run;
}

torch::Tensor Dae4Rec::reverse(const data::Batch& batch, const ReverseOptions& options,
                               diffusion::TraceRecorder* trace) {
  torch::NoGradGuard noGrad;
  auto h = condition(batch);
  const auto run = samplingOptions(options);
  const int T = schedule_.steps();
  const int S = run.steps == 0 ? T : static_cast<int>(run.steps);
  diffusion::Compensator comp;
  const int trainedTau1 = compensatorTrainedFor();
  if (run.compensator && trainedTau1 > 0 && S >= 1 && S <= T && diffusion::skipTimesteps(T, S).front() == trainedTau1) {
    comp = [&](const torch::Tensor& xTau1) { return compensate(xTau1, h); };
  }
  DiffusionDenoiser denoiser = [&](const torch::Tensor& xt, const torch::Tensor& t, diffusion::StepExtras*) {
    return denoise(xt, t, h);
  };
  return reverseFromNoise(schedule_, denoiser, batch.size(), getInt("dim"), run, /*sphere=*/false, trace,
                          embedding_->table().device(), comp);
}

Inspection Dae4Rec::inspect(const data::Batch& batch) {
  torch::NoGradGuard noGrad;
  torch::Tensor attention;
  auto h = condition(batch, &attention);
  return {{"condition_h", h}, {"condition_attention", attention}};
}

}  // namespace recdiff::models
