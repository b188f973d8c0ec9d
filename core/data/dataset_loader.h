// The one entry point the CLI and the GUI use to turn a path into a
// SequenceDataset: resolve the format, read, preprocess, split, attach item
// metadata, and report every step.
//
// Defaults: a published split folder is taken as it is; sequences.txt is
// split leave-one-out with NO filtering (it is already preprocessed; counts
// match the publisher's); a raw interaction log gets the papers' filtering
// (5-core items, users with at least 3 items) and leave-one-out. items.tsv
// or a .item beside the data is attached when present.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/data/dataset_stats.h"
#include "core/data/format_detection.h"
#include "core/data/metadata_reader.h"
#include "core/data/preprocess.h"
#include "core/data/read_report.h"
#include "core/data/sequence_dataset.h"
#include "core/data/splits.h"

namespace recdiff::data {

enum class FilterMode {
  Auto,   // interaction logs: apply `preprocess`; sequences and splits: as they are
  Apply,  // apply `preprocess` to logs and sequences (a published split refuses)
  None,   // no k-core, no truncation (logs are still grouped, ordered, deduped if asked)
};

struct DatasetSpec {
  std::string path;  // a file or a dataset folder
  DataFormat format = DataFormat::Auto;
  PreprocessOptions preprocess;  // used as `filter` says
  FilterMode filter = FilterMode::Auto;
  std::optional<SplitKind> split;  // empty: published for split folders, else leave-one-out
  std::uint64_t seed = 42;         // for the user-ratio split
  SplitRatios ratios;              // for the user-ratio split
  std::string itemsPath;           // "" = items.tsv / .item beside the data, when present
  bool loadItems = true;           // false: no metadata at all
  ReadOptions read;                // strict: the first bad line is an error
  std::string name;                // "" = from the path (folder or file stem)
};

struct LoadReport {
  ResolvedSource source;
  std::string name;
  std::vector<ReadReport> reads;        // one per data file read
  std::optional<DatasetStats> before;   // logs and sequences, before any filtering
  bool filtered = false;                // preprocessing options were applied
  PreprocessOptions preprocessOptions;  // those applied, when filtered
  std::optional<PreprocessReport> preprocess;
  SplitReport split;
  std::string itemsPath;  // metadata used, or ""
  std::optional<ReadReport> itemsRead;
  std::optional<MetadataMatch> metadata;
  std::vector<std::string> warnings;  // e.g. metadata beside the data that could not be read

  std::vector<std::string> summaryLines() const;
};

// Throws DataError for anything a user must fix (with file, line and
// problem), std::invalid_argument for contradictory options.
SequenceDataset loadDataset(const DatasetSpec& spec, LoadReport* report = nullptr);

// The name a dataset gets from its path: the folder for a dataset folder or
// a conventionally named file (sequences.txt, u.data, ...), else the stem.
std::string datasetNameFromPath(const std::string& path);

}  // namespace recdiff::data
