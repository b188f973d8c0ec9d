// The names interaction-log headers use for their columns (user, user_id,
// userId, movie_id, timestamp, ts, rating, ...), and finding a header line
// together with its delimiter (comma, tab, semicolon, pipe or spaces).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace recdiff::data {

enum class Column { User, Item, Timestamp, Rating, Other };

// Classifies a header field: case-insensitive, ignoring quotes, a RecBole
// type suffix (":token", ":float") and the separators '_', '-', ' '.
Column classifyColumn(std::string_view name);

struct InteractionHeader {
  char delimiter = '\t';  // ' ' means runs of spaces/tabs
  bool typed = false;     // RecBole atomic header ("user_id:token")
  std::vector<std::string> names;
  int user = -1;  // column indices, -1 when absent
  int item = -1;
  int timestamp = -1;
  int rating = -1;
};

// Reads `line` as a header naming at least a user and an item column, trying
// the delimiters in turn; nothing when no delimiter gives such a header.
std::optional<InteractionHeader> findInteractionHeader(std::string_view line);

// Splits a data line the way its header was split.
std::vector<std::string> splitFields(std::string_view line, char delimiter);

}  // namespace recdiff::data
