#include "core/data/text_lines.h"

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "core/data/data_error.h"
#include "core/data/read_report.h"

namespace recdiff::data {

namespace {
constexpr std::size_t kChunk = 1u << 16;

// Refuses content that is surely not text, by its first bytes.
void checkLooksLikeText(const std::string& path, const char* data, std::size_t size) {
  const auto* bytes = reinterpret_cast<const unsigned char*>(data);
  if (size >= 2 && bytes[0] == 0x1f && bytes[1] == 0x8b) {
    throw DataError(path, 0, "is gzip-compressed; decompress it first (gunzip)");
  }
  if (size >= 4 && bytes[0] == 'P' && bytes[1] == 'K' && bytes[2] == 3 && bytes[3] == 4) {
    throw DataError(path, 0, "is a zip archive; unpack it first");
  }
  if (size >= 3 && bytes[0] == 'B' && bytes[1] == 'Z' && bytes[2] == 'h') {
    throw DataError(path, 0, "is bzip2-compressed; decompress it first");
  }
  const std::size_t probe = size < 4096 ? size : 4096;
  if (std::memchr(data, '\0', probe) != nullptr) {
    throw DataError(path, 0, "is not a text file (it contains NUL bytes)");
  }
}
}  // namespace

TextLineReader::TextLineReader(const std::string& path, std::size_t maxLineLength)
    : path_(path), maxLineLength_(maxLineLength), buffer_(kChunk) {
  namespace fs = std::filesystem;
  std::error_code ec;
  const fs::file_status status = fs::status(path, ec);
  if (!fs::exists(status)) throw DataError(path, 0, "no such file");
  if (fs::is_directory(status)) throw DataError(path, 0, "is a directory, expected a file");
  if (!fs::is_regular_file(status)) {
    throw DataError(path, 0, "is not a regular file (a named pipe or a device?); save the data to a file first");
  }
  file_ = std::fopen(path.c_str(), "rb");
  if (file_ == nullptr) {
    throw DataError(path, 0, std::string("cannot be opened: ") + std::strerror(errno));
  }
  if (!fill()) return;  // empty file: next() reports the end at once
  try {
    checkLooksLikeText(path_, buffer_.data(), end_);
  } catch (...) {
    // A throwing constructor runs no destructor: without this, every binary
    // file refused here kept a file descriptor open (found by
    // fuzz_dataset_loader, which ran out of them after 107,000 inputs).
    std::fclose(file_);
    file_ = nullptr;
    throw;
  }
  if (end_ >= 3 && static_cast<unsigned char>(buffer_[0]) == 0xEF && static_cast<unsigned char>(buffer_[1]) == 0xBB &&
      static_cast<unsigned char>(buffer_[2]) == 0xBF) {
    hadBom_ = true;
    pos_ = 3;
  }
}

TextLineReader::~TextLineReader() {
  if (file_ != nullptr) std::fclose(file_);
}

bool TextLineReader::fill() {
  if (eof_) return false;
  pos_ = 0;
  end_ = std::fread(buffer_.data(), 1, buffer_.size(), file_);
  if (end_ == 0) {
    if (std::ferror(file_)) {
      throw DataError(path_, lineNumber_, std::string("read failed: ") + std::strerror(errno));
    }
    eof_ = true;
    return false;
  }
  return true;
}

bool TextLineReader::next(std::string& line) {
  line.clear();
  tooLong_ = false;
  bool sawAnything = false;
  for (;;) {
    if (pos_ >= end_ && !fill()) {
      if (!sawAnything) return false;
      missingFinalNewline_ = true;
      break;
    }
    sawAnything = true;
    const char* start = buffer_.data() + pos_;
    const std::size_t available = end_ - pos_;
    const void* found = std::memchr(start, '\n', available);
    const std::size_t take = found ? static_cast<std::size_t>(static_cast<const char*>(found) - start) : available;
    if (!tooLong_) {
      const std::size_t room = maxLineLength_ + 1 - std::min(line.size(), maxLineLength_ + 1);
      line.append(start, std::min(take, room));
      if (line.size() > maxLineLength_) tooLong_ = true;
    }
    pos_ += take;
    if (found) {
      ++pos_;  // the '\n'
      break;
    }
  }
  ++lineNumber_;
  if (!line.empty() && line.back() == '\r') {
    line.pop_back();
    hadCrLf_ = true;
  }
  if (tooLong_) line.resize(std::min(line.size(), std::size_t{200}));
  return true;
}

void noteReaderQuirks(const TextLineReader& reader, ReadReport& report) {
  if (reader.hadByteOrderMark()) report.note("removed a UTF-8 byte order mark");
  if (reader.hadCrLf()) report.note("Windows (CRLF) line ends");
  if (reader.missingFinalNewline()) report.note("no newline at the end of the file");
}

bool rejectIfTooLong(const TextLineReader& reader, const std::string& line, const ReadOptions& options,
                     ReadReport& report) {
  if (!reader.tooLong()) return false;
  ++report.dataLines;
  report.rejectOrThrow(options, reader.lineNumber(), "line too long",
                       "line longer than " + std::to_string(reader.maxLineLength()) + " bytes", line);
  return true;
}

std::string fileNameOf(const std::string& path) { return std::filesystem::path(path).filename().string(); }

namespace {

// The length of the well-formed UTF-8 sequence at s[i] (RFC 3629: no
// overlong forms, no surrogates, nothing above U+10FFFF, as nlohmann::json
// checks when it writes a string), or 0 when there is none.
std::size_t utf8SequenceAt(const unsigned char* s, std::size_t n, std::size_t i) {
  const unsigned char c = s[i];
  if (c < 0x80) return 1;
  std::size_t extra = 0;
  unsigned char low = 0x80, high = 0xBF;  // the allowed range of the second byte
  if (c >= 0xC2 && c <= 0xDF) {
    extra = 1;
  } else if (c >= 0xE0 && c <= 0xEF) {
    extra = 2;
    if (c == 0xE0) low = 0xA0;
    if (c == 0xED) high = 0x9F;
  } else if (c >= 0xF0 && c <= 0xF4) {
    extra = 3;
    if (c == 0xF0) low = 0x90;
    if (c == 0xF4) high = 0x8F;
  } else {
    return 0;
  }
  if (i + extra >= n) return 0;
  if (s[i + 1] < low || s[i + 1] > high) return 0;
  for (std::size_t k = 2; k <= extra; ++k) {
    if ((s[i + k] & 0xC0) != 0x80) return 0;
  }
  return extra + 1;
}

}  // namespace

bool isValidUtf8(std::string_view text) {
  const auto* s = reinterpret_cast<const unsigned char*>(text.data());
  for (std::size_t i = 0; i < text.size();) {
    const std::size_t length = utf8SequenceAt(s, text.size(), i);
    if (length == 0) return false;
    i += length;
  }
  return true;
}

std::string escapeInvalidUtf8(std::string_view text) {
  const auto* s = reinterpret_cast<const unsigned char*>(text.data());
  std::string out;
  for (std::size_t i = 0; i < text.size();) {
    const std::size_t length = utf8SequenceAt(s, text.size(), i);
    if (length == 0) {
      static const char* hex = "0123456789ABCDEF";
      out += "\\x";
      out += hex[s[i] >> 4];
      out += hex[s[i] & 0xF];
      ++i;
    } else {
      out.append(text.substr(i, length));
      i += length;
    }
  }
  return out;
}

std::string latin1ToUtf8(const std::string& text) {
  std::string out;
  out.reserve(text.size() + text.size() / 8);
  for (const char ch : text) {
    const auto c = static_cast<unsigned char>(ch);
    if (c < 0x80) {
      out.push_back(ch);
    } else {
      out.push_back(static_cast<char>(0xC0 | (c >> 6)));
      out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
    }
  }
  return out;
}

}  // namespace recdiff::data
