#include "app/cli/dataset_report.h"

#include <algorithm>
#include <cstdio>
#include <string>
#include <vector>

#include "core/data/text_fields.h"

namespace recdiff::cli {

using data::withThousands;

namespace {
std::string count(std::size_t n) { return withThousands(static_cast<long long>(n)); }

std::string fixed(double value, int decimals) {
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%.*f", decimals, value);
  return buffer;
}

std::string percent(double fraction) { return fixed(100.0 * fraction, 2) + "%"; }
}  // namespace

nlohmann::ordered_json statsToJson(const data::DatasetStats& s, bool histograms) {
  nlohmann::ordered_json j;
  j["unit"] = s.unit;
  j[s.unit] = s.users;
  j["items"] = s.items;
  j["interactions"] = s.interactions;
  j["averageLength"] = s.averageLength;
  j["sparsity"] = s.sparsity;
  j["minLength"] = s.minLength;
  j["maxLength"] = s.maxLength;
  if (s.trainSamples + s.validationSamples + s.testSamples > 0) {
    j["samples"] = {{"train", s.trainSamples}, {"validation", s.validationSamples}, {"test", s.testSamples}};
  }
  if (histograms) {
    j["lengthHistogram"] = s.lengthHistogram;
    j["popularityHistogramLog2"] = s.popularityHistogram;
    j["itemPopularity"] = s.itemPopularity;
  }
  return j;
}

nlohmann::ordered_json readReportToJson(const data::ReadReport& r) {
  nlohmann::ordered_json j;
  j["file"] = r.file;
  j["layout"] = r.layout;
  j["dataLines"] = r.dataLines;
  j["accepted"] = r.accepted;
  j["rejected"] = r.rejected();
  j["blankLines"] = r.blankLines;
  j["rejectedByReason"] = nlohmann::ordered_json::object();
  for (const auto& [reason, n] : r.rejectedByReason) j["rejectedByReason"][reason] = n;
  j["examples"] = nlohmann::ordered_json::array();
  for (const auto& e : r.examples) {
    j["examples"].push_back({{"line", e.line}, {"reason", e.reason}, {"detail", e.detail}, {"text", e.text}});
  }
  j["notes"] = r.notes;
  return j;
}

nlohmann::ordered_json loadReportToJson(const data::LoadReport& r) {
  nlohmann::ordered_json j;
  j["path"] = r.source.dataPath;
  j["format"] = data::toString(r.source.format);
  j["detectedBy"] = r.source.why;
  j["reads"] = nlohmann::ordered_json::array();
  for (const auto& read : r.reads) j["reads"].push_back(readReportToJson(read));
  j["filtered"] = r.filtered;
  if (r.filtered) {
    j["preprocessOptions"] = {{"dedupe", r.preprocessOptions.dedupe},
                              {"minItemCount", r.preprocessOptions.minItemCount},
                              {"minSequenceLength", r.preprocessOptions.minSequenceLength},
                              {"maxLength", r.preprocessOptions.maxLength}};
  }
  if (r.preprocess) {
    const auto& p = *r.preprocess;
    j["preprocess"] = {{"duplicatesRemoved", p.duplicatesRemoved},
                       {"orderedByTime", p.orderedByTime},
                       {"usersOutOfOrder", p.usersOutOfOrder},
                       {"kcoreRounds", p.kcoreRounds},
                       {"kcoreUsersRemoved", p.kcoreUsersRemoved},
                       {"kcoreItemsRemoved", p.kcoreItemsRemoved},
                       {"kcoreInteractionsRemoved", p.kcoreInteractionsRemoved},
                       {"usersTruncated", p.usersTruncated},
                       {"truncatedInteractions", p.truncatedInteractions}};
  }
  j["split"] = {{"kind", data::toString(r.split.kind)}, {"shortUsers", r.split.shortUsers}};
  if (!r.itemsPath.empty()) {
    j["items"] = {{"path", r.itemsPath}};
    if (r.itemsRead) j["items"]["read"] = readReportToJson(*r.itemsRead);
    if (r.metadata) {
      j["items"]["matched"] = r.metadata->matched;
      j["items"]["datasetItems"] = r.metadata->datasetItems;
      j["items"]["unusedRecords"] = r.metadata->unusedRecords;
    }
  }
  j["warnings"] = r.warnings;
  return j;
}

void printStatsTable(std::ostream& out, const data::DatasetStats& s, const data::DatasetStats* before) {
  struct Row {
    std::string label, now, then;
  };
  auto lengths = [](const data::DatasetStats& x) { return count(x.minLength) + " / " + count(x.maxLength); };
  std::vector<Row> rows = {
      {s.unit, count(s.users), before ? count(before->users) : ""},
      {"items", count(s.items), before ? count(before->items) : ""},
      {"interactions", count(s.interactions), before ? count(before->interactions) : ""},
      {"avg length", fixed(s.averageLength, 2), before ? fixed(before->averageLength, 2) : ""},
      {"sparsity", percent(s.sparsity), before ? percent(before->sparsity) : ""},
      {"min/max length", lengths(s), before ? lengths(*before) : ""},
  };
  std::size_t labelWidth = 0, thenWidth = std::string("as read").size();
  std::size_t nowWidth = std::string("dataset").size();
  for (const Row& r : rows) {
    labelWidth = std::max(labelWidth, r.label.size());
    thenWidth = std::max(thenWidth, r.then.size());
    nowWidth = std::max(nowWidth, r.now.size());
  }
  const bool hasSamples = s.trainSamples + s.validationSamples + s.testSamples > 0;
  if (hasSamples) labelWidth = std::max(labelWidth, std::string("train/val/test").size());
  auto pad = [](const std::string& text, std::size_t width) {
    return std::string(width > text.size() ? width - text.size() : 0, ' ') + text;
  };
  if (before) {
    out << std::string(labelWidth + 2, ' ') << pad("as read", thenWidth) << "  " << pad("dataset", nowWidth) << '\n';
  }
  for (const Row& r : rows) {
    out << r.label << std::string(labelWidth - r.label.size() + 2, ' ');
    if (before) out << pad(r.then, thenWidth) << "  ";
    out << pad(r.now, before ? nowWidth : 0) << '\n';
  }
  if (hasSamples) {
    const std::string label = "train/val/test";
    out << label << std::string(labelWidth > label.size() ? labelWidth - label.size() + 2 : 2, ' ')
        << count(s.trainSamples) << " / " << count(s.validationSamples) << " / " << count(s.testSamples)
        << " samples\n";
  }
}

void printHistograms(std::ostream& out, const data::DatasetStats& s) {
  auto bar = [](std::size_t n, std::size_t max) {
    const std::size_t width = max == 0 ? 0 : (n * 40 + max - 1) / max;
    return std::string(width, '#');
  };
  out << "sequence lengths (log2 bins):\n";
  std::vector<std::size_t> bins;
  for (std::size_t len = 1; len < s.lengthHistogram.size(); ++len) {
    std::size_t b = 0;
    while ((std::size_t{2} << b) <= len) ++b;
    if (bins.size() <= b) bins.resize(b + 1, 0);
    bins[b] += s.lengthHistogram[len];
  }
  const std::size_t maxLen = bins.empty() ? 0 : *std::max_element(bins.begin(), bins.end());
  for (std::size_t b = 0; b < bins.size(); ++b) {
    const std::string range = count(std::size_t{1} << b) + "-" + count((std::size_t{2} << b) - 1);
    out << "  " << std::string(range.size() < 13 ? 13 - range.size() : 0, ' ') << range << "  "
        << std::string(8 - std::min<std::size_t>(8, count(bins[b]).size()), ' ') << count(bins[b]) << "  "
        << bar(bins[b], maxLen) << '\n';
  }
  out << "item popularity (interactions per item, log2 bins):\n";
  const auto& p = s.popularityHistogram;
  const std::size_t maxPop = p.empty() ? 0 : *std::max_element(p.begin(), p.end());
  for (std::size_t b = 0; b < p.size(); ++b) {
    const std::string range = count(std::size_t{1} << b) + "-" + count((std::size_t{2} << b) - 1);
    out << "  " << std::string(range.size() < 13 ? 13 - range.size() : 0, ' ') << range << "  "
        << std::string(8 - std::min<std::size_t>(8, count(p[b]).size()), ' ') << count(p[b]) << "  "
        << bar(p[b], maxPop) << '\n';
  }
}

void printLoadReport(std::ostream& out, const data::LoadReport& r) {
  for (const std::string& line : r.summaryLines()) out << "  " << line << '\n';
}

}  // namespace recdiff::cli
