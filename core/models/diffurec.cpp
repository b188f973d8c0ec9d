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
      {"cross_form",
       std::string("dot-product"),
       "n/a (reference code: efficient)",
       "cross-attention form: scaled dot-product, or the reference code's linear \"efficient attention\"",
       {"dot-product", "efficient"}},
      {"chain_blocks",
       true,
       "on (DiffuRecSys reference code: off)",
       "each block reads the previous block's output (off: every block reads the embedded history and only the "
       "last one counts, as the DiffuRecSys code does)",
       {}},
      {"attend_padding",
       false,
       "off (paper)",
       "the reference code's attention: the padding id is embedded like an item and attended to (its mask hides "
       "only padded queries, which attend uniformly); histories are padded to max_length",
       {}},
      {"reference_code",
       false,
       "off (paper)",
       "the official code's numerics, for opening its models (recdiff import): LayerNorm eps 1e-12, GELU's tanh "
       "form, time embedding of t-1, reverse variance beta_t, CE over the padding id too",
       {}},
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

EfficientCrossAttentionImpl::EfficientCrossAttentionImpl(std::int64_t dim, std::int64_t heads, double dropout)
    : heads_(heads) {
  TORCH_CHECK(dim % heads == 0, "attention dimension ", dim, " not divisible by ", heads, " heads");
  q_ = register_module("q", torch::nn::Linear(dim, dim));
  k_ = register_module("k", torch::nn::Linear(dim, dim));
  v_ = register_module("v", torch::nn::Linear(dim, dim));
  out_ = register_module("out", torch::nn::Linear(dim, dim));
  dropout_ = register_module("dropout", nn::FastDropout(dropout));
}

torch::Tensor EfficientCrossAttentionImpl::forward(const torch::Tensor& query, const torch::Tensor& keyValue,
                                                   const torch::Tensor& keyMask, const torch::Tensor& fillMask) {
  const auto B = query.size(0), Lq = query.size(1), L = keyValue.size(1), d = query.size(2);
  const auto hd = d / heads_;
  auto q = torch::softmax(q_(query).view({B, Lq, heads_, hd}).transpose(1, 2), -1);   // over a head's channels
  auto k = torch::softmax(k_(keyValue).view({B, L, heads_, hd}).transpose(1, 2), 1);  // over the heads
  auto v = v_(keyValue).view({B, L, heads_, hd}).transpose(1, 2);
  if (keyMask.defined()) k = k * keyMask.view({B, 1, L, 1}).to(k.dtype());
  auto context = torch::matmul(q, torch::matmul(k.transpose(-2, -1), v));  // [B,heads,Lq,hd]
  if (fillMask.defined()) context = context.masked_fill(fillMask.logical_not().view({B, 1, Lq, 1}), -1e9);
  return out_(dropout_(context).transpose(1, 2).reshape({B, Lq, d}));
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
                     getDouble("offset_strength")},
      attendPadding_(getBool("attend_padding")),
      referenceCode_(getBool("reference_code")),
      efficientCross_(getString("cross_form") == "efficient"),
      chainBlocks_(getBool("chain_blocks")) {
  const auto d = getInt("dim");
  // The reference's TF-style LayerNorm: ε = 1e-12 inside the square root.
  const double eps = referenceCode_ ? 1e-12 : 1e-5;
  const auto layerNorm = [&] { return torch::nn::LayerNorm(torch::nn::LayerNormOptions({d}).eps(eps)); };
  embedding_ = register_module(
      "embedding", ItemSequenceEmbedding(shape.numItems, d, getInt("max_length"), false, getDouble("emb_dropout")));
  inputNorm_ = register_module("input_norm", layerNorm());
  nn::TransformerBlockOptions o;
  o.dim = d;
  o.heads = getInt("heads");
  o.ffnMultiplier = 4;
  o.dropout = getDouble("dropout");
  o.preNorm = true;
  o.causal = causal_;
  o.crossAttention = cross_ == CrossMode::SequenceQuery;
  o.normEps = eps;
  o.tanhGelu = referenceCode_;
  o.referenceMasking = attendPadding_;  // TODO(coordinator): TransformerBlockOptions::referenceMasking
  for (std::int64_t i = 0; i < getInt("blocks"); ++i) {
    const auto suffix = std::to_string(i);
    if (cross_ == CrossMode::TargetQuery) {
      if (efficientCross_) {
        efficientAttention_.push_back(
            register_module("cross" + suffix, EfficientCrossAttention(d, o.heads, o.dropout)));
      } else {
        crossAttention_.push_back(register_module("cross" + suffix, nn::MultiHeadAttention(d, o.heads, o.dropout)));
      }
      crossNorms_.push_back(register_module("cross_norm" + suffix, layerNorm()));
    }
    blocks_.push_back(register_module("block" + suffix, nn::TransformerBlock(o)));
  }
  dropout_ = register_module("dropout", nn::FastDropout(o.dropout));
  outputNorm_ = register_module("output_norm", layerNorm());
  time_ = register_module("time", nn::TimeEmbedding(d, schedule_.steps(), nn::TimeEmbeddingStyle::DiffuRec));
}

