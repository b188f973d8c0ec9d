#include "core/models/comirec.h"

#include <limits>

#include <torch/torch.h>

#include "core/models/routing_regulariser.h"
#include "core/models/sampled_softmax.h"

namespace recdiff::models {

ModelInfo comirecInfo() {
  ModelInfo info;
  info.name = "comirec";
  info.displayName = "ComiRec-SA";
  info.paper = "Cen et al., KDD 2020";
  info.diffusion = false;
  info.params = {
      {"dim", std::int64_t{64}, "64", "embedding size d", {}, between(1, 4096)},
      {"interests", std::int64_t{4}, "4", "number of interests k", {}, between(1, 256)},
      {"negatives", std::int64_t{10}, "10", "uniform negatives per sample (sampled softmax)", {}, between(1, 10000)},
      {"dropout", 0.0, "0", "embedding dropout", {}, between(0, 1)},
      {"empty_history",
       std::string("learned"),
       "not stated",
       "interest of a sample without history",
       {"learned", "zero"}},
  };
  const auto reg = routingRegulariserParams("off", "not in ComiRec; paper 000 adds it (Eq. 18)");
  info.params.insert(info.params.end(), reg.begin(), reg.end());
  TrainingDefaults t;
  t.optimizer = "adam";
  t.learningRate = 1e-3;
  auto train = trainingParams(t);
  info.params.insert(info.params.end(), train.begin(), train.end());
  return info;
}

ComiRec::ComiRec(const Config& config, const DataShape& shape) : Model("comirec", config, shape) {
  const auto d = getInt("dim");
  embedding_ = register_module(
      "embedding", ItemSequenceEmbedding(shape.numItems, d, getInt("max_length"), true, getDouble("dropout")));
  extractor_ = register_module("extractor", nn::MultiInterestExtractor(d, getInt("interests")));
  if (getString("empty_history") == "learned") {
    emptyHistoryInterest_ = register_parameter("empty_history_interest", torch::zeros({d}));
  }
}

nn::MultiInterestOutput ComiRec::interests(const data::Batch& batch) {
  auto out =
      extractor_(embedding_->positioned(batch.history, batch.mask), embedding_->items(batch.history), batch.mask);
  if (emptyHistoryInterest_.defined()) {
    auto empty = batch.mask.any(1).logical_not().view({-1, 1, 1});  // [B,1,1]
    out.interests = torch::where(empty, emptyHistoryInterest_.view({1, 1, -1}).expand_as(out.interests), out.interests);
  }
  return out;
}

LossTerms ComiRec::loss(const data::Batch& batch, torch::Generator) {
  auto out = interests(batch);
  auto table = embedding_->table();
  auto positive = table.index_select(0, batch.target);
  auto chosen = nn::bestMatchingInterest(out.interests, positive);
  auto negatives =
      table.index_select(0, batch.negatives.reshape({-1})).view({batch.size(), batch.negatives.size(1), -1});
  auto ssm = sampledSoftmaxLoss(chosen, positive, negatives);
  LossTerms terms{ssm, {{"ssm", ssm}}};
  addRoutingRegulariser(terms, out.weights, batch.mask, getString("reg"), getDouble("reg_weight"));
  return terms;
}

torch::Tensor ComiRec::score(const data::Batch& batch, const ReverseOptions&) {
  auto out = interests(batch);
  auto scores = std::get<0>(torch::matmul(out.interests, embedding_->table().t()).max(1));
  scores.select(1, 0).fill_(-std::numeric_limits<float>::infinity());
  return scores;
}

torch::Tensor ComiRec::reverse(const data::Batch& batch, const ReverseOptions&, diffusion::TraceRecorder*) {
  auto out = interests(batch);
  auto perInterest = torch::matmul(out.interests, embedding_->table().slice(0, 1).t());  // [B,k,N]
  auto best = std::get<0>(perInterest.max(2)).argmax(1);                                 // [B]
  auto index = best.view({-1, 1, 1}).expand({batch.size(), 1, out.interests.size(2)});
  return out.interests.gather(1, index).squeeze(1);
}

Inspection ComiRec::inspect(const data::Batch& batch) {
  auto out = interests(batch);
  auto covariance = nn::routingCovariance(out.weights, batch.mask);
  return {{"routing_weights", out.weights},
          {"routing_covariance", covariance},
          {"l_reg", nn::routingRegulariser(covariance, false)},
          {"interests", out.interests}};
}

}  // namespace recdiff::models
