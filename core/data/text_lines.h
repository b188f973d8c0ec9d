// Reading a text file line by line, robustly: a UTF-8 byte order mark is
// removed, CRLF line ends are accepted, a missing final newline is fine, and
// a line longer than a limit is reported instead of filling the memory.
// Files that cannot be text (gzip, zip, NUL bytes) and files that cannot be
// opened are refused with a DataError naming the file.
#pragma once

#include <cstddef>
#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

namespace recdiff::data {

// Lines longer than this are rejected (a user with 100,000 items still fits).
inline constexpr std::size_t kMaxLineLength = 8u << 20;
// External ids are tokens (strings); longer ones are surely not ids.
inline constexpr std::size_t kMaxTokenLength = 1024;
// Ids are kept as text (checkpoints and sessions store them in JSON), so a
// line whose ids are not UTF-8 is refused where it is read, not at the first
// checkpoint save hours later (issue 44, case 6).
inline constexpr const char* kIdNotUtf8 =
    "an id is not UTF-8 text (ids are stored as text; re-encode the file as UTF-8)";

class TextLineReader {
 public:
  // Opens `path`; throws DataError when it is missing, a directory,
  // unreadable, or not a text file.
  explicit TextLineReader(const std::string& path, std::size_t maxLineLength = kMaxLineLength);
  ~TextLineReader();
  TextLineReader(const TextLineReader&) = delete;
  TextLineReader& operator=(const TextLineReader&) = delete;

  // Reads the next line into `line` without its line end; false at the end
  // of the file. When the line exceeds the limit, `line` holds its first
  // part only and tooLong() is true; the rest of the line is skipped.
  bool next(std::string& line);

  std::size_t lineNumber() const { return lineNumber_; }  // 1-based, of the last line read
  bool tooLong() const { return tooLong_; }
  std::size_t maxLineLength() const { return maxLineLength_; }
  const std::string& path() const { return path_; }

  // What was noticed while reading, for the read report.
  bool hadByteOrderMark() const { return hadBom_; }
  bool hadCrLf() const { return hadCrLf_; }
  bool missingFinalNewline() const { return missingFinalNewline_; }

 private:
  bool fill();

  std::string path_;
  std::FILE* file_ = nullptr;
  std::size_t maxLineLength_;
  std::vector<char> buffer_;
  std::size_t pos_ = 0;
  std::size_t end_ = 0;
  bool eof_ = false;
  std::size_t lineNumber_ = 0;
  bool tooLong_ = false;
  bool hadBom_ = false;
  bool hadCrLf_ = false;
  bool missingFinalNewline_ = false;
};

// Copies what the reader noticed (BOM, CRLF, missing final newline) into the
// notes of a read report.
struct ReadReport;
void noteReaderQuirks(const TextLineReader& reader, ReadReport& report);

// When the line just read was too long: counts it as a data line and rejects
// it (or throws, as `options` say), then returns true so the caller skips it.
struct ReadOptions;
bool rejectIfTooLong(const TextLineReader& reader, const std::string& line, const ReadOptions& options,
                     ReadReport& report);

// The file name of a path, for short messages ("ratings.csv").
std::string fileNameOf(const std::string& path);

// True when `text` is well-formed UTF-8 (strictly: what JSON writers accept).
bool isValidUtf8(std::string_view text);
// `text` with every byte that is not part of well-formed UTF-8 written as
// \xNN, for messages and reports about such text.
std::string escapeInvalidUtf8(std::string_view text);
// Reads `text` as Latin-1 (MovieLens' u.item is) and returns it as UTF-8.
std::string latin1ToUtf8(const std::string& text);

}  // namespace recdiff::data
