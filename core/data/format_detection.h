// Which kind of file a path holds, from its name and, when the name does not
// say, from its first lines; and where the files of a dataset folder are.
#pragma once

#include <string>

namespace recdiff::data {

enum class DataFormat {
  Auto,          // decide from the path and the content
  Interactions,  // a log of (user, item[, timestamp][, rating]) events
  Sequences,     // `user item item ...`, one user a line (sequences.txt)
  Split,         // a folder with train.tsv / val.tsv / test.tsv
  Items,         // item metadata (items.tsv, RecBole .item, u.item, movies.dat)
};

// "interactions", "sequences", "split", "items", "auto" (case-insensitive);
// throws std::invalid_argument naming the accepted words otherwise.
DataFormat parseDataFormat(const std::string& text);
const char* toString(DataFormat format);

// A user's path resolved to the files to read.
struct ResolvedSource {
  DataFormat format = DataFormat::Auto;
  std::string dataPath;   // the file to read; the folder for a published split
  std::string itemsPath;  // item metadata found beside the data, or ""
  std::string why;        // how the format was decided, for the report
};

// Resolves `path` (a file or a dataset folder) under `requested` (Auto to
// detect). Throws DataError for a missing path, a folder without dataset
// files, a split folder lacking one of its three files, or a format that
// cannot be told from the name or content.
ResolvedSource resolveSource(const std::string& path, DataFormat requested = DataFormat::Auto);

// Item metadata beside a data file or in a dataset folder (items.tsv, a
// .item with the same stem or the only one, u.item, movies.dat), or "".
std::string findItemsBeside(const std::string& dataPathOrFolder);

// Guesses the format of one file from its name, then its first lines.
// Returns Auto when nothing decides it.
DataFormat sniffFileFormat(const std::string& file);

}  // namespace recdiff::data
