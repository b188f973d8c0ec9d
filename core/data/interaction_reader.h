// Interaction logs: one (user, item[, timestamp][, rating]) event a line.
//
// Accepted layouts:
//  - CSV/TSV with a header naming the user and item columns and optionally
//    timestamp and rating (user/user_id/userId, item/item_id/movieId/...,
//    timestamp/time/ts, rating); the delimiter (comma, tab, semicolon, pipe,
//    or spaces) is detected from the header; fields may be double-quoted.
//    Timestamps are numbers or ISO-8601 dates.
//  - RecBole atomic .inter (typed header "user_id:token item_id:token ...").
//  - MovieLens u.data (tab, no header: user item rating timestamp) and any
//    header-less file of four numeric tab- or comma-separated columns.
//  - MovieLens ratings.dat ("user::item::rating::timestamp").
#pragma once

#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "core/data/id_map.h"
#include "core/data/read_report.h"

namespace recdiff::data {

struct Interaction {
  std::int32_t user = 0;                                        // id in InteractionLog::users (1..)
  std::int32_t item = 0;                                        // id in InteractionLog::items (1..)
  double timestamp = std::numeric_limits<double>::quiet_NaN();  // NaN: none
  float rating = std::numeric_limits<float>::quiet_NaN();       // NaN: none
  std::uint32_t line = 0;                                       // source line number
};

struct InteractionLog {
  std::string source;  // the file read
  std::string layout;  // e.g. "RecBole .inter", "CSV with header"
  bool hasTimestamps = false;
  bool hasRatings = false;
  IdMap users;                      // user tokens in order of first appearance
  IdMap items;                      // item tokens in order of first appearance
  std::vector<Interaction> events;  // in file order

  const std::string& userToken(const Interaction& e) const { return users.token(e.user); }
  const std::string& itemToken(const Interaction& e) const { return items.token(e.item); }
};

// Reads an interaction log. Bad lines are counted in `report` (or throw when
// options.strict); a file that cannot be used throws DataError naming the
// file, the line and the problem.
InteractionLog readInteractions(const std::string& path, ReadReport* report = nullptr, const ReadOptions& options = {});

}  // namespace recdiff::data
