#include "core/data/interaction_reader.h"

#include <cstdint>
#include <filesystem>

#include "core/data/column_names.h"
#include "core/data/data_error.h"
#include "core/data/text_fields.h"
#include "core/data/text_lines.h"

namespace recdiff::data {

namespace {

// How the data lines of a log are laid out, decided from its first line.
struct Layout {
  std::string description;
  std::string delimiter;  // "::" or one character (" " = runs of spaces)
  bool firstLineIsHeader = false;
  std::size_t columns = 0;
  int user = -1, item = -1, timestamp = -1, rating = -1;
  std::vector<std::string> names;  // header names, for messages
};

Layout decideLayout(const std::string& path, const std::string& first) {
  Layout layout;
  const std::string name = toLower(std::filesystem::path(path).filename().string());
  if (first.find("::") != std::string::npos) {
    layout.description = "MovieLens ratings.dat (user::item::rating::timestamp)";
    layout.delimiter = "::";
    const std::size_t n = splitOn(first, "::").size();
    layout.columns = n;
    layout.user = 0;
    layout.item = 1;
    if (n >= 3) layout.rating = 2;
    if (n >= 4) layout.timestamp = 3;
    if (n < 2 || n > 4) {
      throw DataError(path, 1, "expected user::item::rating::timestamp, found " + std::to_string(n) + " fields");
    }
    return layout;
  }
  if (const auto header = findInteractionHeader(first)) {
    layout.firstLineIsHeader = true;
    layout.delimiter = std::string(1, header->delimiter);
    layout.columns = header->names.size();
    layout.user = header->user;
    layout.item = header->item;
    layout.timestamp = header->timestamp;
    layout.rating = header->rating;
    layout.names = header->names;
    if (header->typed) {
      layout.description = "RecBole atomic .inter";
    } else {
      const char d = header->delimiter;
      layout.description = std::string(d == ','    ? "CSV"
                                       : d == '\t' ? "TSV"
                                       : d == ';'  ? "semicolon-separated"
                                       : d == '|'  ? "pipe-separated"
                                                   : "space-separated") +
                           " with header";
    }
    return layout;
  }
  // No header: only the MovieLens layout of four numeric columns is safe to assume.
  for (const char d : {'\t', ','}) {
    const auto fields = splitOn(first, std::string_view(&d, 1));
    bool numeric = fields.size() == 4;
    for (std::string_view f : fields) numeric = numeric && parseNumber(f).has_value();
    if (numeric) {
      layout.description = name == "u.data" ? "MovieLens u.data (user item rating timestamp)"
                                            : "no header; read as user, item, rating, timestamp";
      layout.delimiter = std::string(1, d);
      layout.columns = 4;
      layout.user = 0;
      layout.item = 1;
      layout.rating = 2;
      layout.timestamp = 3;
      return layout;
    }
  }
  const bool hasKnownDelimiter = first.find_first_of("\t,;|") != std::string::npos;
  if (!hasKnownDelimiter && splitWhitespace(first).size() < 2) {
    throw DataError(
        path, 1,
        "no known separator (expected comma, tab, semicolon, pipe or '::') in '" + abbreviate(first, 60) + "'");
  }
  throw DataError(path, 1,
                  "expected a header naming the user and item columns (e.g. "
                  "user_id,item_id,timestamp,rating), found '" +
                      abbreviate(first, 60) + "'");
}

std::vector<std::string> splitLine(const std::string& line, const Layout& layout) {
  if (layout.delimiter == "::") {
    std::vector<std::string> fields;
    for (std::string_view f : splitOn(line, "::")) fields.emplace_back(trim(f));
    return fields;
  }
  return splitFields(line, layout.delimiter[0]);
}

std::string columnName(const Layout& layout, int index, const char* fallback) {
  if (index >= 0 && static_cast<std::size_t>(index) < layout.names.size()) {
    return "'" + layout.names[static_cast<std::size_t>(index)] + "'";
  }
  return fallback;
}

}  // namespace

InteractionLog readInteractions(const std::string& path, ReadReport* reportOut, const ReadOptions& options) {
  ReadReport localReport;
  ReadReport& report = reportOut ? *reportOut : localReport;
  report = ReadReport{};
  report.file = path;

  TextLineReader reader(path);
  InteractionLog log;
  log.source = path;
  std::string line;
  bool haveLayout = false;
  Layout layout;
  while (reader.next(line)) {
    if (rejectIfTooLong(reader, line, options, report)) continue;
    if (trim(line).empty()) {
      ++report.blankLines;
      continue;
    }
    if (!haveLayout) {
      layout = decideLayout(path, line);
      haveLayout = true;
      report.layout = layout.description;
      log.layout = layout.description;
      log.hasTimestamps = layout.timestamp >= 0;
      log.hasRatings = layout.rating >= 0;
      if (layout.firstLineIsHeader) continue;
    }
    ++report.dataLines;
    const std::size_t lineNo = reader.lineNumber();
    const std::vector<std::string> fields = splitLine(line, layout);
    if (fields.size() != layout.columns) {
      report.rejectOrThrow(
          options, lineNo, "wrong number of columns",
          "expected " + std::to_string(layout.columns) + " columns, found " + std::to_string(fields.size()), line);
      continue;
    }
    const std::string& user = fields[static_cast<std::size_t>(layout.user)];
    const std::string& item = fields[static_cast<std::size_t>(layout.item)];
    if (user.empty() || item.empty()) {
      report.rejectOrThrow(options, lineNo, "empty user or item id",
                           std::string("empty ") + (user.empty() ? "user" : "item") + " id", line);
      continue;
    }
    if (user.size() > kMaxTokenLength || item.size() > kMaxTokenLength) {
      report.rejectOrThrow(options, lineNo, "id too long",
                           std::string(user.size() > kMaxTokenLength ? "user" : "item") + " id longer than " +
                               std::to_string(kMaxTokenLength) + " bytes",
                           line);
      continue;
    }
    if (!isValidUtf8(user) || !isValidUtf8(item)) {
      report.rejectOrThrow(options, lineNo, "id not UTF-8", kIdNotUtf8, line);
      continue;
    }
    Interaction event;
    if (layout.timestamp >= 0) {
      const std::string& text = fields[static_cast<std::size_t>(layout.timestamp)];
      const auto ts = parseTimestamp(text);
      if (!ts) {
        const bool missing = trim(text).empty();
        report.rejectOrThrow(options, lineNo, missing ? "missing timestamp" : "non-numeric timestamp",
                             missing ? "empty timestamp in column " + columnName(layout, layout.timestamp, "4")
                                     : "timestamp '" + abbreviate(text, 40) + "' is neither a number nor an ISO date",
                             line);
        continue;
      }
      event.timestamp = *ts;
    }
    if (layout.rating >= 0) {
      const std::string& text = fields[static_cast<std::size_t>(layout.rating)];
      const auto rating = parseNumber(text);
      if (!rating) {
        report.rejectOrThrow(options, lineNo, "non-numeric rating",
                             "rating '" + abbreviate(text, 40) + "' is not a number", line);
        continue;
      }
      event.rating = static_cast<float>(*rating);
    }
    event.user = log.users.intern(user);
    event.item = log.items.intern(item);
    event.line = static_cast<std::uint32_t>(lineNo);
    log.events.push_back(event);
    ++report.accepted;
  }
  noteReaderQuirks(reader, report);
  if (!haveLayout) throw DataError(path, 0, "is empty");
  report.requireUsableData(layout.firstLineIsHeader ? "has a header but no data lines" : "is empty");
  return log;
}

}  // namespace recdiff::data
