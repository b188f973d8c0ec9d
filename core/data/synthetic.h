// The built-in demo and classroom dataset: users with a varying number of
// interests (1..K categories) whose sequences move between those interests
// by a Markov chain, drawing items near the current interest's centre with
// a Zipf popularity skew. The planted structure is kept as ground truth.
// Deterministic from the seed on every platform (own distributions over
// std::mt19937_64).
#pragma once

#include <cstdint>
#include <string>

#include "core/data/sequence_dataset.h"
#include "core/data/synthetic_truth.h"
#include "core/data/user_sequences.h"

namespace recdiff::data {

struct SyntheticConfig {
  int users = 1000;
  int items = 500;
  int categories = 8;
  int maxInterestsPerUser = 4;  // each user has 1..K interests, uniformly
  double meanLength = 20.0;     // sequence lengths: minLength + a geometric tail
  int minLength = 8;
  int maxLength = 200;             // cap on the tail
  double stayProbability = 0.8;    // Markov chain: keep the current interest
  double popularitySkew = 0.8;     // Zipf exponent of item popularity
  int embeddingDim = 16;           // dimension of the category centres / item positions
  double centreScale = 3.0;        // standard deviation of the centres' coordinates
  double itemSpread = 1.0;         // standard deviation of items around their centre
  double noiseProbability = 0.05;  // chance of an item drawn from the whole catalogue
  std::uint64_t seed = 42;

  // Throws std::invalid_argument naming the first bad field.
  void validate() const;
  std::string toJson() const;
};

struct SyntheticData {
  SyntheticConfig config;
  UserSequences sequences;  // the full sequences (what sequences.txt holds)
  // Leave-one-out, with metadata (category "cat-k" per item). Item ids are
  // numbered in order of first appearance, as loading the written
  // sequences.txt numbers them: the loaded dataset has the same fingerprint.
  SequenceDataset dataset;
  SyntheticTruth truth;
};

SyntheticData generateSynthetic(const SyntheticConfig& config);

}  // namespace recdiff::data
