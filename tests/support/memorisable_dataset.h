// The dataset every "can it memorise?" test trains on: 50 sequences of 5
// random items out of 40 whose target is a fixed function of the last
// history item, so a model with enough capacity can learn it exactly.
// Validation and test are the training samples themselves.
#pragma once

#include <random>
#include <string>

#include "core/data/sequence_dataset.h"

namespace recdiff::test {

inline data::SequenceDataset memorisable() {
  data::SequenceDataset d;
  d.name = "memorise-50";
  d.numItems = 40;
  for (int i = 1; i <= 40; ++i) d.items.intern("i" + std::to_string(i));
  std::mt19937 rng(7);
  for (int u = 0; u < 50; ++u) {
    data::Sample s;
    s.user = u;
    for (int j = 0; j < 5; ++j) s.history.push_back(static_cast<data::ItemId>(1 + rng() % 40));
    s.target = static_cast<data::ItemId>(1 + (s.history.back() * 7) % 40);
    d.userTokens.push_back("u" + std::to_string(u));
    d.train.push_back(s);
  }
  d.validation = d.train;
  d.test = d.train;
  return d;
}

}  // namespace recdiff::test
