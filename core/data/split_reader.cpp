#include "core/data/split_reader.h"

#include <cstdint>
#include <filesystem>

#include "core/data/data_error.h"
#include "core/data/text_fields.h"
#include "core/data/text_lines.h"

namespace recdiff::data {

namespace {

void readSplitFile(const std::string& path, const std::string& name, PublishedSplit& split,
                   std::vector<Sample>& samples, ReadReport& report, const ReadOptions& options) {
  report = ReadReport{};
  report.file = path;
  report.layout = "history<TAB>target";
  TextLineReader reader(path);
  std::string line;
  while (reader.next(line)) {
    const std::size_t lineNo = reader.lineNumber();
    if (rejectIfTooLong(reader, line, options, report)) continue;
    if (trim(line).empty() && line.find('\t') == std::string::npos) {
      ++report.blankLines;
      continue;
    }
    ++report.dataLines;
    const auto fields = splitOn(line, "\t");
    if (fields.size() != 2) {
      report.rejectOrThrow(
          options, lineNo, "not history<TAB>target",
          "expected 'history<TAB>target' (2 tab-separated fields), found " + std::to_string(fields.size()), line);
      continue;
    }
    const std::string_view target = trim(fields[1]);
    if (target.empty()) {
      report.rejectOrThrow(options, lineNo, "empty target", "the target item is empty", line);
      continue;
    }
    if (containsWhitespace(target)) {
      report.rejectOrThrow(options, lineNo, "several targets",
                           "the target '" + abbreviate(target, 40) + "' holds more than one item", line);
      continue;
    }
    const auto history = splitWhitespace(fields[0]);
    bool tooLong = target.size() > kMaxTokenLength;
    for (std::string_view t : history) tooLong = tooLong || t.size() > kMaxTokenLength;
    if (tooLong) {
      report.rejectOrThrow(options, lineNo, "id too long",
                           "an id is longer than " + std::to_string(kMaxTokenLength) + " bytes", line);
      continue;
    }
    if (!isValidUtf8(line)) {
      report.rejectOrThrow(options, lineNo, "id not UTF-8", kIdNotUtf8, line);
      continue;
    }
    Sample sample;
    sample.user = static_cast<std::int32_t>(split.sampleNames.size());
    sample.history.reserve(history.size());
    for (std::string_view t : history) sample.history.push_back(split.items.intern(std::string(t)));
    sample.target = split.items.intern(std::string(target));
    split.sampleNames.push_back(name + ":" + std::to_string(lineNo));
    samples.push_back(std::move(sample));
    ++report.accepted;
  }
  noteReaderQuirks(reader, report);
  report.requireUsableData();
}

}  // namespace

PublishedSplit readPublishedSplit(const std::string& folder, std::vector<ReadReport>* reports,
                                  const ReadOptions& options) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (!fs::exists(folder, ec)) throw DataError(folder, 0, "no such folder");
  if (!fs::is_directory(folder, ec)) {
    throw DataError(folder, 0,
                    "is not a folder (a published split is a folder with "
                    "train.tsv, val.tsv and test.tsv)");
  }
  const char* names[] = {"train.tsv", "val.tsv", "test.tsv"};
  for (const char* name : names) {
    if (!fs::is_regular_file(fs::path(folder) / name, ec)) {
      throw DataError(folder, 0,
                      std::string("lacks ") + name + " (a published split needs train.tsv, val.tsv and test.tsv)");
    }
  }
  PublishedSplit split;
  split.folder = folder;
  std::vector<ReadReport> local(3);
  std::vector<ReadReport>& out = reports ? *reports : local;
  out.assign(3, ReadReport{});
  std::vector<Sample>* targets[] = {&split.train, &split.validation, &split.test};
  for (int i = 0; i < 3; ++i) {
    readSplitFile((fs::path(folder) / names[i]).string(), names[i], split, *targets[i], out[i], options);
  }
  return split;
}

}  // namespace recdiff::data
