#include "core/data/preprocess.h"

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <unordered_set>

#include "core/data/text_fields.h"

namespace recdiff::data {

namespace {

std::size_t distinctItems(const UserSequences& data) {
  std::vector<char> seen(static_cast<std::size_t>(data.items.size()) + 1, 0);
  std::size_t count = 0;
  for (const auto& sequence : data.sequences) {
    for (const ItemId id : sequence) {
      if (!seen[static_cast<std::size_t>(id)]) {
        seen[static_cast<std::size_t>(id)] = 1;
        ++count;
      }
    }
  }
  return count;
}

std::uint64_t bitsOf(double value) {
  std::uint64_t bits;
  std::memcpy(&bits, &value, sizeof bits);
  return bits;
}

struct PairHash {
  std::size_t operator()(const std::pair<ItemId, std::uint64_t>& p) const {
    return std::hash<std::uint64_t>()(p.second * 0x9E3779B97F4A7C15ULL ^ static_cast<std::uint64_t>(p.first));
  }
};

void countOutput(const UserSequences& data, PreprocessReport* report) {
  if (report == nullptr) return;
  report->outputUsers = data.sequences.size();
  report->outputItems = distinctItems(data);
  report->outputInteractions = data.interactions();
}

}  // namespace

UserSequences groupByUser(const InteractionLog& log, bool dedupe, PreprocessReport* report) {
  const std::size_t numUsers = static_cast<std::size_t>(log.users.size());
  // Events of each user, in file order (indices into log.events).
  std::vector<std::vector<std::size_t>> byUser(numUsers + 1);
  for (std::size_t i = 0; i < log.events.size(); ++i) {
    byUser[static_cast<std::size_t>(log.events[i].user)].push_back(i);
  }
  UserSequences out;
  out.source = log.source;
  out.items = log.items;
  std::size_t duplicates = 0, outOfOrder = 0;
  std::unordered_set<std::pair<ItemId, std::uint64_t>, PairHash> seen;
  for (std::size_t u = 1; u <= numUsers; ++u) {
    std::vector<std::size_t>& events = byUser[u];
    if (events.empty()) continue;
    if (dedupe) {
      seen.clear();
      std::vector<std::size_t> kept;
      kept.reserve(events.size());
      for (const std::size_t e : events) {
        const Interaction& ev = log.events[e];
        const std::uint64_t time = log.hasTimestamps ? bitsOf(ev.timestamp) : 0;
        if (seen.emplace(ev.item, time).second) {
          kept.push_back(e);
        } else {
          ++duplicates;
        }
      }
      events.swap(kept);
    }
    if (log.hasTimestamps) {
      const auto earlier = [&](std::size_t a, std::size_t b) {
        return log.events[a].timestamp < log.events[b].timestamp;
      };
      if (!std::is_sorted(events.begin(), events.end(), earlier)) {
        ++outOfOrder;
        std::stable_sort(events.begin(), events.end(), earlier);
      }
    }
    std::vector<ItemId> sequence;
    sequence.reserve(events.size());
    for (const std::size_t e : events) sequence.push_back(log.events[e].item);
    out.userTokens.push_back(log.users.token(static_cast<std::int32_t>(u)));
    out.sequences.push_back(std::move(sequence));
  }
  if (report != nullptr) {
    report->inputUsers = numUsers;
    report->inputItems = static_cast<std::size_t>(log.items.size());
    report->inputInteractions = log.events.size();
    report->duplicatesRemoved = duplicates;
    report->orderedByTime = log.hasTimestamps;
    report->usersOutOfOrder = outOfOrder;
  }
  return out;
}

void filterKCore(UserSequences& data, int minItemCount, int minSequenceLength, PreprocessReport* report) {
  const std::size_t itemsBefore = distinctItems(data);
  const std::size_t usersBefore = data.sequences.size();
  const std::size_t interactionsBefore = data.interactions();
  std::vector<std::size_t> counts(static_cast<std::size_t>(data.items.size()) + 1);
  int rounds = 0;
  for (;;) {
    bool removed = false;
    if (minItemCount > 1) {
      std::fill(counts.begin(), counts.end(), 0);
      for (const auto& sequence : data.sequences) {
        for (const ItemId id : sequence) ++counts[static_cast<std::size_t>(id)];
      }
      const auto rare = [&](ItemId id) {
        return counts[static_cast<std::size_t>(id)] < static_cast<std::size_t>(minItemCount);
      };
      for (auto& sequence : data.sequences) {
        const auto end = std::remove_if(sequence.begin(), sequence.end(), rare);
        if (end != sequence.end()) {
          sequence.erase(end, sequence.end());
          removed = true;
        }
      }
    }
    // Users too short after the item pass (and users left empty) go.
    const std::size_t minLength = static_cast<std::size_t>(std::max(1, minSequenceLength));
    std::size_t kept = 0;
    for (std::size_t u = 0; u < data.sequences.size(); ++u) {
      if (data.sequences[u].size() >= minLength) {
        if (kept != u) {
          data.sequences[kept] = std::move(data.sequences[u]);
          data.userTokens[kept] = std::move(data.userTokens[u]);
        }
        ++kept;
      }
    }
    if (kept != data.sequences.size()) {
      data.sequences.resize(kept);
      data.userTokens.resize(kept);
      removed = true;
    }
    if (!removed) break;
    ++rounds;
  }
  if (report != nullptr) {
    report->kcoreRounds = rounds;
    report->kcoreItemsRemoved = itemsBefore - distinctItems(data);
    report->kcoreUsersRemoved = usersBefore - data.sequences.size();
    report->kcoreInteractionsRemoved = interactionsBefore - data.interactions();
  }
}

void truncateSequences(UserSequences& data, int maxLength, PreprocessReport* report) {
  if (maxLength <= 0) return;
  const auto limit = static_cast<std::size_t>(maxLength);
  std::size_t users = 0, removed = 0;
  for (auto& sequence : data.sequences) {
    if (sequence.size() > limit) {
      ++users;
      removed += sequence.size() - limit;
      sequence.erase(sequence.begin(), sequence.end() - static_cast<std::ptrdiff_t>(limit));
    }
  }
  if (report != nullptr) {
    report->usersTruncated = users;
    report->truncatedInteractions = removed;
  }
}

void compactItemIds(UserSequences& data) {
  IdMap compact;
  std::vector<ItemId> newId(static_cast<std::size_t>(data.items.size()) + 1, 0);
  for (auto& sequence : data.sequences) {
    for (ItemId& id : sequence) {
      ItemId& mapped = newId[static_cast<std::size_t>(id)];
      if (mapped == 0) mapped = compact.intern(data.items.token(id));
      id = mapped;
    }
  }
  data.items = std::move(compact);
}

UserSequences preprocess(const InteractionLog& log, const PreprocessOptions& options, PreprocessReport* report) {
  UserSequences data = groupByUser(log, options.dedupe, report);
  filterKCore(data, options.minItemCount, options.minSequenceLength, report);
  truncateSequences(data, options.maxLength, report);
  compactItemIds(data);
  countOutput(data, report);
  return data;
}

void preprocessSequences(UserSequences& data, const PreprocessOptions& options, PreprocessReport* report) {
  if (report != nullptr) {
    report->inputUsers = data.sequences.size();
    report->inputItems = distinctItems(data);
    report->inputInteractions = data.interactions();
  }
  filterKCore(data, options.minItemCount, options.minSequenceLength, report);
  truncateSequences(data, options.maxLength, report);
  compactItemIds(data);
  countOutput(data, report);
}

std::vector<std::string> PreprocessReport::summaryLines() const {
  const auto n = [](std::size_t v) { return withThousands(static_cast<long long>(v)); };
  std::vector<std::string> lines;
  lines.push_back("input: " + n(inputUsers) + " users, " + n(inputItems) + " items, " + n(inputInteractions) +
                  " interactions");
  if (duplicatesRemoved > 0) {
    lines.push_back("duplicates removed: " + n(duplicatesRemoved) + " interactions");
  }
  if (orderedByTime) {
    lines.push_back("ordered by timestamp (stable): " + n(usersOutOfOrder) +
                    " users were not in time order in the file");
  }
  if (kcoreRounds > 0) {
    lines.push_back("k-core filtering (" + std::to_string(kcoreRounds) + (kcoreRounds == 1 ? " round" : " rounds") +
                    " to a fixpoint): removed " + n(kcoreUsersRemoved) + " users, " + n(kcoreItemsRemoved) +
                    " items, " + n(kcoreInteractionsRemoved) + " interactions");
  }
  if (usersTruncated > 0) {
    lines.push_back("truncation: " + n(usersTruncated) + " users cut, " + n(truncatedInteractions) +
                    " interactions removed");
  }
  lines.push_back("output: " + n(outputUsers) + " users, " + n(outputItems) + " items, " + n(outputInteractions) +
                  " interactions");
  return lines;
}

}  // namespace recdiff::data
