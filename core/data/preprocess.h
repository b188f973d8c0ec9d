// Interaction log -> per-user sequences, as the papers preprocess them:
// drop duplicate (user, item, timestamp) events, order each user's events
// by time (a stable sort: ties keep file order), iterate k-core filtering to
// a fixpoint, keep the last N events per user, and remap item ids to
// 1..numItems (0 = padding) in order of first appearance.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "core/data/interaction_reader.h"
#include "core/data/user_sequences.h"

namespace recdiff::data {

struct PreprocessOptions {
  bool dedupe = true;         // drop repeated (user, item, timestamp) events
  int minItemCount = 5;       // items with fewer interactions are removed (<= 1: none)
  int minSequenceLength = 3;  // users with fewer interactions are removed (<= 1: none)
  int maxLength = 0;          // 0 = keep all; else keep each user's last N events

  // Options that change nothing (for data that is already preprocessed).
  static PreprocessOptions none() { return {false, 0, 0, 0}; }
};

struct PreprocessReport {
  std::size_t inputUsers = 0, inputItems = 0, inputInteractions = 0;
  std::size_t duplicatesRemoved = 0;
  bool orderedByTime = false;       // the log had timestamps to order by
  std::size_t usersOutOfOrder = 0;  // users whose events the file did not list in time order
  int kcoreRounds = 0;              // passes that removed something
  std::size_t kcoreItemsRemoved = 0, kcoreUsersRemoved = 0, kcoreInteractionsRemoved = 0;
  std::size_t usersTruncated = 0, truncatedInteractions = 0;
  std::size_t outputUsers = 0, outputItems = 0, outputInteractions = 0;

  std::vector<std::string> summaryLines() const;
};

// Groups a log by user (users in order of first appearance), deduplicates
// when asked (without timestamps, a repeated (user, item) is a duplicate)
// and orders each user's events by time. Item ids are the log's.
UserSequences groupByUser(const InteractionLog& log, bool dedupe, PreprocessReport* report = nullptr);

// Iterative k-core: removes items with fewer than minItemCount interactions
// and users with fewer than minSequenceLength, repeating until neither rule
// removes anything.
void filterKCore(UserSequences& data, int minItemCount, int minSequenceLength, PreprocessReport* report = nullptr);

// Keeps each user's last `maxLength` items (0 = all).
void truncateSequences(UserSequences& data, int maxLength, PreprocessReport* report = nullptr);

// Renumbers items 1..n in order of first appearance over the sequences,
// dropping tokens no sequence uses.
void compactItemIds(UserSequences& data);

// The whole pipeline on a log.
UserSequences preprocess(const InteractionLog& log, const PreprocessOptions& options,
                         PreprocessReport* report = nullptr);
// The same on sequences that are already grouped and ordered (no dedupe:
// a sequence may repeat an item legitimately).
void preprocessSequences(UserSequences& data, const PreprocessOptions& options, PreprocessReport* report = nullptr);

}  // namespace recdiff::data
