#include "core/data/sequence_reader.h"

#include <unordered_map>

#include "core/data/data_error.h"
#include "core/data/text_fields.h"
#include "core/data/text_lines.h"

namespace recdiff::data {

UserSequences readSequences(const std::string& path, ReadReport* reportOut, const ReadOptions& options) {
  ReadReport localReport;
  ReadReport& report = reportOut ? *reportOut : localReport;
  report = ReadReport{};
  report.file = path;
  report.layout = "one user a line: user item item ...";

  TextLineReader reader(path);
  UserSequences out;
  out.source = path;
  std::unordered_map<std::string, std::size_t> userLine;  // user token -> first line
  std::string line;
  while (reader.next(line)) {
    const std::size_t lineNo = reader.lineNumber();
    if (rejectIfTooLong(reader, line, options, report)) continue;
    const auto tokens = splitWhitespace(line);
    if (tokens.empty()) {
      ++report.blankLines;
      continue;
    }
    ++report.dataLines;
    if (tokens.size() < 2) {
      report.rejectOrThrow(options, lineNo, "user without items",
                           "expected 'user item item ...', found only '" + abbreviate(tokens[0], 40) + "'", line);
      continue;
    }
    bool tooLong = false;
    for (std::string_view t : tokens) tooLong = tooLong || t.size() > kMaxTokenLength;
    if (tooLong) {
      report.rejectOrThrow(options, lineNo, "id too long",
                           "an id is longer than " + std::to_string(kMaxTokenLength) + " bytes", line);
      continue;
    }
    if (!isValidUtf8(line)) {
      report.rejectOrThrow(options, lineNo, "id not UTF-8", kIdNotUtf8, line);
      continue;
    }
    const std::string user(tokens[0]);
    const auto [it, inserted] = userLine.emplace(user, lineNo);
    if (!inserted) {
      report.rejectOrThrow(
          options, lineNo, "repeated user",
          "user '" + abbreviate(user, 40) + "' already has a sequence on line " + std::to_string(it->second), line);
      continue;
    }
    std::vector<ItemId> sequence;
    sequence.reserve(tokens.size() - 1);
    for (std::size_t i = 1; i < tokens.size(); ++i) {
      sequence.push_back(out.items.intern(std::string(tokens[i])));
    }
    out.userTokens.push_back(user);
    out.sequences.push_back(std::move(sequence));
    ++report.accepted;
  }
  noteReaderQuirks(reader, report);
  report.requireUsableData();
  return out;
}

}  // namespace recdiff::data
