#include "core/data/format_detection.h"

#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <stdexcept>
#include <vector>

#include "core/data/column_names.h"
#include "core/data/data_error.h"
#include "core/data/text_fields.h"
#include "core/data/text_lines.h"

namespace recdiff::data {

namespace fs = std::filesystem;

DataFormat parseDataFormat(const std::string& text) {
  const std::string t = toLower(text);
  if (t == "auto") return DataFormat::Auto;
  if (t == "interactions" || t == "inter" || t == "log") return DataFormat::Interactions;
  if (t == "sequences" || t == "seq") return DataFormat::Sequences;
  if (t == "split" || t == "published") return DataFormat::Split;
  if (t == "items" || t == "metadata") return DataFormat::Items;
  throw std::invalid_argument("unknown data format '" + text +
                              "' (expected interactions, sequences, split, items or auto)");
}

const char* toString(DataFormat format) {
  switch (format) {
    case DataFormat::Auto:
      return "auto";
    case DataFormat::Interactions:
      return "interactions";
    case DataFormat::Sequences:
      return "sequences";
    case DataFormat::Split:
      return "split";
    case DataFormat::Items:
      return "items";
  }
  return "auto";
}

namespace {

const char* const kSplitFiles[] = {"train.tsv", "val.tsv", "test.tsv"};

bool hasExtension(const fs::path& p, const char* ext) { return toLower(p.extension().string()) == ext; }

// The only file with `ext` in `dir`, preferring one named like `stem`.
std::string findByExtension(const fs::path& dir, const char* ext, const std::string& stem, bool refuseSeveral) {
  std::vector<fs::path> found;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    if (entry.is_regular_file(ec) && hasExtension(entry.path(), ext)) found.push_back(entry.path());
  }
  if (found.empty()) return "";
  for (const fs::path& p : found) {
    if (!stem.empty() && p.stem().string() == stem) return p.string();
  }
  if (found.size() > 1) {
    if (!refuseSeveral) return "";
    std::string names;
    for (const fs::path& p : found) names += (names.empty() ? "" : ", ") + p.filename().string();
    throw DataError(dir.string(), 0,
                    std::string("holds several ") + ext + " files (" + names + "); name the one to use");
  }
  return found.front().string();
}

void requireSplitFiles(const fs::path& dir) {
  std::string present, missing;
  for (const char* name : kSplitFiles) {
    std::error_code ec;
    std::string& list = fs::is_regular_file(dir / name, ec) ? present : missing;
    list += (list.empty() ? "" : ", ") + std::string(name);
  }
  if (!missing.empty()) {
    throw DataError(dir.string(), 0,
                    (present.empty() ? std::string("has no split files") : "has " + present + " but lacks " + missing) +
                        " (a published split needs train.tsv, val.tsv and test.tsv)");
  }
}

bool hasAnySplitFile(const fs::path& dir) {
  std::error_code ec;
  for (const char* name : kSplitFiles) {
    if (fs::is_regular_file(dir / name, ec)) return true;
  }
  return false;
}

std::string findInteractionsIn(const fs::path& dir) {
  std::string inter = findByExtension(dir, ".inter", dir.filename().string(), true);
  if (!inter.empty()) return inter;
  for (const char* name :
       {"u.data", "ratings.dat", "ratings.csv", "ratings.tsv", "interactions.csv", "interactions.tsv"}) {
    std::error_code ec;
    if (fs::is_regular_file(dir / name, ec)) return (dir / name).string();
  }
  return "";
}

// The first few non-blank lines of a file.
std::vector<std::string> headLines(const std::string& file, std::size_t count) {
  std::vector<std::string> lines;
  TextLineReader reader(file, 1u << 20);
  std::string line;
  while (lines.size() < count && reader.next(line)) {
    if (!trim(line).empty()) lines.push_back(line);
  }
  return lines;
}

bool allNumeric(const std::vector<std::string_view>& fields) {
  for (std::string_view f : fields) {
    if (!parseNumber(f)) return false;
  }
  return !fields.empty();
}

DataFormat sniffContent(const std::string& file) {
  const std::vector<std::string> lines = headLines(file, 20);
  if (lines.empty()) return DataFormat::Auto;
  const std::string& first = lines.front();
  // RecBole atomic header: "user_id:token<TAB>item_id:token ...".
  if (first.find(":token") != std::string::npos || first.find(":float") != std::string::npos) {
    const std::string lower = toLower(first);
    if (lower.find("user_id:") != std::string::npos) return DataFormat::Interactions;
    if (lower.find("item_id:") != std::string::npos) return DataFormat::Items;
  }
  if (first.find("::") != std::string::npos) {
    const auto fields = splitOn(first, "::");
    if (fields.size() == 4 || fields.size() == 3) {
      return parseNumber(fields[1]) ? DataFormat::Interactions : DataFormat::Items;
    }
  }
  if (const auto header = findInteractionHeader(first)) return DataFormat::Interactions;
  if (splitOn(first, "|").size() >= 20) return DataFormat::Items;  // u.item
  bool allTwoTabFields = true, sawSplitLine = false, sawCategoryList = false;
  bool allFourNumericTab = true, allSpaceTokens = true;
  for (const std::string& line : lines) {
    const auto tabFields = splitOn(line, "\t");
    if (tabFields.size() == 2) {
      if (tabFields[0].empty() || tabFields[0].find(' ') != std::string_view::npos) sawSplitLine = true;
      if (tabFields[1].find('|') != std::string_view::npos || !parseNumber(tabFields[1])) {
        sawCategoryList = true;
      }
    } else {
      allTwoTabFields = false;
    }
    if (!(tabFields.size() == 4 && allNumeric(tabFields))) allFourNumericTab = false;
    if (line.find('\t') != std::string::npos || line.find(',') != std::string::npos ||
        splitWhitespace(line).size() < 2) {
      allSpaceTokens = false;
    }
  }
  if (allTwoTabFields && sawSplitLine && !sawCategoryList) return DataFormat::Split;
  if (allTwoTabFields && sawCategoryList && !sawSplitLine) return DataFormat::Items;
  if (allFourNumericTab) return DataFormat::Interactions;  // u.data layout
  if (allSpaceTokens) return DataFormat::Sequences;
  return DataFormat::Auto;
}

}  // namespace

