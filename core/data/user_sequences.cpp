#include "core/data/user_sequences.h"

#include <stdexcept>

namespace recdiff::data {

std::size_t UserSequences::interactions() const {
  std::size_t total = 0;
  for (const auto& s : sequences) total += s.size();
  return total;
}

UserSequences userSequencesOf(const SequenceDataset& dataset) {
  if (dataset.split == SplitKind::Published) {
    throw std::invalid_argument("a published split holds samples, not per-user sequences; write it as a split");
  }
  UserSequences out;
  out.items = dataset.items;
  out.userTokens = dataset.userTokens;
  out.sequences.resize(dataset.userTokens.size());
  std::vector<std::size_t> best(dataset.userTokens.size(), 0);
  for (const auto* samples : {&dataset.train, &dataset.validation, &dataset.test}) {
    for (const Sample& s : *samples) {
      if (s.user < 0 || static_cast<std::size_t>(s.user) >= out.sequences.size()) {
        throw std::invalid_argument("sample refers to user " + std::to_string(s.user) + " outside the dataset's users");
      }
      const auto u = static_cast<std::size_t>(s.user);
      if (s.history.size() + 1 > best[u]) {
        best[u] = s.history.size() + 1;
        out.sequences[u] = fullSequence(s);
      }
    }
  }
  return out;
}

}  // namespace recdiff::data
