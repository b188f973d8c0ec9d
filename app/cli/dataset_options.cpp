#include "app/cli/dataset_options.h"

#include <stdexcept>

#include "core/data/text_fields.h"

namespace recdiff::cli {

void declareDatasetOptions(ArgParser& parser) {
  parser.section("Dataset")
      .option("format", "F", "interactions, sequences, split, items or auto", "auto")
      .option("split", "S",
              "loo (leave-one-out), ratio (by user, 8:1:1) or published; default: published "
              "for a split folder, else loo")
      .option("split-seed", "N", "seed of the user-ratio split", "42")
      .option("ratios", "A:B:C", "train:validation:test shares of the user-ratio split", "8:1:1")
      .option("items", "PATH", "item metadata (default: items.tsv or .item beside the data)")
      .flag("no-items", "ignore item metadata")
      .flag("strict", "fail on the first bad line instead of counting it");
  parser.section("Preprocessing (default: raw logs 5-core items and users >= 3; sequences as they are)")
      .option("min-item-count", "N", "remove items with fewer interactions (iterated k-core)")
      .option("min-seq-len", "N", "remove users with fewer interactions")
      .option("max-len", "N", "keep each user's last N interactions (0 = all)")
      .flag("no-filter", "no k-core filtering or truncation, even for raw logs")
      .flag("no-dedupe", "keep repeated (user, item, timestamp) events");
}

namespace {
data::SplitRatios parseRatios(const std::string& text) {
  const auto parts = data::splitOn(text, ":");
  data::SplitRatios r;
  if (parts.size() == 3) {
    const auto a = data::parseNumber(parts[0]);
    const auto b = data::parseNumber(parts[1]);
    const auto c = data::parseNumber(parts[2]);
    if (a && b && c && *a >= 0 && *b >= 0 && *c >= 0 && *a + *b + *c > 0) {
      r.train = *a;
      r.validation = *b;
      r.test = *c;
      return r;
    }
  }
  throw UsageError("--ratios expects three non-negative shares like 8:1:1, got '" + text + "'");
}
}  // namespace

data::DatasetSpec datasetSpecFromArgs(const ParsedArgs& args, const std::string& path) {
  data::DatasetSpec spec;
  spec.path = path;
  try {
    spec.format = data::parseDataFormat(args.get("format"));
    if (args.has("split")) spec.split = data::parseSplitKind(args.get("split"));
  } catch (const std::invalid_argument& e) {
    throw UsageError(e.what());
  }
  spec.seed = args.getUnsigned("split-seed");
  spec.ratios = parseRatios(args.get("ratios"));
  spec.itemsPath = args.get("items");
  spec.loadItems = !args.flag("no-items");
  if (args.flag("no-items") && args.has("items")) {
    throw UsageError("--items and --no-items contradict each other");
  }
  spec.read.strict = args.flag("strict");
  spec.preprocess.dedupe = !args.flag("no-dedupe");

  const bool thresholdsGiven = args.has("min-item-count") || args.has("min-seq-len") || args.has("max-len");
  if (args.flag("no-filter")) {
    if (thresholdsGiven) {
      throw UsageError("--no-filter contradicts --min-item-count / --min-seq-len / --max-len");
    }
    spec.filter = data::FilterMode::None;
  } else if (thresholdsGiven) {
    spec.filter = data::FilterMode::Apply;
    // Thresholds not given keep the defaults of the kind of source.
    const data::ResolvedSource source = data::resolveSource(path, spec.format);
    const bool isLog = source.format == data::DataFormat::Interactions;
    const data::PreprocessOptions defaults = isLog ? data::PreprocessOptions{} : data::PreprocessOptions::none();
    const int limit = 1'000'000'000;
    spec.preprocess.minItemCount =
        args.has("min-item-count") ? static_cast<int>(args.getInt("min-item-count", 0, limit)) : defaults.minItemCount;
    spec.preprocess.minSequenceLength =
        args.has("min-seq-len") ? static_cast<int>(args.getInt("min-seq-len", 0, limit)) : defaults.minSequenceLength;
    spec.preprocess.maxLength = args.has("max-len") ? static_cast<int>(args.getInt("max-len", 0, limit)) : 0;
  }
  return spec;
}

}  // namespace recdiff::cli
