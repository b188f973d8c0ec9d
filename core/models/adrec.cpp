#include "core/models/adrec.h"

#include <cmath>

#include <torch/torch.h>

#include "core/diffusion/forward_noise.h"
#include "core/models/diffusion_reverse.h"
#include "core/models/sasrec.h"

namespace recdiff::models {

ModelInfo adrecInfo() {
  ModelInfo info;
  info.name = "adrec";
  info.displayName = "ADRec";
  info.paper = "ADRec (paper 002, KDD 2025): token-level auto-regressive diffusion";
  info.params = {
      {"dim", std::int64_t{128}, "128", "embedding and hidden size d", {}, between(1, 4096)},
      {"heads", std::int64_t{4}, "4 (reference code)", "attention heads of the CAM and ADM blocks", {}, between(1, 64)},
      {"cam_blocks", std::int64_t{2}, "2", "causal transformer blocks of the CAM", {}, between(1, 64)},
      {"adm_blocks", std::int64_t{2}, "2", "causal transformer blocks of the ADM (the denoiser)", {}, between(1, 64)},
      {"dropout", 0.1, "0.1", "dropout inside the transformer blocks", {}, between(0, 1)},
      {"emb_dropout", 0.3, "0.3", "dropout of the item embeddings", {}, between(0, 1)},
      {"diffusion_steps", std::int64_t{32}, "32", "diffusion steps T", {}, between(1, 10000)},
      {"schedule",
       std::string("truncated-linear"),
       "truncated-linear",
       "noise schedule",
       {"linear", "cosine", "sqrt", "truncated-linear", "exp"}},
      {"lambda", 1e-3, "1e-3", "λ of the aggregation z = c + λ(x_t + t_emb)", {}, between(0, 1000)},
      {"mse", true, "on", "denoising loss MSE(x̂0, x0) (Table 4: w/o MSE)", {}},
      {"mse_weight", 1.0, "1", "weight of the MSE before the PCGrad-style mean with CE", {}, between(0, 1000)},
      {"cam", true, "on", "causal attention module (Table 4: w/o CAM)", {}},
      {"denoiser", std::string("transformer"), "transformer (ADM)", "denoiser (Table 4: MLP)", {"transformer", "mlp"}},
      {"pretrain", true, "on", "stage 1, embedding pre-training (Table 4: w/o pre-train)", {}},
      {"pretrain_epochs",
       std::int64_t{0},
       "until early stopping",
       "epochs of stage 1 (0 = until early stopping)",
       {},
       between(0, 100000)},
      {"pretrain_encoder",
       std::string("cam"),
       "the CAM (paper); a SASRec (reference code)",
       "stage-1 front end: cam = dropout→LayerNorm of E, as ADRec; sasrec = LayerNorm→dropout of E + "
       "learned positions, as the reference's SASRec",
       {"cam", "sasrec"}},
      {"warmup", true, "on", "stage 2, warm-up with frozen embeddings (Table 4: w/o warm-up)", {}},
      {"warmup_epochs", std::int64_t{5}, "5", "epochs of stage 2", {}, between(1, 100000)},
      {"attend_padding",
       false,
       "off (paper)",
       "the reference code's attention: every position also attends to the left padding, a learned "
       "token (its mask hides only padded queries)",
       {}},
      {"reference_code",
       false,
       "off (paper)",
       "the official code's numerics, for opening its models (recdiff import): LayerNorm eps 1e-12, GELU's tanh "
       "form, time embedding of t-1, reverse variance beta_t, CE over the padding row too, MSE averaged per "
       "sequence",
       {}},
  };
  info.rules = {divides("heads", "dim")};
  TrainingDefaults t;
  t.optimizer = "adam";
  t.learningRate = 1e-3;
  t.weightDecay = 1e-5;
  t.batchSize = 512;
  t.epochs = 500;
  t.patience = 4;
  t.evalEvery = 5;
  t.maxLength = 50;
  t.lrSchedule = "cosine";
  auto train = trainingParams(t);
  info.params.insert(info.params.end(), train.begin(), train.end());
  return info;
}

torch::Tensor perTokenTimesteps(const torch::Tensor& mask, int T, torch::Generator generator) {
  auto t = diffusion::sampleTimesteps(mask.numel(), T, generator, mask.device()).view(mask.sizes());
  return t * mask.to(torch::kInt64);
}

torch::Tensor shiftedTargets(const data::Batch& batch) {
  // The next item of every position; 0 where the input position is padding
  // (left padding would otherwise put the first real item there).
  return torch::cat({batch.history.slice(1, 1), batch.target.unsqueeze(1)}, 1).masked_fill(batch.mask.logical_not(), 0);
}

torch::Tensor maskedMeanSquaredError(const torch::Tensor& prediction, const torch::Tensor& target,
                                     const torch::Tensor& mask) {
  auto perToken = (prediction - target).pow(2).mean(-1);
  auto weights = mask.to(perToken.dtype());
  return (perToken * weights).sum() / weights.sum().clamp_min(1.0);
}

torch::Tensor sequenceMeanSquaredError(const torch::Tensor& prediction, const torch::Tensor& target,
                                       const torch::Tensor& mask) {
  auto weights = mask.to(prediction.dtype());
  weights = weights / weights.sum(1, true).clamp_min(1.0);  // 1/n_b at the real positions of row b
  return ((prediction - target).pow(2) * weights.unsqueeze(-1)).sum(1).mean();
}

torch::Tensor crossEntropyWithPaddingClass(const torch::Tensor& outputs, const torch::Tensor& itemTable,
                                           const data::Batch& batch) {
  auto valid = batch.mask.reshape({-1});
  auto next = shiftedTargets(batch).reshape({-1}).index({valid});
  auto logits = torch::matmul(outputs.reshape({-1, outputs.size(-1)}).index({valid}), itemTable.t());
  return torch::nn::functional::cross_entropy(logits, next);
}

namespace {

// The sub-modules of a post-LN TransformerBlock, looked up by the names it
// registers (the names its checkpoints use), for decoding one position.
struct BlockParts {
  std::shared_ptr<torch::nn::LinearImpl> q, k, v, out, ffnIn, ffnOut;
  std::shared_ptr<torch::nn::LayerNormImpl> norm1, norm2;
};

template <typename M>
std::shared_ptr<M> part(const torch::OrderedDict<std::string, std::shared_ptr<torch::nn::Module>>& modules,
                        const std::string& name) {
  const auto* found = modules.find(name);
  std::shared_ptr<M> p = found ? std::dynamic_pointer_cast<M>(*found) : nullptr;
  TORCH_CHECK(p, "ADRec: transformer block has no sub-module '", name, "' of the expected type");
  return p;
}

BlockParts partsOf(const nn::TransformerBlock& block) {
  const auto modules = block->named_modules("", false);
  BlockParts p;
  p.q = part<torch::nn::LinearImpl>(modules, "self_attention.q");
  p.k = part<torch::nn::LinearImpl>(modules, "self_attention.k");
  p.v = part<torch::nn::LinearImpl>(modules, "self_attention.v");
  p.out = part<torch::nn::LinearImpl>(modules, "self_attention.out");
  p.ffnIn = part<torch::nn::LinearImpl>(modules, "ffn_in");
  p.ffnOut = part<torch::nn::LinearImpl>(modules, "ffn_out");
  p.norm1 = part<torch::nn::LayerNormImpl>(modules, "norm1");
  p.norm2 = part<torch::nn::LayerNormImpl>(modules, "norm2");
  return p;
}

std::shared_ptr<nn::MultiHeadAttentionImpl> selfAttentionOf(const nn::TransformerBlock& block) {
  return part<nn::MultiHeadAttentionImpl>(block->named_modules("", false), "self_attention");
}

// Decodes the last position of a stack of causal post-LN transformer blocks
// (eval mode) when every earlier position is fixed: the prefix runs through
// the blocks once, its keys and values are cached per block, and each step
// computes only the last position — the same numbers as running the blocks
// over the whole sequence, at 1/L of the cost.
class LastPositionDecoder {
 public:
  LastPositionDecoder(std::vector<nn::TransformerBlock>& blocks, const nn::TransformerBlockOptions& options,
                      const torch::Tensor& prefix /*[B,L-1,d]*/, const torch::Tensor& mask /*[B,L]*/)
      : heads_(options.heads), gelu_(options.tanhGelu ? "tanh" : "none") {
    const auto heads = heads_;
    const auto B = mask.size(0), L = mask.size(1), P = L - 1;
    const auto d = prefix.size(2);
    headDim_ = d / heads;
    auto maskPrefix = mask.slice(1, 0, P);
    auto in = prefix;
    for (auto& block : blocks) {
      Layer layer{partsOf(block), prefix.new_zeros({B, heads, L, headDim_}), prefix.new_zeros({B, heads, L, headDim_})};
      if (P > 0) {
        layer.keys.narrow(2, 0, P).copy_(split(layer.parts.k->forward(in)));
        layer.values.narrow(2, 0, P).copy_(split(layer.parts.v->forward(in)));
        in = block->forward(in, maskPrefix);
      }
      layers_.push_back(std::move(layer));
    }
    allowed_ = mask.view({B, 1, 1, L});
    anyAllowed_ = mask.any(1).view({B, 1, 1, 1}).to(prefix.dtype());
    keepLast_ = mask.select(1, L - 1).unsqueeze(-1).to(prefix.dtype());
  }

