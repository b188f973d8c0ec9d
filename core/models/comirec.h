// ComiRec-SA (Cen et al., KDD 2020): k interests from the self-attentive
// multi-interest extractor (the module ADIGRec's G1 and DimeRec's GEM share),
// trained with sampled softmax on the interest closest to the target; at
// serving an item's score is its best dot product over the interests.
//
// A choice the papers leave open: a sample with an empty history (15 % of
// zhihu-dreamrec's test samples) has no positions to attend to, so the
// extractor gives k zero interests and every item the same score (with
// pessimistic ties: a miss, always). empty_history = learned (the default)
// gives such samples one learned interest vector instead, trained by the
// same sampled softmax, i.e. what the model predicts for "no history yet";
// empty_history = zero keeps the zero interests. The vector starts at zero
// and draws nothing from the generator, so every other initial weight is the
// same with either setting.
#pragma once

#include "core/models/model.h"
#include "core/models/sequence_encoder.h"
#include "core/nn/multi_interest_extractor.h"

namespace recdiff::models {

ModelInfo comirecInfo();

class ComiRec : public Model {
 public:
  ComiRec(const Config& config, const DataShape& shape);
  LossTerms loss(const data::Batch& batch, torch::Generator generator) override;
  // The interest that scores the user's top item; score() uses all of them.
  torch::Tensor reverse(const data::Batch& batch, const ReverseOptions& options,
                        diffusion::TraceRecorder* trace) override;
  torch::Tensor score(const data::Batch& batch, const ReverseOptions& options) override;
  torch::Tensor itemEmbeddings() const override { return embedding_->table(); }
  Inspection inspect(const data::Batch& batch) override;

 private:
  nn::MultiInterestOutput interests(const data::Batch& batch);
  ItemSequenceEmbedding embedding_{nullptr};
  nn::MultiInterestExtractor extractor_{nullptr};
  torch::Tensor emptyHistoryInterest_;  // [d], only with empty_history = learned
};

}  // namespace recdiff::models
