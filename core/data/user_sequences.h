// Per-user item sequences before splitting: what readers of sequences.txt
// and preprocessing of interaction logs produce, and what the sequence writer
// writes. Items are ids into `items` (1..items.size()).
#pragma once

#include <string>
#include <vector>

#include "core/data/id_map.h"
#include "core/data/sequence_dataset.h"

namespace recdiff::data {

struct UserSequences {
  std::string source;                          // the file they came from
  std::vector<std::string> userTokens;         // one per sequence
  IdMap items;                                 // item token <-> id
  std::vector<std::vector<ItemId>> sequences;  // oldest first, by user

  std::size_t interactions() const;
};

// Each user's full sequence back from a leave-one-out or user-ratio dataset:
// per user, the longest history+target among its samples (the test sample
// for leave-one-out, the only sample for a user-ratio split). Item ids and
// user tokens are the dataset's. Throws std::invalid_argument for a
// published split, whose samples are not per-user sequences.
UserSequences userSequencesOf(const SequenceDataset& dataset);

}  // namespace recdiff::data
