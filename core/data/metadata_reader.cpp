#include "core/data/metadata_reader.h"

#include <algorithm>
#include <filesystem>

#include "core/data/column_names.h"
#include "core/data/data_error.h"
#include "core/data/text_fields.h"
#include "core/data/text_lines.h"

namespace recdiff::data {

namespace {

const char* const kMovieLensGenres[] = {"unknown",   "Action",   "Adventure",   "Animation", "Children's",
                                        "Comedy",    "Crime",    "Documentary", "Drama",     "Fantasy",
                                        "Film-Noir", "Horror",   "Musical",     "Mystery",   "Romance",
                                        "Sci-Fi",    "Thriller", "War",         "Western"};
constexpr std::size_t kMovieLensGenreCount = sizeof(kMovieLensGenres) / sizeof(kMovieLensGenres[0]);

enum class MetaLayout { ItemsTsv, RecBole, MovieLensItem, MovieLensMovies };

struct Columns {
  std::size_t count = 0;
  int item = 0, title = -1, categories = -1;
  bool categoriesAreList = true;  // token_seq: space-separated
};

std::string normalisedName(std::string_view name) {
  const std::size_t colon = name.find(':');
  std::string out;
  for (const char c : toLower(trim(name.substr(0, colon)))) {
    if (c != '_' && c != '-' && c != ' ') out.push_back(c);
  }
  return out;
}

bool isCategoryName(const std::string& n) {
  return n == "class" || n == "genre" || n == "genres" || n == "category" || n == "categories" || n == "categorylist" ||
         n == "tags";
}

Columns recBoleColumns(const std::string& path, const std::string& header) {
  Columns c;
  const auto names = splitOn(header, "\t");
  c.count = names.size();
  c.item = -1;
  for (std::size_t i = 0; i < names.size(); ++i) {
    const std::string n = normalisedName(names[i]);
    const int index = static_cast<int>(i);
    if (c.item < 0 && classifyColumn(names[i]) == Column::Item) {
      c.item = index;
    } else if (c.title < 0 &&
               (n.find("title") != std::string::npos || n == "name" || n == "productname" || n == "itemname")) {
      c.title = index;
    } else if (c.categories < 0 && isCategoryName(n)) {
      c.categories = index;
      c.categoriesAreList = names[i].find(":token_seq") != std::string_view::npos;
    }
  }
  if (c.item < 0) {
    throw DataError(path, 1, "the header names no item column (expected item_id:token)");
  }
  return c;
}

class TableBuilder {
 public:
  TableBuilder(ItemTable& table, ReadReport& report, const ReadOptions& options)
      : table_(table), report_(report), options_(options) {}

  int category(std::string_view name) {
    const std::string key(trim(name));
    auto it = categoryIds_.find(key);
    if (it != categoryIds_.end()) return it->second;
    const int id = static_cast<int>(table_.categoryNames.size());
    table_.categoryNames.push_back(key);
    categoryIds_.emplace(key, id);
    return id;
  }

  // Adds a record; its categories are interned only when it is accepted.
  void add(std::size_t lineNo, const std::string& line, std::string_view token, std::string title,
           const std::vector<std::string_view>& categoryNames) {
    token = trim(token);
    if (token.empty()) {
      report_.rejectOrThrow(options_, lineNo, "empty item id", "the item id is empty", line);
      return;
    }
    if (token.size() > kMaxTokenLength) {
      report_.rejectOrThrow(options_, lineNo, "id too long",
                            "item id longer than " + std::to_string(kMaxTokenLength) + " bytes", line);
      return;
    }
    const std::string key(token);
    const auto [it, inserted] = table_.index.emplace(key, table_.records.size());
    if (!inserted) {
      report_.rejectOrThrow(
          options_, lineNo, "repeated item",
          "item '" + abbreviate(key, 40) + "' already described on line " + std::to_string(lines_[it->second]), line);
      return;
    }
    if (!isValidUtf8(title)) title = latin1ToUtf8(title);
    std::vector<int> categories;
    for (std::string_view name : categoryNames) {
      const int id = category(isValidUtf8(std::string(name)) ? std::string(name) : latin1ToUtf8(std::string(name)));
      if (std::find(categories.begin(), categories.end(), id) == categories.end()) {
        categories.push_back(id);
      }
    }
    table_.records.push_back({key, std::move(title), std::move(categories)});
    lines_.push_back(lineNo);
    ++report_.accepted;
  }

