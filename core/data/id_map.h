// Two-way mapping between external tokens (as the file spells them) and the
// dense internal ids 1..size() the models use; 0 is reserved for padding.
#pragma once

#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

namespace recdiff::data {

class IdMap {
 public:
  // Returns the id of `token`, adding it with the next id when new.
  std::int32_t intern(const std::string& token);
  // Returns the id of `token`, or 0 when unknown.
  std::int32_t find(const std::string& token) const;
  // The token of id (1..size()); throws std::out_of_range otherwise.
  const std::string& token(std::int32_t id) const;
  std::int32_t size() const { return static_cast<std::int32_t>(tokens_.size()); }
  const std::vector<std::string>& tokens() const { return tokens_; }  // tokens_[id-1]

 private:
  std::unordered_map<std::string, std::int32_t> ids_;
  std::vector<std::string> tokens_;
};

}  // namespace recdiff::data
