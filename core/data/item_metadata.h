// Optional per-item display data: titles and categories, by internal item id.
#pragma once

#include <string>
#include <vector>

namespace recdiff::data {

struct ItemMetadata {
  // Indexed by internal item id (index 0 = padding, unused). Empty vectors
  // when the dataset has no metadata.
  std::vector<std::string> titles;
  std::vector<std::vector<int>> categories;  // indices into categoryNames
  std::vector<std::string> categoryNames;

  bool hasCategories() const { return !categoryNames.empty(); }
  // The first category of an item, or -1: used for colouring.
  int primaryCategory(int item) const;
};

}  // namespace recdiff::data
