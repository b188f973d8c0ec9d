// A published, fixed split: a folder with train.tsv, val.tsv and test.tsv,
// one sample a line, `history<TAB>target`; the history is space-separated
// items, oldest first, and may be empty (the line then starts with a TAB).
#pragma once

#include <string>
#include <vector>

#include "core/data/id_map.h"
#include "core/data/read_report.h"
#include "core/data/sequence_dataset.h"

namespace recdiff::data {

struct PublishedSplit {
  std::string folder;
  IdMap items;  // interned in order of first appearance over train, val, test
  // One pseudo-user per sample, named "<file>:<line>" (e.g. "val.tsv:17"),
  // so that Sample::user indexes it like any other dataset's users.
  std::vector<std::string> sampleNames;
  std::vector<Sample> train, validation, test;
};

// Reads the three files of a split folder (missing ones throw DataError).
// `reports`, when given, receives one report per file: train, val, test.
PublishedSplit readPublishedSplit(const std::string& folder, std::vector<ReadReport>* reports = nullptr,
                                  const ReadOptions& options = {});

}  // namespace recdiff::data