torch::Tensor DiffuRec::embedHistory(const data::Batch& batch) {
  if (attendPadding_) return inputNorm_(embedding_->positioned(batch.history, torch::ones_like(batch.mask)));
  auto keep = batch.mask.unsqueeze(-1).to(torch::kFloat);
  return inputNorm_(embedding_->positioned(batch.history, batch.mask)) * keep;
}

data::Batch DiffuRec::referenceWidth(const data::Batch& batch) const {
  const auto missing = getInt("max_length") - batch.history.size(1);
  if (!attendPadding_ || missing <= 0) return batch;
  data::Batch wide = batch;
  wide.history = torch::cat({torch::zeros({batch.size(), missing}, batch.history.options()), batch.history}, 1);
  wide.mask = torch::cat({torch::zeros({batch.size(), missing}, batch.mask.options()), batch.mask}, 1);
  return wide;
}

std::vector<LengthBucket> DiffuRec::buckets(const data::Batch& batch) const {
  if (!attendPadding_) return lengthBuckets(batch);
  LengthBucket all;
  all.rows = torch::arange(batch.size(), torch::TensorOptions().dtype(torch::kInt64).device(batch.history.device()));
  all.batch = referenceWidth(batch);
  return {all};
}

torch::Tensor DiffuRec::approximateFrom(const torch::Tensor& h, const torch::Tensor& mask, const torch::Tensor& xt,
                                        const torch::Tensor& t, torch::Generator generator) {
  auto condition = (xt + time_(referenceCode_ ? t - 1 : t)).unsqueeze(1);  // [B,1,d]
  auto lambda = drawUncertainty(h.sizes(), delta_, generator, h.options());
  auto injected = lambda * condition;  // λ_i ⊙ (x_t + d_t), [B,L,d]
  auto x = cross_ == CrossMode::Off ? h + injected : h;
  torch::Tensor allowed;
  if (cross_ == CrossMode::TargetQuery && !efficientCross_) {
    allowed = attendPadding_ ? torch::ones({h.size(0), h.size(1), h.size(1)},
                                           torch::TensorOptions().dtype(torch::kBool).device(h.device()))
                             : nn::selfAttentionMask(mask, causal_);
  }
  // chain_blocks=false: every block reads x as it is here and only the last
  // one's output counts, so only the last one runs.
  const std::size_t first = chainBlocks_ || blocks_.empty() ? 0 : blocks_.size() - 1;
  for (std::size_t i = first; i < blocks_.size(); ++i) {
    if (cross_ == CrossMode::TargetQuery) {
      auto normed = crossNorms_[i](x);
      auto attended = efficientCross_
                          ? efficientAttention_[i](injected, normed, attendPadding_ ? torch::Tensor() : mask,
                                                   attendPadding_ ? mask : torch::Tensor())
                          : crossAttention_[i](injected, normed, allowed);
      x = x + dropout_(attended);
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
  auto b = referenceWidth(batch);
  return approximateFrom(embedHistory(b), b.mask, xt, t, generator);
}

torch::Tensor DiffuRec::summedCrossEntropyAt(const data::Batch& b, const torch::Tensor& xt, const torch::Tensor& t,
                                             torch::Generator generator) {
  // Items 1..N are the classes (padding never is), or all ids 0..N.
  auto table = embedding_->table();
  auto classes = referenceCode_ ? table : table.slice(0, 1);
  auto logits = torch::matmul(approximate(b, xt, t, generator), classes.t());
  return torch::nn::functional::cross_entropy(logits, referenceCode_ ? b.target : b.target - 1,
                                              torch::nn::functional::CrossEntropyFuncOptions().reduction(torch::kSum));
}

torch::Tensor DiffuRec::summedCrossEntropy(const data::Batch& b, torch::Generator generator) {
  auto e0 = embedding_->table().index_select(0, b.target);
  auto t = diffusion::sampleTimesteps(b.size(), schedule_.steps(), generator, e0.device());
  auto xt = diffusion::qSample(schedule_, e0, t, trainingNoise_, generator).xt;
  return summedCrossEntropyAt(b, xt, t, generator);
}

torch::Tensor DiffuRec::meanCrossEntropy(const data::Batch& samples, const torch::Tensor& t, const torch::Tensor& noise,
                                         torch::Generator generator) {
  auto e0 = embedding_->table().index_select(0, samples.target);
  auto xt = diffusion::qSampleWithNoise(schedule_, e0, t, noise, trainingNoise_.kind);
  return summedCrossEntropyAt(samples, xt, t, generator) / static_cast<double>(samples.size());
}

LossTerms DiffuRec::loss(const data::Batch& batch, torch::Generator generator) {
  auto samples = expandPrefixes(batch, getString("prefixes"), getInt("max_prefixes"), generator);
  torch::Tensor sum;
  for (const auto& bucket : buckets(samples)) {
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
  for (const auto& bucket : buckets(samples)) {
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
                          h.device(), {}, /*betaVariance=*/referenceCode_);
}

torch::Tensor DiffuRec::reverse(const data::Batch& batch, const ReverseOptions& options,
                                diffusion::TraceRecorder* trace) {
  torch::NoGradGuard noGrad;
  if (trace) return reverseWhole(referenceWidth(batch), options, trace);
  auto parts = buckets(batch);
  if (parts.size() == 1) return reverseWhole(parts.front().batch, options, nullptr);
  torch::Tensor out;
  for (const auto& bucket : parts) {
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
