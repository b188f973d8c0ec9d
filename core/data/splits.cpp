#include "core/data/splits.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <stdexcept>

#include "core/data/seeded_random.h"
#include "core/data/text_fields.h"

namespace recdiff::data {

SplitKind parseSplitKind(const std::string& text) {
  const std::string t = toLower(text);
  if (t == "loo" || t == "leave-one-out" || t == "leaveoneout") return SplitKind::LeaveOneOut;
  if (t == "ratio" || t == "user-ratio" || t == "userratio") return SplitKind::UserRatio;
  if (t == "published" || t == "fixed") return SplitKind::Published;
  throw std::invalid_argument("unknown split '" + text + "' (expected loo, ratio or published)");
}

const char* toString(SplitKind kind) {
  switch (kind) {
    case SplitKind::LeaveOneOut:
      return "leave-one-out";
    case SplitKind::UserRatio:
      return "user-ratio";
    case SplitKind::Published:
      return "published";
  }
  return "leave-one-out";
}

namespace {
Sample makeSample(std::int32_t user, const std::vector<ItemId>& sequence, std::size_t length) {
  Sample s;
  s.user = user;
  s.history.assign(sequence.begin(), sequence.begin() + static_cast<std::ptrdiff_t>(length - 1));
  s.target = sequence[length - 1];
  return s;
}

SequenceDataset emptyDataset(UserSequences& data, SplitKind kind) {
  SequenceDataset ds;
  ds.split = kind;
  ds.numItems = data.items.size();
  ds.items = std::move(data.items);
  ds.userTokens = std::move(data.userTokens);
  return ds;
}

void checkSequences(const UserSequences& data) {
  for (std::size_t u = 0; u < data.sequences.size(); ++u) {
    if (data.sequences[u].empty()) {
      throw std::invalid_argument("user " + data.userTokens[u] + " has an empty sequence");
    }
  }
}
}  // namespace

SequenceDataset splitLeaveOneOut(UserSequences data, SplitReport* report) {
  checkSequences(data);
  std::vector<std::vector<ItemId>> sequences = std::move(data.sequences);
  SequenceDataset ds = emptyDataset(data, SplitKind::LeaveOneOut);
  std::size_t shortUsers = 0;
  for (std::size_t u = 0; u < sequences.size(); ++u) {
    const auto& s = sequences[u];
    const auto user = static_cast<std::int32_t>(u);
    const std::size_t n = s.size();
    if (n < 3) {
      ++shortUsers;
      ds.train.push_back(makeSample(user, s, n));
      continue;
    }
    ds.train.push_back(makeSample(user, s, n - 2));
    ds.validation.push_back(makeSample(user, s, n - 1));
    ds.test.push_back(makeSample(user, s, n));
  }
  if (report != nullptr) {
    *report = SplitReport{};
    report->kind = SplitKind::LeaveOneOut;
    report->users = sequences.size();
    report->shortUsers = shortUsers;
    report->trainSamples = ds.train.size();
    report->validationSamples = ds.validation.size();
    report->testSamples = ds.test.size();
  }
  return ds;
}

SequenceDataset splitByUserRatio(UserSequences data, std::uint64_t seed, const SplitRatios& ratios,
                                 SplitReport* report) {
  checkSequences(data);
  const double total = ratios.train + ratios.validation + ratios.test;
  if (!(ratios.train >= 0 && ratios.validation >= 0 && ratios.test >= 0 && total > 0)) {
    throw std::invalid_argument("split ratios must be non-negative with a positive sum");
  }
  std::vector<std::vector<ItemId>> sequences = std::move(data.sequences);
  SequenceDataset ds = emptyDataset(data, SplitKind::UserRatio);
  const std::size_t n = sequences.size();
  const auto nTrain = std::min(n, static_cast<std::size_t>(std::floor(n * ratios.train / total + 0.5)));
  const auto nVal = std::min(n - nTrain, static_cast<std::size_t>(std::floor(n * ratios.validation / total + 0.5)));
  std::vector<std::size_t> order(n);
  for (std::size_t i = 0; i < n; ++i) order[i] = i;
  SeededRandom random(seed);
  random.shuffle(order);
  std::vector<char> role(n, 2);  // 0 train, 1 validation, 2 test
  for (std::size_t i = 0; i < n; ++i) role[order[i]] = i < nTrain ? 0 : i < nTrain + nVal ? 1 : 2;
  for (std::size_t u = 0; u < n; ++u) {
    std::vector<Sample>& part = role[u] == 0 ? ds.train : role[u] == 1 ? ds.validation : ds.test;
    part.push_back(makeSample(static_cast<std::int32_t>(u), sequences[u], sequences[u].size()));
  }
  if (report != nullptr) {
    *report = SplitReport{};
    report->kind = SplitKind::UserRatio;
    report->users = n;
    report->trainUsers = report->trainSamples = ds.train.size();
    report->validationUsers = report->validationSamples = ds.validation.size();
    report->testUsers = report->testSamples = ds.test.size();
  }
  return ds;
}

SequenceDataset fromPublishedSplit(PublishedSplit split, SplitReport* report) {
  SequenceDataset ds;
  ds.split = SplitKind::Published;
  ds.numItems = split.items.size();
  ds.items = std::move(split.items);
  ds.userTokens = std::move(split.sampleNames);
  ds.train = std::move(split.train);
  ds.validation = std::move(split.validation);
  ds.test = std::move(split.test);
  if (report != nullptr) {
    *report = SplitReport{};
    report->kind = SplitKind::Published;
    report->trainSamples = ds.train.size();
    report->validationSamples = ds.validation.size();
    report->testSamples = ds.test.size();
  }
  return ds;
}

std::vector<std::string> SplitReport::summaryLines() const {
  const auto n = [](std::size_t v) { return withThousands(static_cast<long long>(v)); };
  std::vector<std::string> lines;
  std::string head = std::string("split: ") + toString(kind) + ", samples train " + n(trainSamples) + " / validation " +
                     n(validationSamples) + " / test " + n(testSamples);
  lines.push_back(head);
  if (kind == SplitKind::LeaveOneOut && shortUsers > 0) {
    lines.push_back("  " + n(shortUsers) + " users with fewer than 3 items are used for training only");
  }
  if (kind == SplitKind::UserRatio) {
    lines.push_back("  users: train " + n(trainUsers) + " / validation " + n(validationUsers) + " / test " +
                    n(testUsers));
  }
  return lines;
}

}  // namespace recdiff::data
