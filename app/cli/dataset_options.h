// The options every command that loads a dataset shares (--format, --split,
// --items, preprocessing thresholds, ...), turned into a data::DatasetSpec.
// `train`, `eval` and friends declare them too, so that a dataset is
// described the same way everywhere.
#pragma once

#include <string>

#include "app/cli/arg_parser.h"
#include "core/data/dataset_loader.h"

namespace recdiff::cli {

void declareDatasetOptions(ArgParser& parser);

// The spec for `path` under the parsed options. Preprocessing thresholds
// given on the command line switch filtering on; those not given keep the
// defaults of the source's kind (interaction logs: 5 / 3; sequences: none).
data::DatasetSpec datasetSpecFromArgs(const ParsedArgs& args, const std::string& path);

}  // namespace recdiff::cli
