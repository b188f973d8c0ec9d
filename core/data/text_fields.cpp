#include "core/data/text_fields.h"

#include <charconv>
#include <cmath>

namespace recdiff::data {

std::vector<std::string_view> splitOn(std::string_view line, std::string_view delimiter) {
  std::vector<std::string_view> fields;
  if (delimiter.empty()) {
    fields.push_back(line);
    return fields;
  }
  std::size_t start = 0;
  for (;;) {
    const std::size_t at = line.find(delimiter, start);
    if (at == std::string_view::npos) {
      fields.push_back(line.substr(start));
      return fields;
    }
    fields.push_back(line.substr(start, at - start));
    start = at + delimiter.size();
  }
}

std::vector<std::string> splitDelimited(std::string_view line, char delimiter) {
  std::vector<std::string> fields;
  std::string field;
  bool inQuotes = false;
  bool wasQuoted = false;
  auto finish = [&]() {
    fields.push_back(wasQuoted ? field : std::string(trim(field)));
    field.clear();
    wasQuoted = false;
  };
  for (std::size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (inQuotes) {
      if (c == '"') {
        if (i + 1 < line.size() && line[i + 1] == '"') {
          field.push_back('"');
          ++i;
        } else {
          inQuotes = false;
        }
      } else {
        field.push_back(c);
      }
    } else if (c == delimiter) {
      finish();
    } else if (c == '"' && trim(field).empty()) {
      field.clear();
      inQuotes = true;
      wasQuoted = true;
    } else if (!(wasQuoted && (c == ' ' || c == '\t'))) {
      field.push_back(c);
    }
  }
  finish();
  return fields;
}

std::vector<std::string_view> splitWhitespace(std::string_view line) {
  std::vector<std::string_view> tokens;
  std::size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
    const std::size_t start = i;
    while (i < line.size() && line[i] != ' ' && line[i] != '\t') ++i;
    if (i > start) tokens.push_back(line.substr(start, i - start));
  }
  return tokens;
}

std::string_view trim(std::string_view text) {
  std::size_t b = 0, e = text.size();
  while (b < e && (text[b] == ' ' || text[b] == '\t')) ++b;
  while (e > b && (text[e - 1] == ' ' || text[e - 1] == '\t')) --e;
  return text.substr(b, e - b);
}

std::string toLower(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

bool containsWhitespace(std::string_view text) {
  for (const char c : text) {
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f') return true;
  }
  return false;
}

std::optional<double> parseNumber(std::string_view text) {
  text = trim(text);
  if (!text.empty() && text.front() == '+') text.remove_prefix(1);
  if (text.empty()) return std::nullopt;
  // from_chars accepts "inf" and "nan"; ids and times never are.
  const char first = text.front();
  if (!(first == '-' || first == '.' || (first >= '0' && first <= '9'))) return std::nullopt;
  double value = 0.0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || !std::isfinite(value)) {
    return std::nullopt;
  }
  return value;
}

namespace {
// Days since 1970-01-01 of a proleptic Gregorian date, counted in 400-year
// eras (146,097 days each) with years starting in March so that the leap
// day falls at the end.
long long daysFromCivil(long long y, unsigned m, unsigned d) {
  y -= m <= 2 ? 1 : 0;
  const long long era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<long long>(doe) - 719468;
}

bool readDigits(std::string_view text, std::size_t& pos, std::size_t count, int& out) {
  if (pos + count > text.size()) return false;
  out = 0;
  for (std::size_t i = 0; i < count; ++i) {
    const char c = text[pos + i];
    if (c < '0' || c > '9') return false;
    out = out * 10 + (c - '0');
  }
  pos += count;
  return true;
}

std::optional<double> parseIsoDate(std::string_view text) {
  std::size_t pos = 0;
  int year, month, day, hour = 0, minute = 0, second = 0;
  if (!readDigits(text, pos, 4, year) || pos >= text.size() || text[pos++] != '-' || !readDigits(text, pos, 2, month) ||
      pos >= text.size() || text[pos++] != '-' || !readDigits(text, pos, 2, day)) {
    return std::nullopt;
  }
  if (month < 1 || month > 12 || day < 1 || day > 31) return std::nullopt;
  double fraction = 0.0;
  if (pos < text.size() && (text[pos] == 'T' || text[pos] == ' ')) {
    ++pos;
    if (!readDigits(text, pos, 2, hour) || pos >= text.size() || text[pos++] != ':' ||
        !readDigits(text, pos, 2, minute)) {
      return std::nullopt;
    }
    if (pos < text.size() && text[pos] == ':') {
      ++pos;
      if (!readDigits(text, pos, 2, second)) return std::nullopt;
      if (pos < text.size() && text[pos] == '.') {
        const std::size_t start = pos;
        ++pos;
        while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') ++pos;
        const auto f = parseNumber(std::string("0") + std::string(text.substr(start, pos - start)));
        if (!f) return std::nullopt;
        fraction = *f;
      }
    }
    if (hour > 23 || minute > 59 || second > 60) return std::nullopt;
  }
  if (pos < text.size() && text[pos] == 'Z') ++pos;
  if (pos != text.size()) return std::nullopt;
  const long long days = daysFromCivil(year, static_cast<unsigned>(month), static_cast<unsigned>(day));
  return static_cast<double>(days * 86400LL + hour * 3600LL + minute * 60LL + second) + fraction;
}
}  // namespace

std::optional<double> parseTimestamp(std::string_view text) {
  text = trim(text);
  if (auto number = parseNumber(text)) return number;
  return parseIsoDate(text);
}

std::string withThousands(long long value) {
  const bool negative = value < 0;
  std::string digits = std::to_string(negative ? -value : value);
  std::string out;
  const std::size_t n = digits.size();
  for (std::size_t i = 0; i < n; ++i) {
    out.push_back(digits[i]);
    const std::size_t left = n - i - 1;
    if (left > 0 && left % 3 == 0) out.push_back(',');
  }
  return negative ? "-" + out : out;
}

std::string abbreviate(std::string_view text, std::size_t maxLength) {
  if (text.size() <= maxLength) return std::string(text);
  // Cut before a character, not inside one (a continuation byte is 10xxxxxx).
  std::size_t cut = maxLength;
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
  return std::string(text.substr(0, cut)) + "...";
}

}  // namespace recdiff::data