 private:
  ItemTable& table_;
  ReadReport& report_;
  const ReadOptions& options_;
  std::unordered_map<std::string, int> categoryIds_;
  std::vector<std::size_t> lines_;
};

MetaLayout decideLayout(const std::string& path, const std::string& first) {
  const std::string name = toLower(std::filesystem::path(path).filename().string());
  if (first.find(":token") != std::string::npos) return MetaLayout::RecBole;
  if (name == "movies.dat" || first.find("::") != std::string::npos) {
    return MetaLayout::MovieLensMovies;
  }
  if (name == "u.item" || splitOn(first, "|").size() == 5 + kMovieLensGenreCount) {
    return MetaLayout::MovieLensItem;
  }
  return MetaLayout::ItemsTsv;
}

}  // namespace

const ItemRecord* ItemTable::find(const std::string& token) const {
  auto it = index.find(token);
  return it == index.end() ? nullptr : &records[it->second];
}

ItemTable readItemMetadata(const std::string& path, ReadReport* reportOut, const ReadOptions& options) {
  ReadReport localReport;
  ReadReport& report = reportOut ? *reportOut : localReport;
  report = ReadReport{};
  report.file = path;
  ItemTable table;
  table.source = path;
  TableBuilder builder(table, report, options);

  TextLineReader reader(path);
  std::string line;
  bool haveLayout = false;
  MetaLayout layout = MetaLayout::ItemsTsv;
  Columns columns;
  while (reader.next(line)) {
    const std::size_t lineNo = reader.lineNumber();
    if (rejectIfTooLong(reader, line, options, report)) continue;
    if (trim(line).empty()) {
      ++report.blankLines;
      continue;
    }
    if (!haveLayout) {
      haveLayout = true;
      layout = decideLayout(path, line);
      switch (layout) {
        case MetaLayout::RecBole:
          report.layout = "RecBole atomic .item";
          columns = recBoleColumns(path, line);
          table.hasTitles = columns.title >= 0;
          table.hasCategories = columns.categories >= 0;
          continue;  // the header
        case MetaLayout::MovieLensMovies:
          report.layout = "MovieLens movies.dat (id::title::genres)";
          table.hasTitles = table.hasCategories = true;
          break;
        case MetaLayout::MovieLensItem:
          report.layout = "MovieLens u.item (id|title|...|19 genre flags)";
          table.hasTitles = table.hasCategories = true;
          for (const char* g : kMovieLensGenres) builder.category(g);
          break;
        case MetaLayout::ItemsTsv: {
          report.layout = "items.tsv (item<TAB>category|category)";
          table.hasCategories = true;
          const auto fields = splitOn(line, "\t");
          if (fields.size() == 2 && classifyColumn(fields[0]) == Column::Item &&
              isCategoryName(normalisedName(fields[1]))) {
            continue;  // a header line
          }
          break;
        }
      }
    }
    ++report.dataLines;
    switch (layout) {
      case MetaLayout::ItemsTsv: {
        const auto fields = splitOn(line, "\t");
        if (fields.size() > 2) {
          report.rejectOrThrow(
              options, lineNo, "wrong number of columns",
              "expected 'item<TAB>category|category', found " + std::to_string(fields.size()) + " columns", line);
          continue;
        }
        std::vector<std::string_view> categories;
        if (fields.size() == 2) {
          for (std::string_view c : splitOn(fields[1], "|")) {
            if (!trim(c).empty()) categories.push_back(trim(c));
          }
        }
        builder.add(lineNo, line, fields[0], "", std::move(categories));
        break;
      }
      case MetaLayout::RecBole: {
        const auto fields = splitOn(line, "\t");
        if (fields.size() != columns.count) {
          report.rejectOrThrow(
              options, lineNo, "wrong number of columns",
              "expected " + std::to_string(columns.count) + " columns, found " + std::to_string(fields.size()), line);
          continue;
        }
        std::string title =
            columns.title >= 0 ? std::string(trim(fields[static_cast<std::size_t>(columns.title)])) : std::string();
        std::vector<std::string_view> categories;
        if (columns.categories >= 0) {
          const std::string_view text = fields[static_cast<std::size_t>(columns.categories)];
          if (columns.categoriesAreList) {
            categories = splitWhitespace(text);
          } else if (!trim(text).empty()) {
            categories.push_back(trim(text));
          }
        }
        builder.add(lineNo, line, fields[static_cast<std::size_t>(columns.item)], std::move(title),
                    std::move(categories));
        break;
      }
      case MetaLayout::MovieLensItem: {
        const auto fields = splitOn(line, "|");
        if (fields.size() != 5 + kMovieLensGenreCount) {
          report.rejectOrThrow(options, lineNo, "wrong number of columns",
                               "expected " + std::to_string(5 + kMovieLensGenreCount) +
                                   " '|'-separated fields, found " + std::to_string(fields.size()),
                               line);
          continue;
        }
        std::vector<std::string_view> categories;
        bool flagsOk = true;
        for (std::size_t g = 0; g < kMovieLensGenreCount; ++g) {
          const std::string_view flag = trim(fields[5 + g]);
          if (flag == "1") {
            categories.push_back(kMovieLensGenres[g]);
          } else if (flag != "0") {
            flagsOk = false;
          }
        }
        if (!flagsOk) {
          report.rejectOrThrow(options, lineNo, "bad genre flag", "genre flags must be 0 or 1", line);
          continue;
        }
        builder.add(lineNo, line, fields[0], std::string(trim(fields[1])), std::move(categories));
        break;
      }
      case MetaLayout::MovieLensMovies: {
        const auto fields = splitOn(line, "::");
        if (fields.size() != 3) {
          report.rejectOrThrow(options, lineNo, "wrong number of columns",
                               "expected id::title::genres, found " + std::to_string(fields.size()) + " fields", line);
          continue;
        }
        std::vector<std::string_view> categories;
        for (std::string_view c : splitOn(fields[2], "|")) {
          if (!trim(c).empty() && trim(c) != "(no genres listed)") categories.push_back(trim(c));
        }
        builder.add(lineNo, line, fields[0], std::string(trim(fields[1])), std::move(categories));
        break;
      }
    }
  }
  noteReaderQuirks(reader, report);
  if (!haveLayout) throw DataError(path, 0, "is empty");
  report.requireUsableData(layout == MetaLayout::RecBole ? "has a header but no items" : "is empty");
  return table;
}

MetadataMatch attachMetadata(SequenceDataset& dataset, const ItemTable& table) {
  MetadataMatch match;
  const std::size_t n = static_cast<std::size_t>(dataset.numItems);
  match.datasetItems = n;
  ItemMetadata& meta = dataset.metadata;
  meta = ItemMetadata{};
  if (table.hasTitles) meta.titles.assign(n + 1, std::string());
  if (table.hasCategories) {
    meta.categories.assign(n + 1, {});
    meta.categoryNames = table.categoryNames;
  }
  for (std::size_t id = 1; id <= n; ++id) {
    const ItemRecord* record = table.find(dataset.items.token(static_cast<ItemId>(id)));
    if (record == nullptr) continue;
    ++match.matched;
    if (table.hasTitles) meta.titles[id] = record->title;
    if (table.hasCategories) meta.categories[id] = record->categories;
  }
  match.unusedRecords = table.records.size() - match.matched;
  return match;
}

}  // namespace recdiff::data