  // x [B,d], the last position's input; `attention` receives [B,blocks,L].
  torch::Tensor step(torch::Tensor x, torch::Tensor* attention) {
    const auto B = x.size(0), L = allowed_.size(-1);
    std::vector<torch::Tensor> weightsPerBlock;
    for (auto& layer : layers_) {
      auto& p = layer.parts;
      auto q = p.q->forward(x).view({B, heads_, 1, headDim_});
      layer.keys.select(2, L - 1).copy_(p.k->forward(x).view({B, heads_, headDim_}));
      layer.values.select(2, L - 1).copy_(p.v->forward(x).view({B, heads_, headDim_}));
      auto scores = torch::matmul(q, layer.keys.transpose(-2, -1)) / std::sqrt(static_cast<double>(headDim_));
      scores = scores.masked_fill(allowed_.logical_not(), -1e9);
      auto weights = torch::softmax(scores, -1) * anyAllowed_;  // [B,H,1,L]
      if (attention) weightsPerBlock.push_back(weights.mean(1).squeeze(1));
      auto attended = p.out->forward(torch::matmul(weights, layer.values).reshape({B, -1}));
      auto h = p.norm1->forward(x + attended);
      x = p.norm2->forward(h + p.ffnOut->forward(torch::gelu(p.ffnIn->forward(h), gelu_)));
      x = x * keepLast_;
    }
    if (attention) *attention = torch::stack(weightsPerBlock, 1);
    return x;
  }

