#include "core/data/id_map.h"

#include <cstdint>
#include <stdexcept>

namespace recdiff::data {

std::int32_t IdMap::intern(const std::string& token) {
  auto [it, inserted] = ids_.emplace(token, static_cast<std::int32_t>(tokens_.size() + 1));
  if (inserted) tokens_.push_back(token);
  return it->second;
}

std::int32_t IdMap::find(const std::string& token) const {
  auto it = ids_.find(token);
  return it == ids_.end() ? 0 : it->second;
}

const std::string& IdMap::token(std::int32_t id) const {
  if (id < 1 || id > size()) {
    throw std::out_of_range("item id " + std::to_string(id) + " outside 1.." + std::to_string(size()));
  }
  return tokens_[static_cast<std::size_t>(id - 1)];
}

}  // namespace recdiff::data
