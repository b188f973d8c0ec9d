// What a reader did with a file: how many lines it used, and every line it
// rejected, counted by reason with the first few as examples. Readers never
// drop a line without counting it here; the CLI and the GUI print it.
#pragma once

#include <cstddef>
#include <map>
#include <string>
#include <vector>

namespace recdiff::data {

struct RejectedLine {
  std::size_t line = 0;  // 1-based line number in the file
  std::string reason;    // the category, e.g. "wrong number of columns"
  std::string detail;    // the specific problem, e.g. "expected 4 columns, found 3"
  std::string text;      // the line, abbreviated
};

// How readers treat bad lines.
struct ReadOptions {
  bool strict = false;  // true: the first bad line throws a DataError
};

struct ReadReport {
  static constexpr std::size_t kMaxExamples = 5;

  std::string file;            // as given to the reader
  std::string layout;          // what the reader took the file for, e.g. "RecBole .inter"
  std::size_t dataLines = 0;   // non-blank lines after any header
  std::size_t accepted = 0;    // lines that became data
  std::size_t blankLines = 0;  // skipped, they carry nothing
  std::map<std::string, std::size_t> rejectedByReason;
  std::vector<RejectedLine> examples;  // the first kMaxExamples rejections
  std::vector<std::string> notes;      // e.g. "removed a UTF-8 byte order mark"

  std::size_t rejected() const;
  void reject(std::size_t line, const std::string& reason, const std::string& detail, const std::string& text);
  void note(const std::string& text);  // adds once
  // "file:line: detail" for an example.
  std::string describe(const RejectedLine& example) const;
  // Records a rejected line, or throws DataError(file, line, detail) when
  // `options.strict`.
  void rejectOrThrow(const ReadOptions& options, std::size_t line, const std::string& reason, const std::string& detail,
                     const std::string& text);
  // Throws DataError when the file gave nothing to use: no data lines
  // ("is empty", or `emptyProblem`), or none accepted (naming the first
  // rejected line and why).
  void requireUsableData(const std::string& emptyProblem = "is empty") const;
  // A few human-readable lines: accepted/rejected counts, reasons, examples.
  std::vector<std::string> summaryLines() const;
};

}  // namespace recdiff::data
