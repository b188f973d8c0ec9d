// Item metadata files: titles and categories by item token.
//
// Accepted layouts:
//  - items.tsv: `item<TAB>category|category|...` (the list may be empty)
//  - RecBole atomic .item: typed header, e.g. `item_id:token
//    movie_title:token_seq release_year:token class:token_seq`; the title is
//    the column named *title*/name, the categories the column named
//    class/genre(s)/categor(y|ies) (token_seq fields are space-separated)
//  - MovieLens u.item: `id|title|date|video date|url|19 genre flags`
//    (Latin-1 text is converted to UTF-8)
//  - MovieLens movies.dat: `id::title::genre|genre`
#pragma once

#include <string>
#include <unordered_map>
#include <vector>

#include "core/data/read_report.h"
#include "core/data/sequence_dataset.h"

namespace recdiff::data {

struct ItemRecord {
  std::string token;
  std::string title;            // "" when the file has none
  std::vector<int> categories;  // indices into ItemTable::categoryNames
};

struct ItemTable {
  std::string source;
  std::string layout;
  bool hasTitles = false;
  bool hasCategories = false;
  std::vector<std::string> categoryNames;              // in order of first appearance (u.item: its genre order)
  std::vector<ItemRecord> records;                     // in file order
  std::unordered_map<std::string, std::size_t> index;  // token -> records index

  const ItemRecord* find(const std::string& token) const;
};

ItemTable readItemMetadata(const std::string& path, ReadReport* report = nullptr, const ReadOptions& options = {});

// How a metadata table matched a dataset's items.
struct MetadataMatch {
  std::size_t datasetItems = 0;   // items in the dataset
  std::size_t matched = 0;        // of those, with a record
  std::size_t unusedRecords = 0;  // records naming items not in the dataset
};

// Fills dataset.metadata (titles and/or categories by internal id) from
// `table`; items without a record get an empty title and no categories.
MetadataMatch attachMetadata(SequenceDataset& dataset, const ItemTable& table);

}  // namespace recdiff::data