 private:
  struct Layer {
    BlockParts parts;
    torch::Tensor keys, values;  // [B,H,L,hd]; slot L-1 rewritten each step
  };
  torch::Tensor split(const torch::Tensor& x) const {  // [B,P,d] -> [B,H,P,hd]
    return x.view({x.size(0), x.size(1), heads_, headDim_}).transpose(1, 2);
  }
  std::int64_t heads_, headDim_ = 0;
  const char* gelu_;
  std::vector<Layer> layers_;
  torch::Tensor allowed_, anyAllowed_, keepLast_;
};

}  // namespace

AdRec::AdRec(const Config& config, const DataShape& shape)
    : Model("adrec", config, shape),
      schedule_(diffusion::parseScheduleKind(getString("schedule")), static_cast<int>(getInt("diffusion_steps"))),
      lambda_(getDouble("lambda")),
      useCam_(getBool("cam")),
      useMse_(getBool("mse")),
      mlpDenoiser_(getString("denoiser") == "mlp"),
      referenceCode_(getBool("reference_code")) {
  const auto d = getInt("dim");
  const double normEps = referenceCode_ ? 1e-12 : 1e-5;
  embedding_ = register_module(
      "embedding", ItemSequenceEmbedding(shape.numItems, d, getInt("max_length"), false, getDouble("emb_dropout")));
  if (getBool("attend_padding")) {
    // Initialised as the item rows are (the reference's padding is row 0 of E).
    paddingToken_ = register_parameter("padding_token", torch::randn({d}) / std::sqrt(static_cast<double>(d)));
    paddingDropout_ = register_module("padding_dropout", nn::FastDropout(getDouble("emb_dropout")));
  }
  inputNorm_ = register_module("input_norm", torch::nn::LayerNorm(torch::nn::LayerNormOptions({d}).eps(normEps)));
  if (getString("pretrain_encoder") == "sasrec" && getBool("pretrain")) {
    pretrainPositions_ = register_module("pretrain_positions",
                                         torch::nn::Embedding(torch::nn::EmbeddingOptions(getInt("max_length"), d)));
    torch::NoGradGuard noGrad;
    pretrainPositions_->weight.normal_(0.0, 1.0 / std::sqrt(static_cast<double>(d)));
    pretrainDropout_ = register_module("pretrain_dropout", nn::FastDropout(getDouble("emb_dropout")));
  }
  blockOptions_.dim = d;
  blockOptions_.heads = getInt("heads");
  blockOptions_.ffnMultiplier = 4;
  blockOptions_.dropout = getDouble("dropout");
  blockOptions_.preNorm = false;  // post-LN, as the reference
  blockOptions_.causal = true;
  blockOptions_.normEps = normEps;
  blockOptions_.tanhGelu = referenceCode_;
  // The CAM also serves as the pre-training encoder, so it exists whenever
  // either needs it.
  if (useCam_ || getBool("pretrain")) {
    for (std::int64_t i = 0; i < getInt("cam_blocks"); ++i) {
      cam_.push_back(register_module("cam" + std::to_string(i), nn::TransformerBlock(blockOptions_)));
    }
  }
  if (mlpDenoiser_) {
    mlp_ = register_module(
        "denoiser", torch::nn::Sequential(torch::nn::Linear(d, 4 * d), torch::nn::SiLU(), torch::nn::Linear(4 * d, d),
                                          torch::nn::LayerNorm(torch::nn::LayerNormOptions({d}))));
  } else {
    for (std::int64_t i = 0; i < getInt("adm_blocks"); ++i) {
      adm_.push_back(register_module("adm" + std::to_string(i), nn::TransformerBlock(blockOptions_)));
    }
  }
  time_ = register_module("time", nn::TimeEmbedding(d, schedule_.steps(), nn::TimeEmbeddingStyle::DiffuRec));
  phase_ = register_buffer("phase", torch::tensor(static_cast<std::int64_t>(Phase::Full)));
}

AdRec::Phase AdRec::phase() const { return static_cast<Phase>(phase_.item<std::int64_t>()); }

void AdRec::setPhase(Phase phase) {
  torch::NoGradGuard noGrad;
  phase_.fill_(static_cast<std::int64_t>(phase));
}

torch::Tensor AdRec::normalisedHistory(const data::Batch& batch) {
  auto keep = batch.mask.unsqueeze(-1).to(torch::kFloat);
  if (pretrainPositions_ && phase() == Phase::Pretrain) {
    // The reference's SASRec: positions count back from the most recent item
    // (its left-padded sequences always end at the last position).
    const auto L = batch.history.size(1), P = pretrainPositions_->weight.size(0);
    TORCH_CHECK(L <= P, "history length ", L, " exceeds the model's max_length ", P);
    auto idx = torch::arange(P - L, P, batch.history.options());
    auto h = embedding_->items(batch.history) + pretrainPositions_(idx).unsqueeze(0);
    return pretrainDropout_(inputNorm_(h)) * keep;
  }
  if (paddingToken_.defined()) {
    // The reference: LN(dropout(E[seq])) with a learned, non-zero padding row.
    auto padding = batch.mask.logical_not().unsqueeze(-1).to(torch::kFloat);
    auto token = paddingToken_.view({1, 1, -1}).expand({batch.mask.size(0), batch.mask.size(1), -1});
    auto h = embedding_->positioned(batch.history, batch.mask) + paddingDropout_(token.contiguous()) * padding;
    return inputNorm_(h);
  }
  return inputNorm_(embedding_->positioned(batch.history, batch.mask)) * keep;
}

torch::Tensor AdRec::attentionMask(const torch::Tensor& mask) const {
  // Stage 1 with the SASRec front end keeps the reference SASRec's masking.
  const bool sasrecStage = pretrainPositions_ && phase() == Phase::Pretrain;
  return paddingToken_.defined() && !sasrecStage ? torch::ones_like(mask) : mask;
}

torch::Tensor AdRec::context(const torch::Tensor& h, const torch::Tensor& mask) {
  if (!(useCam_ || phase() == Phase::Pretrain)) return h;
  auto c = h;
  const auto allowed = attentionMask(mask);
  for (auto& block : cam_) c = block(c, allowed);
  return c;
}

torch::Tensor AdRec::aggregate(const torch::Tensor& c, const torch::Tensor& xt, const torch::Tensor& t) {
  // The reference counts steps from 0 (its t = 0 is the first noise level,
  // which shares the clean positions' embedding); ours from 1, 0 = clean.
  return c + lambda_ * (xt + time_(referenceCode_ ? (t - 1).clamp_min(0) : t));
}

torch::Tensor AdRec::denoiseSequence(const torch::Tensor& z, const torch::Tensor& mask) {
  if (mlpDenoiser_) return mlp_->forward(z) * mask.unsqueeze(-1).to(z.dtype());
  auto x = z;
  const auto allowed = attentionMask(mask);
  for (auto& block : adm_) x = block(x, allowed);
  return x;
}

LossTerms AdRec::loss(const data::Batch& batch, torch::Generator generator) {
  if (phase() == Phase::Pretrain) {
    auto ce = nextItemCrossEntropy(context(normalisedHistory(batch), batch.mask), embedding_->table(), batch);
    return {ce, {{"ce", ce}}};
  }
  auto t = perTokenTimesteps(batch.mask, schedule_.steps(), generator);  // 0 at padding
  auto noise = torch::randn({batch.mask.size(0), batch.mask.size(1), getInt("dim")}, generator,
                            torch::TensorOptions().device(batch.mask.device()));
  return lossWith(batch, t, noise);
}

torch::Tensor AdRec::denoise(const data::Batch& batch, const torch::Tensor& xt, const torch::Tensor& t) {
  return denoiseSequence(aggregate(context(normalisedHistory(batch), batch.mask), xt, t), batch.mask);
}

LossTerms AdRec::lossWith(const data::Batch& batch, const torch::Tensor& t, const torch::Tensor& noise) {
  auto table = embedding_->table();
  auto x0 = embedding_->items(shiftedTargets(batch));              // [B,L,d]
  auto xt = diffusion::qSampleWithNoise(schedule_, x0, t, noise);  // clean where t = 0
  auto x0Hat = denoise(batch, xt, t);
  LossTerms terms;
  auto ce =
      referenceCode_ ? crossEntropyWithPaddingClass(x0Hat, table, batch) : nextItemCrossEntropy(x0Hat, table, batch);
  terms.components["ce"] = ce;
  if (useMse_) {
    auto mse = referenceCode_ ? sequenceMeanSquaredError(x0Hat, x0, batch.mask)
                              : maskedMeanSquaredError(x0Hat, x0, batch.mask);
    terms.components["mse"] = mse;
    // PCGrad without projection: the mean of the two gradients (header).
    terms.total = 0.5 * (ce + getDouble("mse_weight") * mse);
  } else {
    terms.total = ce;
  }
  return terms;
}

torch::Tensor AdRec::reverse(const data::Batch& batch, const ReverseOptions& options, diffusion::TraceRecorder* trace) {
  torch::NoGradGuard noGrad;
  if (phase() == Phase::Pretrain) {  // the SASRec+ of stage 1
    return context(normalisedHistory(batch), batch.mask).select(1, -1);
  }
  return reverseLastPosition(batch, options, trace);
}

torch::Tensor AdRec::reverseLastPosition(const data::Batch& batch, const ReverseOptions& options,
                                         diffusion::TraceRecorder* trace) {
  const auto& mask = batch.mask;
  const auto B = mask.size(0), L = mask.size(1), P = L - 1;
  auto c = context(normalisedHistory(batch), mask);
  auto cLast = c.select(1, P);
  // History positions: their clean next items at t = 0 (padding's next item
  // is padding, as in training).
  auto tPrefix = torch::zeros({B, P}, batch.history.options());
  auto zPrefix = aggregate(c.slice(1, 0, P), embedding_->items(shiftedTargets(batch).slice(1, 0, P)), tPrefix);
  auto keepLast = mask.select(1, P).unsqueeze(-1).to(c.dtype());

  DiffusionDenoiser denoiser;
  std::shared_ptr<LastPositionDecoder> decoder;
  if (mlpDenoiser_) {
    denoiser = [&](const torch::Tensor& xt, const torch::Tensor& t, diffusion::StepExtras*) {
      return mlp_->forward(aggregate(cLast, xt, t)) * keepLast;
    };
  } else if (is_training()) {
    // Dropout is live: run the blocks over the whole sequence each step.
    denoiser = [&](const torch::Tensor& xt, const torch::Tensor& t, diffusion::StepExtras*) {
      auto zLast = aggregate(cLast.unsqueeze(1), xt.unsqueeze(1), t.unsqueeze(1));
      return denoiseSequence(torch::cat({zPrefix, zLast}, 1), mask).select(1, P);
    };
  } else {
    decoder = std::make_shared<LastPositionDecoder>(adm_, blockOptions_, zPrefix, attentionMask(mask));
    denoiser = [&](const torch::Tensor& xt, const torch::Tensor& t, diffusion::StepExtras* extras) {
      torch::Tensor attention;
      auto out = decoder->step(aggregate(cLast, xt, t), extras ? &attention : nullptr);
      if (extras) extras->put("adm_attention", attention);
      return out;
    };
  }
  return reverseFromNoise(schedule_, denoiser, B, getInt("dim"), options, /*sphere=*/false, trace, c.device(), {},
                          /*betaVariance=*/referenceCode_);
}

Inspection AdRec::inspect(const data::Batch& batch) {
  torch::NoGradGuard noGrad;
  Inspection out;
  if (cam_.empty() || !(useCam_ || phase() == Phase::Pretrain)) return out;
  std::vector<std::shared_ptr<nn::MultiHeadAttentionImpl>> attention;
  for (const auto& block : cam_) {
    attention.push_back(selfAttentionOf(block));
    attention.back()->recordWeights = true;
  }
  context(normalisedHistory(batch), batch.mask);
  std::vector<torch::Tensor> weights;
  for (auto& a : attention) {
    weights.push_back(a->lastWeights.mean(1));  // [B,L,L], mean over heads
    a->recordWeights = false;
    a->lastWeights = torch::Tensor();
  }
  out["cam_attention"] = torch::stack(weights, 1);
  return out;
}

std::vector<TrainingStage> AdRec::stages() const {
  std::vector<TrainingStage> s;
  const bool pretrain = config().at("pretrain").get<bool>();
  if (pretrain) s.push_back({"pretrain", config().at("pretrain_epochs").get<std::int64_t>()});
  if (pretrain && config().at("warmup").get<bool>()) {
    s.push_back({"warmup", std::max<std::int64_t>(1, config().at("warmup_epochs").get<std::int64_t>())});
  }
  s.push_back({"full", 0});
  // The stage after pre-training loads the *selected* pre-trained embeddings,
  // and from there on the stages select among their own validations: the
  // result is always an ADRec model, never the CE-only pre-trained one, and
  // the full stage's patience counts against its own best. The reference
  // does the same by pre-training in a separate run.
  if (pretrain) s[1].refinesBest = true;
  return s;
}

void AdRec::resetContextModule() {
  torch::NoGradGuard noGrad;
  for (auto& block : cam_) {
    nn::TransformerBlock fresh(blockOptions_);
    auto target = block->parameters();
    auto source = fresh->parameters();
    for (std::size_t i = 0; i < target.size(); ++i) target[i].copy_(source[i]);
  }
  inputNorm_->weight.fill_(1.0);
  inputNorm_->bias.zero_();
}

void AdRec::beginStage(std::size_t stage) {
  const auto all = stages();
  TORCH_CHECK(stage < all.size(), "ADRec has no training stage ", stage);
  const std::string& name = all[stage].name;
  const Phase before = phase();
  auto table = embedding_->table();
  if (name == "pretrain") {
    setPhase(Phase::Pretrain);
    table.requires_grad_(true);
    return;
  }
  // Leaving pre-training: only the embeddings carry over (the paper trains
  // the CAM from scratch after stage 1; the reference loads only E).
  if (before == Phase::Pretrain) resetContextModule();
  const bool frozen = name == "warmup";
  setPhase(frozen ? Phase::Warmup : Phase::Full);
  table.requires_grad_(!frozen);
  if (paddingToken_.defined()) paddingToken_.requires_grad_(!frozen);
}

std::vector<torch::Tensor> AdRec::trainableParameters() {
  const Phase p = phase();
  if (p == Phase::Full) return parameters();
  if (p == Phase::Pretrain) {
    auto params = embedding_->parameters();
    if (paddingToken_.defined()) params.push_back(paddingToken_);
    for (const auto& q : inputNorm_->parameters()) params.push_back(q);
    if (pretrainPositions_) params.push_back(pretrainPositions_->weight);
    for (auto& block : cam_) {
      for (const auto& q : block->parameters()) params.push_back(q);
    }
    return params;
  }
  // Warm-up: everything but E (and the padding token, E's row 0 in the reference).
  std::vector<torch::Tensor> params;
  const auto* table = embedding_->table().unsafeGetTensorImpl();
  const auto* padding = paddingToken_.defined() ? paddingToken_.unsafeGetTensorImpl() : nullptr;
  for (const auto& q : parameters()) {
    if (q.unsafeGetTensorImpl() != table && q.unsafeGetTensorImpl() != padding) params.push_back(q);
  }
  return params;
}

}  // namespace recdiff::models
