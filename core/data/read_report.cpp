#include "core/data/read_report.h"

#include <algorithm>

#include "core/data/data_error.h"
#include "core/data/text_fields.h"
#include "core/data/text_lines.h"

namespace recdiff::data {

std::size_t ReadReport::rejected() const {
  std::size_t total = 0;
  for (const auto& [reason, count] : rejectedByReason) total += count;
  return total;
}

void ReadReport::reject(std::size_t line, const std::string& reason, const std::string& detail,
                        const std::string& text) {
  ++rejectedByReason[reason];
  if (examples.size() < kMaxExamples) {
    examples.push_back({line, reason, detail, escapeInvalidUtf8(abbreviate(text))});
  }
}

void ReadReport::rejectOrThrow(const ReadOptions& options, std::size_t line, const std::string& reason,
                               const std::string& detail, const std::string& text) {
  if (options.strict) throw DataError(file, line, detail);
  reject(line, reason, detail, text);
}

void ReadReport::requireUsableData(const std::string& emptyProblem) const {
  if (dataLines == 0) throw DataError(file, 0, emptyProblem);
  if (accepted == 0) {
    const RejectedLine& first = examples.front();
    throw DataError(file, first.line,
                    "no usable line (all " + withThousands(static_cast<long long>(dataLines)) +
                        " rejected); first: " + first.detail);
  }
}

void ReadReport::note(const std::string& text) {
  if (std::find(notes.begin(), notes.end(), text) == notes.end()) notes.push_back(text);
}

std::string ReadReport::describe(const RejectedLine& example) const {
  return file + ":" + std::to_string(example.line) + ": " + example.detail;
}

std::vector<std::string> ReadReport::summaryLines() const {
  std::vector<std::string> lines;
  std::string head = file + ": " + withThousands(static_cast<long long>(accepted)) + " of " +
                     withThousands(static_cast<long long>(dataLines)) + " lines used";
  if (!layout.empty()) head += " (" + layout + ")";
  lines.push_back(head);
  for (const auto& [reason, count] : rejectedByReason) {
    lines.push_back("  rejected " + withThousands(static_cast<long long>(count)) + ": " + reason);
  }
  for (const RejectedLine& example : examples) {
    lines.push_back("    e.g. " + describe(example) + "  [" + example.text + "]");
  }
  if (blankLines > 0) {
    lines.push_back("  skipped " + withThousands(static_cast<long long>(blankLines)) + " blank line(s)");
  }
  for (const std::string& n : notes) lines.push_back("  note: " + n);
  return lines;
}

}  // namespace recdiff::data
