// The form every model trains and is evaluated on: samples of
// (history, target) over remapped item ids 1..numItems, 0 = padding.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/data/id_map.h"
#include "core/data/item_metadata.h"

namespace recdiff::data {

using ItemId = std::int32_t;  // 1..numItems; 0 is padding

struct Sample {
  std::int32_t user = 0;        // index into SequenceDataset::userTokens
  std::vector<ItemId> history;  // oldest first; may be empty
  ItemId target = 0;
};

enum class SplitKind { LeaveOneOut, UserRatio, Published };

struct SequenceDataset {
  std::string name;  // shown in the GUI and in checkpoints
  SplitKind split = SplitKind::LeaveOneOut;
  std::int32_t numItems = 0;  // ids run 1..numItems
  IdMap items;                // external item token <-> internal id
  // External user token by user index. A published split has no users: it
  // gets one pseudo-user per sample, named "<file>:<line>" ("val.tsv:17").
  std::vector<std::string> userTokens;
  // Training samples. For leave-one-out each user gives one sample whose
  // history+target is the user's training sequence (all but the last two
  // items); models that train on every prefix or on the shifted sequence
  // derive that from it. For published splits these are the file's lines.
  std::vector<Sample> train;
  std::vector<Sample> validation;
  std::vector<Sample> test;
  ItemMetadata metadata;  // optional titles/categories, by internal id

  // A stable hash of the item mapping and the samples: a checkpoint records
  // it so that loading it against a different dataset is refused.
  std::string fingerprint() const;
};

// The training sequence of a sample: history followed by the target.
std::vector<ItemId> fullSequence(const Sample& sample);

}  // namespace recdiff::data