DataFormat sniffFileFormat(const std::string& file) {
  const fs::path p(file);
  const std::string name = toLower(p.filename().string());
  if (hasExtension(p, ".inter") || name == "u.data" || name == "ratings.dat") {
    return DataFormat::Interactions;
  }
  if (hasExtension(p, ".item") || name == "u.item" || name == "movies.dat" || name == "items.tsv") {
    return DataFormat::Items;
  }
  if (name == "sequences.txt") return DataFormat::Sequences;
  if (name == "train.tsv" || name == "val.tsv" || name == "test.tsv") return DataFormat::Split;
  return sniffContent(file);
}

std::string findItemsBeside(const std::string& dataPathOrFolder) {
  std::error_code ec;
  const fs::path p(dataPathOrFolder);
  const bool isDir = fs::is_directory(p, ec);
  const fs::path dir = isDir ? p : p.parent_path().empty() ? fs::path(".") : p.parent_path();
  const std::string stem = isDir ? p.filename().string() : p.stem().string();
  if (fs::is_regular_file(dir / "items.tsv", ec)) return (dir / "items.tsv").string();
  std::string item = findByExtension(dir, ".item", stem, false);
  if (!item.empty()) return item;
  for (const char* name : {"u.item", "movies.dat"}) {
    if (fs::is_regular_file(dir / name, ec)) return (dir / name).string();
  }
  return "";
}

ResolvedSource resolveSource(const std::string& path, DataFormat requested) {
  std::error_code ec;
  if (path.empty()) throw DataError("(no path)", 0, "no dataset path given");
  const fs::path p(path);
  if (!fs::exists(p, ec)) throw DataError(path, 0, "no such file or folder");
  // Unreadable folders and files are named here, before a directory walk
  // would throw a bare std::filesystem error.
  if (::access(path.c_str(), fs::is_directory(p, ec) ? (R_OK | X_OK) : R_OK) != 0) {
    throw DataError(path, 0, std::string("cannot be read: ") + std::strerror(errno));
  }
  ResolvedSource source;
  if (fs::is_directory(p, ec)) {
    DataFormat format = requested;
    if (format == DataFormat::Auto) {
      if (hasAnySplitFile(p)) {
        format = DataFormat::Split;
        source.why = "folder with train.tsv/val.tsv/test.tsv";
      } else if (fs::is_regular_file(p / "sequences.txt", ec)) {
        format = DataFormat::Sequences;
        source.why = "folder with sequences.txt";
      } else if (!findInteractionsIn(p).empty()) {
        format = DataFormat::Interactions;
        source.why = "folder with an interaction log";
      } else {
        throw DataError(path, 0,
                        "holds no dataset files (expected train.tsv/val.tsv/test.tsv, "
                        "sequences.txt, a .inter file, u.data, ratings.dat or ratings.csv)");
      }
    } else {
      source.why = std::string("format given: ") + toString(format);
    }
    source.format = format;
    switch (format) {
      case DataFormat::Split:
        requireSplitFiles(p);
        source.dataPath = p.string();
        break;
      case DataFormat::Sequences:
        if (!fs::is_regular_file(p / "sequences.txt", ec)) {
          throw DataError(path, 0, "has no sequences.txt");
        }
        source.dataPath = (p / "sequences.txt").string();
        break;
      case DataFormat::Interactions:
        source.dataPath = findInteractionsIn(p);
        if (source.dataPath.empty()) {
          throw DataError(path, 0, "has no interaction log (.inter, u.data, ratings.dat, ratings.csv)");
        }
        break;
      case DataFormat::Items:
        source.dataPath = findItemsBeside(p.string());
        if (source.dataPath.empty()) throw DataError(path, 0, "has no item metadata file");
        break;
      case DataFormat::Auto:
        break;
    }
    if (format != DataFormat::Items) source.itemsPath = findItemsBeside(p.string());
    return source;
  }

  if (!fs::is_regular_file(p, ec)) {
    throw DataError(path, 0, "is not a regular file (a named pipe or a device?); save the data to a file first");
  }
  DataFormat format = requested;
  if (format == DataFormat::Auto) {
    format = sniffFileFormat(path);
    source.why = "detected from the file name or content";
    if (format == DataFormat::Auto) {
      throw DataError(path, 0,
                      "cannot tell the format from the name or the first lines; pass "
                      "--format interactions|sequences|split|items");
    }
  } else {
    source.why = std::string("format given: ") + toString(format);
  }
  source.format = format;
  source.dataPath = p.string();
  if (format == DataFormat::Split) {
    // A published split is read as a whole: a path to one of its files means its folder.
    const fs::path dir = p.parent_path().empty() ? fs::path(".") : p.parent_path();
    requireSplitFiles(dir);
    source.dataPath = dir.string();
  }
  if (format != DataFormat::Items) {
    source.itemsPath = findItemsBeside(source.dataPath);
  }
  return source;
}

}  // namespace recdiff::data
