// Sequences -> SequenceDataset: leave-one-out, user ratio, or a published
// split taken as it is.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/data/sequence_dataset.h"
#include "core/data/split_reader.h"
#include "core/data/user_sequences.h"

namespace recdiff::data {

// "loo" / "leave-one-out", "ratio" / "user-ratio", "published";
// throws std::invalid_argument otherwise.
SplitKind parseSplitKind(const std::string& text);
const char* toString(SplitKind kind);

struct SplitRatios {
  double train = 0.8, validation = 0.1, test = 0.1;
};

struct SplitReport {
  SplitKind kind = SplitKind::LeaveOneOut;
  std::size_t users = 0;
  std::size_t trainSamples = 0, validationSamples = 0, testSamples = 0;
  // Leave-one-out: users with fewer than 3 items cannot give a validation
  // and a test target; their whole sequence becomes one training sample.
  std::size_t shortUsers = 0;
  // User ratio: users assigned to each part.
  std::size_t trainUsers = 0, validationUsers = 0, testUsers = 0;

  std::vector<std::string> summaryLines() const;
};

// Leave-one-out: per user with n >= 3 items, test = (s[0..n-2], s[n-1]),
// validation = (s[0..n-3], s[n-2]), train = (s[0..n-4], s[n-3]) (its
// history+target is the training sequence, all but the last two). Users
// with n < 3 give one training sample (s[0..n-2], s[n-1]) and are counted
// as short.
SequenceDataset splitLeaveOneOut(UserSequences data, SplitReport* report = nullptr);

// By user, seeded: users are shuffled (std::mt19937_64 seeded with `seed`)
// and divided train:validation:test by `ratios` (rounded, the rest to test).
// Every user gives one sample, history = all but the last item, target =
// the last.
SequenceDataset splitByUserRatio(UserSequences data, std::uint64_t seed, const SplitRatios& ratios = {},
                                 SplitReport* report = nullptr);

// A published split as it is.
SequenceDataset fromPublishedSplit(PublishedSplit split, SplitReport* report = nullptr);

}  // namespace recdiff::data
