#include "core/data/column_names.h"

#include <algorithm>

#include "core/data/text_fields.h"

namespace recdiff::data {

namespace {
std::string normalise(std::string_view name) {
  name = trim(name);
  if (name.size() >= 2 && name.front() == '"' && name.back() == '"') {
    name = name.substr(1, name.size() - 2);
  }
  const std::size_t colon = name.find(':');
  if (colon != std::string_view::npos) name = name.substr(0, colon);
  std::string out;
  for (const char c : toLower(name)) {
    if (c != '_' && c != '-' && c != ' ') out.push_back(c);
  }
  return out;
}

bool isOneOf(const std::string& name, std::initializer_list<const char*> names) {
  return std::any_of(names.begin(), names.end(), [&](const char* n) { return name == n; });
}
}  // namespace

Column classifyColumn(std::string_view name) {
  const std::string n = normalise(name);
  if (isOneOf(n, {"user", "userid", "uid", "users", "reviewerid", "customerid", "visitorid"})) {
    return Column::User;
  }
  if (isOneOf(n, {"item", "itemid", "iid", "items", "movie", "movieid", "productid", "asin", "trackid"})) {
    return Column::Item;
  }
  if (isOneOf(n, {"timestamp", "time", "ts", "unixreviewtime", "datetime", "date", "eventtime"})) {
    return Column::Timestamp;
  }
  if (isOneOf(n, {"rating", "ratings", "score", "overall", "stars"})) return Column::Rating;
  return Column::Other;
}

std::vector<std::string> splitFields(std::string_view line, char delimiter) {
  if (delimiter == ' ') {
    std::vector<std::string> fields;
    for (std::string_view token : splitWhitespace(line)) fields.emplace_back(token);
    return fields;
  }
  return splitDelimited(line, delimiter);
}

std::optional<InteractionHeader> findInteractionHeader(std::string_view line) {
  for (const char delimiter : {'\t', ',', ';', '|', ' '}) {
    if (delimiter != ' ' && line.find(delimiter) == std::string_view::npos) continue;
    InteractionHeader header;
    header.delimiter = delimiter;
    header.names = splitFields(line, delimiter);
    if (header.names.size() < 2) continue;
    for (std::size_t i = 0; i < header.names.size(); ++i) {
      const std::string& name = header.names[i];
      if (name.find(":token") != std::string::npos || name.find(":float") != std::string::npos) {
        header.typed = true;
      }
      int* slot = nullptr;
      switch (classifyColumn(name)) {
        case Column::User:
          slot = &header.user;
          break;
        case Column::Item:
          slot = &header.item;
          break;
        case Column::Timestamp:
          slot = &header.timestamp;
          break;
        case Column::Rating:
          slot = &header.rating;
          break;
        case Column::Other:
          break;
      }
      if (slot != nullptr && *slot < 0) *slot = static_cast<int>(i);
    }
    if (header.user >= 0 && header.item >= 0) return header;
  }
  return std::nullopt;
}

}  // namespace recdiff::data
