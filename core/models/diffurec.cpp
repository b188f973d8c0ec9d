#include "core/models/diffurec.h"

#include <algorithm>
#include <cmath>
#include <map>

#include <torch/torch.h>

#include "core/diffusion/forward_noise.h"
#include "core/diffusion/generator.h"
#include "core/models/diffusion_reverse.h"

namespace recdiff::models {

namespace {

ModelInfo makeInfo(const std::string& name, const std::string& displayName, const std::string& paper, bool sys) {
  ModelInfo info;
  info.name = name;
  info.displayName = displayName;
  info.paper = paper;
  const std::string onOff = sys ? "on" : "off";
  info.params = {
      {"dim", std::int64_t{128}, "128", "embedding and hidden size d", {}, between(1, 4096)},
      {"heads", std::int64_t{4}, "4", "attention heads", {}, between(1, 64)},
      {"blocks", std::int64_t{4}, "4", "pre-LN transformer blocks of the approximator", {}, between(1, 64)},
      {"dropout", 0.1, "0.1", "dropout inside the approximator", {}, between(0, 1)},
      {"emb_dropout", 0.3, "0.3", "dropout of the item embeddings", {}, between(0, 1)},
      {"diffusion_steps", std::int64_t{32}, "32", "diffusion steps T", {}, between(1, 10000)},
      {"schedule",
       std::string("truncated-linear"),
       "truncated-linear",
       "noise schedule",
       {"linear", "cosine", "sqrt", "truncated-linear", "exp"}},
      {"delta", 1e-3, "0.001", "δ: λ ~ N(δ, δ) element-wise (mean and standard deviation)", {}, between(0, 10)},
      {"causal", false, "off (reference)", "causal self-attention over the history", {}},
      {"cross_attention", sys, onOff, "cross-attention sub-layer in each block (DiffuRecSys Eq. 16)", {}},
      {"cross_query",
       std::string("target"),
       "target",
       "cross-attention queries: λ⊙(x_t+d_t) or the sequence",
       {"target", "sequence"}},
      {"offset_noise", sys, onOff, "offset noise in training (DiffuRecSys Eq. 17)", {}},
      {"offset_strength", 0.1, "0.1", "scale of the offset noise's per-sample shift", {}, between(0, 1000)},
      {"ensemble",
       std::int64_t{1},
       "1 (Algorithm 3: several seeds)",
       "reverse runs whose score distributions are averaged (ReverseOptions.ensemble > 1 overrides)",
       {},
       between(1, 1000)},
      {"prefixes",
       std::string("all"),
       "all (every prefix is a sample)",
       "training samples per sequence",
       {"all", "random", "last"}},
      {"max_prefixes",
       std::int64_t{0},
       "0",
       "with prefixes=all, at most this many per sequence (0 = all)",
       {},
       between(0, 100000)},
      {"chunk_positions",
       std::int64_t{4096},
       "n/a (memory only)",
       "back-propagate a batch's samples in chunks of at most this many history positions (0 = at once); "
       "same gradient, less memory",
       {},
       between(0, 100000000)},
  };
  info.rules = {divides("heads", "dim")};
  TrainingDefaults t;
  t.optimizer = "adam";
  t.learningRate = 1e-3;
  t.weightDecay = 1e-4;
  t.batchSize = 128;
  t.epochs = 41;
  t.patience = 5;
  t.evalEvery = 5;
  t.maxLength = 100;
  t.lrSchedule = "step";
  t.stepSize = 30;
  t.stepGamma = 0.1;
  auto train = trainingParams(t);
  for (auto& p : train) {
    if (p.key == "batch_size") p.paperValue = "1024 prefix samples (here: sequences, with all their prefixes)";
    if (p.key == "epochs") p.paperValue = "41";
  }
  info.params.insert(info.params.end(), train.begin(), train.end());
  return info;
}

std::int64_t bucketWidth(std::int64_t length, std::int64_t width) {
  std::int64_t w = 8;
  while (w < length) w *= 2;
  return std::min(w, width);
}

}  // namespace

ModelInfo diffurecInfo() {
  return makeInfo("diffurec", "DiffuRec", "Li et al., TOIS 2023 (as described in paper 003)", false);
}

ModelInfo diffurecsysInfo() {
  return makeInfo("diffurecsys", "DiffuRecSys",
                  "DiffuRecSys (paper 003, RecSys 2024 workshop): cross-attention, offset noise, ensembles", true);
}

torch::Tensor drawUncertainty(at::IntArrayRef shape, double delta, torch::Generator generator,
                              const torch::TensorOptions& options) {
  return torch::randn(shape, generator, options) * delta + delta;
}

data::Batch expandPrefixes(const data::Batch& batch, const std::string& mode, std::int64_t maxPerSequence,
                           torch::Generator generator) {
  if (mode == "last") return batch;
  TORCH_CHECK(mode == "all" || mode == "random", "unknown prefix mode '", mode, "' (all, random, last)");
  const auto B = batch.history.size(0), L = batch.history.size(1);
  const auto device = batch.history.device();
  auto full = torch::cat({batch.history, batch.target.unsqueeze(1)}, 1);  // [B,L+1]
  auto fullMask = torch::cat({batch.mask, torch::ones({B, 1}, batch.mask.options())}, 1);
  // Candidate j: the history ends at column j (a real item), the target is column j+1.
  auto valid = batch.mask;
  auto empty = valid.any(1).logical_not();  // such rows keep their own sample (j = L-1)
  auto lastColumn = torch::zeros({B, L}, batch.mask.options());
  lastColumn.select(1, L - 1).fill_(true);
  auto fallback = lastColumn.logical_and(empty.unsqueeze(1));
  torch::Tensor selected;
  if (mode == "random") {
    auto weights = valid.logical_or(fallback).to(torch::kFloat);
    auto pick = torch::multinomial(weights, 1, false, generator);  // [B,1]
    selected = torch::zeros({B, L}, batch.mask.options()).scatter_(1, pick, true);
  } else {
    selected = valid;
    if (maxPerSequence > 0) {
      auto keys =
          torch::rand({B, L}, generator, torch::TensorOptions().device(device)).masked_fill(valid.logical_not(), 2.0);
      auto rank = keys.argsort(1, false).argsort(1, false);
      selected = selected.logical_and(rank < maxPerSequence);
    }
    selected = selected.logical_or(fallback);
  }
  auto pairs = selected.nonzero();  // [N,2]: (row, j), row-major
  auto rows = pairs.select(1, 0), ends = pairs.select(1, 1);
  auto cols = ends.unsqueeze(1) - (L - 1) +
              torch::arange(L, torch::TensorOptions().dtype(torch::kInt64).device(device)).unsqueeze(0);
  auto inside = cols.ge(0);
  auto safe = cols.clamp_min(0);
  data::Batch out;
  out.history = full.index_select(0, rows).gather(1, safe) * inside.to(torch::kInt64);
  out.mask = fullMask.index_select(0, rows).gather(1, safe).logical_and(inside);
  out.target = full.index_select(0, rows).gather(1, (ends + 1).unsqueeze(1)).squeeze(1);
  out.negatives = torch::zeros({out.target.size(0), 0}, batch.target.options());
  return out;
}

std::vector<LengthBucket> lengthBuckets(const data::Batch& batch) {
  const auto L = batch.history.size(1);
  auto lengths = batch.mask.sum(1).to(torch::kCPU);
  const auto* len = lengths.data_ptr<std::int64_t>();
  std::map<std::int64_t, std::vector<std::int64_t>> byWidth;
  for (std::int64_t i = 0; i < lengths.size(0); ++i) byWidth[bucketWidth(len[i], L)].push_back(i);
  std::vector<LengthBucket> buckets;
  for (auto& [width, rowList] : byWidth) {
    LengthBucket b;
    b.rows = torch::tensor(rowList, torch::kInt64).to(batch.history.device());
    if (byWidth.size() == 1 && width == L) {
      b.batch = batch;
    } else {
      b.batch.history = batch.history.index_select(0, b.rows).slice(1, L - width);
      b.batch.mask = batch.mask.index_select(0, b.rows).slice(1, L - width);
      b.batch.target = batch.target.index_select(0, b.rows);
      b.batch.negatives = batch.negatives.defined() ? batch.negatives.index_select(0, b.rows) : torch::Tensor();
    }
    buckets.push_back(std::move(b));
  }
  return buckets;
}

torch::Tensor averageScoreDistributions(const std::vector<torch::Tensor>& scores) {
  TORCH_CHECK(!scores.empty(), "no score runs to average");
  auto logProbs = torch::log_softmax(torch::stack(scores, 0), -1);  // -inf stays -inf
  return torch::logsumexp(logProbs, 0) - std::log(static_cast<double>(scores.size()));
}

std::uint64_t ensembleSeed(std::uint64_t seed, int run) {
  return seed + static_cast<std::uint64_t>(run) * 0x9E3779B97F4A7C15ULL;
}

DiffuRec::DiffuRec(const std::string& name, const Config& config, const DataShape& shape)
    : Model(name, config, shape),
      schedule_(diffusion::parseScheduleKind(getString("schedule")), static_cast<int>(getInt("diffusion_steps"))),
      delta_(getDouble("delta")),
      causal_(getBool("causal")),
      cross_(!getBool("cross_attention")              ? CrossMode::Off
             : getString("cross_query") == "sequence" ? CrossMode::SequenceQuery
                                                      : CrossMode::TargetQuery),
      trainingNoise_{getBool("offset_noise") ? diffusion::NoiseKind::Offset : diffusion::NoiseKind::Gaussian,
                     getDouble("offset_strength")} {
  const auto d = getInt("dim");
  embedding_ = register_module(
      "embedding", ItemSequenceEmbedding(shape.numItems, d, getInt("max_length"), false, getDouble("emb_dropout")));
  inputNorm_ = register_module("input_norm", torch::nn::LayerNorm(torch::nn::LayerNormOptions({d})));
  nn::TransformerBlockOptions o;
  o.dim = d;
  o.heads = getInt("heads");
  o.ffnMultiplier = 4;
  o.dropout = getDouble("dropout");
  o.preNorm = true;
  o.causal = causal_;
  o.crossAttention = cross_ == CrossMode::SequenceQuery;
  for (std::int64_t i = 0; i < getInt("blocks"); ++i) {
    const auto suffix = std::to_string(i);
    if (cross_ == CrossMode::TargetQuery) {
      crossAttention_.push_back(register_module("cross" + suffix, nn::MultiHeadAttention(d, o.heads, o.dropout)));
      crossNorms_.push_back(
          register_module("cross_norm" + suffix, torch::nn::LayerNorm(torch::nn::LayerNormOptions({d}))));
    }
    blocks_.push_back(register_module("block" + suffix, nn::TransformerBlock(o)));
  }
  dropout_ = register_module("dropout", nn::FastDropout(o.dropout));
  outputNorm_ = register_module("output_norm", torch::nn::LayerNorm(torch::nn::LayerNormOptions({d})));
  time_ = register_module("time", nn::TimeEmbedding(d, schedule_.steps(), nn::TimeEmbeddingStyle::DiffuRec));
}

torch::Tensor DiffuRec::embedHistory(const data::Batch& batch) {
  auto keep = batch.mask.unsqueeze(-1).to(torch::kFloat);
  return inputNorm_(embedding_->positioned(batch.history, batch.mask)) * keep;
}

torch::Tensor DiffuRec::approximateFrom(const torch::Tensor& h, const torch::Tensor& mask, const torch::Tensor& xt,
                                        const torch::Tensor& t, torch::Generator generator) {
  auto condition = (xt + time_(t)).unsqueeze(1);  // [B,1,d]
  auto lambda = drawUncertainty(h.sizes(), delta_, generator, h.options());
  auto injected = lambda * condition;  // λ_i ⊙ (x_t + d_t), [B,L,d]
  auto x = cross_ == CrossMode::Off ? h + injected : h;
  torch::Tensor allowed;
  if (cross_ == CrossMode::TargetQuery) allowed = nn::selfAttentionMask(mask, causal_);
  for (std::size_t i = 0; i < blocks_.size(); ++i) {
    if (cross_ == CrossMode::TargetQuery) {
      x = x + dropout_(crossAttention_[i](injected, crossNorms_[i](x), allowed));
      x = blocks_[i](x, mask);
    } else if (cross_ == CrossMode::SequenceQuery) {
      x = blocks_[i](x, mask, injected, mask);
    } else {
      x = blocks_[i](x, mask);
    }
  }
  return outputNorm_(dropout_(x.select(1, -1)));
}

torch::Tensor DiffuRec::approximate(const data::Batch& batch, const torch::Tensor& xt, const torch::Tensor& t,
                                    torch::Generator generator) {
  return approximateFrom(embedHistory(batch), batch.mask, xt, t, generator);
}

torch::Tensor DiffuRec::summedCrossEntropy(const data::Batch& b, torch::Generator generator) {
  auto table = embedding_->table();
  auto e0 = table.index_select(0, b.target);
  auto t = diffusion::sampleTimesteps(b.size(), schedule_.steps(), generator, e0.device());
  auto xt = diffusion::qSample(schedule_, e0, t, trainingNoise_, generator).xt;
  // Items 1..N are the classes (padding never is).
  auto logits = torch::matmul(approximate(b, xt, t, generator), table.slice(0, 1).t());
  return torch::nn::functional::cross_entropy(logits, b.target - 1,
                                              torch::nn::functional::CrossEntropyFuncOptions().reduction(torch::kSum));
}

LossTerms DiffuRec::loss(const data::Batch& batch, torch::Generator generator) {
  auto samples = expandPrefixes(batch, getString("prefixes"), getInt("max_prefixes"), generator);
  torch::Tensor sum;
  for (const auto& bucket : lengthBuckets(samples)) {
    auto part = summedCrossEntropy(bucket.batch, generator);
    sum = sum.defined() ? sum + part : part;
  }
  auto ce = sum / static_cast<double>(samples.size());
  return {ce, {{"ce", ce}}};
}

LossTerms DiffuRec::accumulateGradients(const data::Batch& batch, torch::Generator generator) {
  const auto budget = getInt("chunk_positions");
  if (budget <= 0) return Model::accumulateGradients(batch, generator);
  auto samples = expandPrefixes(batch, getString("prefixes"), getInt("max_prefixes"), generator);
  const auto count = static_cast<double>(samples.size());
  double sum = 0.0;
  for (const auto& bucket : lengthBuckets(samples)) {
    const auto& b = bucket.batch;
    const auto rows = std::max<std::int64_t>(1, budget / b.history.size(1));
    for (std::int64_t first = 0; first < b.size(); first += rows) {
      const auto last = std::min(b.size(), first + rows);
      data::Batch chunk;
      chunk.history = b.history.slice(0, first, last);
      chunk.mask = b.mask.slice(0, first, last);
      chunk.target = b.target.slice(0, first, last);
      auto part = summedCrossEntropy(chunk, generator);
      (part / count).backward();
      sum += part.item<double>();
    }
  }
  auto ce = torch::tensor(sum / count);
  return {ce, {{"ce", ce}}};
}

torch::Tensor DiffuRec::reverseWhole(const data::Batch& batch, const ReverseOptions& options,
                                     diffusion::TraceRecorder* trace) {
  auto h = embedHistory(batch);
  auto lambdaGenerator = diffusion::makeGenerator(options.seed ^ 0x6c616d6264615eedULL, h.device());
  // A sensitivity probe must see this step's λ again and leave the run's
  // draws alone (StepExtras::probe): while tracing, each step keeps its start.
  torch::Generator stepStart;
  DiffusionDenoiser denoiser = [&](const torch::Tensor& xt, const torch::Tensor& t, diffusion::StepExtras* extras) {
    if (extras && extras->probe && stepStart.defined()) {
      torch::Generator again = stepStart.clone();
      return approximateFrom(h, batch.mask, xt, t, again);
    }
    if (extras) stepStart = lambdaGenerator.clone();
    return approximateFrom(h, batch.mask, xt, t, lambdaGenerator);
  };
  return reverseFromNoise(schedule_, denoiser, batch.size(), getInt("dim"), options, /*sphere=*/false, trace,
                          h.device());
}

torch::Tensor DiffuRec::reverse(const data::Batch& batch, const ReverseOptions& options,
                                diffusion::TraceRecorder* trace) {
  torch::NoGradGuard noGrad;
  if (trace) return reverseWhole(batch, options, trace);
  auto buckets = lengthBuckets(batch);
  if (buckets.size() == 1) return reverseWhole(buckets.front().batch, options, nullptr);
  torch::Tensor out;
  for (const auto& bucket : buckets) {
    ReverseOptions o = options;
    o.seed = ensembleSeed(options.seed ^ static_cast<std::uint64_t>(bucket.batch.history.size(1)), 1);
    auto x0 = reverseWhole(bucket.batch, o, nullptr);
    if (!out.defined()) out = torch::zeros({batch.size(), x0.size(1)}, x0.options());
    out.index_copy_(0, bucket.rows, x0);
  }
  return out;
}

torch::Tensor DiffuRec::score(const data::Batch& batch, const ReverseOptions& options) {
  const int runs = options.ensemble > 1 ? options.ensemble : static_cast<int>(getInt("ensemble"));
  if (runs <= 1) return scoreAgainstItems(reverse(batch, options, nullptr));
  std::vector<torch::Tensor> all;
  for (int r = 0; r < runs; ++r) {
    ReverseOptions o = options;
    o.seed = ensembleSeed(options.seed, r);
    all.push_back(scoreAgainstItems(reverse(batch, o, nullptr)));
  }
  return averageScoreDistributions(all);
}

}  // namespace recdiff::models
