#include "core/data/item_metadata.h"

namespace recdiff::data {

int ItemMetadata::primaryCategory(int item) const {
  if (item < 0 || static_cast<std::size_t>(item) >= categories.size()) return -1;
  const std::vector<int>& list = categories[static_cast<std::size_t>(item)];
  return list.empty() ? -1 : list.front();
}

}  // namespace recdiff::data
