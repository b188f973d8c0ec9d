#include "core/data/dataset_loader.h"

#include <filesystem>
#include <stdexcept>

#include "core/data/data_error.h"
#include "core/data/interaction_reader.h"
#include "core/data/sequence_reader.h"
#include "core/data/split_reader.h"
#include "core/data/text_fields.h"

namespace recdiff::data {

namespace fs = std::filesystem;

std::string datasetNameFromPath(const std::string& path) {
  fs::path p = fs::path(path).lexically_normal();
  if (p.filename().empty()) p = p.parent_path();  // "folder/"
  std::error_code ec;
  if (fs::is_directory(p, ec)) {
    const std::string name = fs::absolute(p, ec).lexically_normal().filename().string();
    return name.empty() || name == "." ? "dataset" : name;
  }
  const std::string file = toLower(p.filename().string());
  for (const char* conventional : {"sequences.txt", "u.data", "ratings.dat", "ratings.csv", "ratings.tsv",
                                   "interactions.csv", "interactions.tsv", "train.tsv", "val.tsv", "test.tsv"}) {
    if (file == conventional) {
      const std::string folder = fs::absolute(p, ec).parent_path().filename().string();
      if (!folder.empty()) return folder;
    }
  }
  return p.stem().string();
}

namespace {

std::string describeOptions(const PreprocessOptions& o) {
  return "min item count " + std::to_string(o.minItemCount) + ", min sequence length " +
         std::to_string(o.minSequenceLength) + (o.maxLength > 0 ? ", max length " + std::to_string(o.maxLength) : "");
}

void requireUsers(const UserSequences& data, const std::string& path, const PreprocessOptions& options) {
  if (data.sequences.empty()) {
    throw DataError(path, 0, "no users left after filtering (" + describeOptions(options) + "); lower the thresholds");
  }
}

SequenceDataset splitSequences(UserSequences data, const DatasetSpec& spec, SplitKind kind, SplitReport& report) {
  if (kind == SplitKind::UserRatio) {
    return splitByUserRatio(std::move(data), spec.seed, spec.ratios, &report);
  }
  return splitLeaveOneOut(std::move(data), &report);
}

void attachItems(SequenceDataset& dataset, const DatasetSpec& spec, LoadReport& report) {
  if (!spec.loadItems) return;
  const bool explicitPath = !spec.itemsPath.empty();
  const std::string path = explicitPath ? spec.itemsPath : report.source.itemsPath;
  if (path.empty()) return;
  ReadReport itemsRead;
  try {
    const ItemTable table = readItemMetadata(path, &itemsRead, spec.read);
    report.metadata = attachMetadata(dataset, table);
    report.itemsPath = path;
    report.itemsRead = itemsRead;
  } catch (const DataError& e) {
    if (explicitPath) throw;
    report.warnings.push_back(std::string("item metadata beside the data was not used: ") + e.what());
  }
}

}  // namespace

SequenceDataset loadDataset(const DatasetSpec& spec, LoadReport* reportOut) {
  LoadReport localReport;
  LoadReport& report = reportOut ? *reportOut : localReport;
  report = LoadReport{};
  report.source = resolveSource(spec.path, spec.format);
  const ResolvedSource& source = report.source;
  report.name = spec.name.empty() ? datasetNameFromPath(spec.path) : spec.name;

  SequenceDataset dataset;
  switch (source.format) {
    case DataFormat::Items:
      throw DataError(spec.path, 0, "is item metadata, not a dataset (give it as the items file of a dataset)");
    case DataFormat::Auto:
      throw DataError(spec.path, 0, "cannot tell the format; pass one explicitly");
    case DataFormat::Split: {
      if (spec.split && *spec.split != SplitKind::Published) {
        throw std::invalid_argument(spec.path + " is a published split; it cannot be re-split " +
                                    "(leave the split as published)");
      }
      if (spec.filter == FilterMode::Apply) {
        throw std::invalid_argument("preprocessing options do not apply to a published split (" + spec.path + ")");
      }
      std::vector<ReadReport> reads;
      PublishedSplit split = readPublishedSplit(source.dataPath, &reads, spec.read);
      report.reads = reads;
      dataset = fromPublishedSplit(std::move(split), &report.split);
      break;
    }
    case DataFormat::Sequences:
    case DataFormat::Interactions: {
      const SplitKind kind = spec.split.value_or(SplitKind::LeaveOneOut);
      if (kind == SplitKind::Published) {
        throw std::invalid_argument(
            "a published split needs a folder with train.tsv, val.tsv and "
            "test.tsv; " +
            spec.path + " holds " + toString(source.format));
      }
      ReadReport read;
      UserSequences data;
      PreprocessReport pre;
      const bool isLog = source.format == DataFormat::Interactions;
      const bool apply = spec.filter == FilterMode::Apply || (spec.filter == FilterMode::Auto && isLog);
      if (isLog) {
        const InteractionLog log = readInteractions(source.dataPath, &read, spec.read);
        report.before = computeStats(log);
        PreprocessOptions options = apply ? spec.preprocess : PreprocessOptions::none();
        options.dedupe = spec.preprocess.dedupe;
        data = preprocess(log, options, &pre);
        report.preprocess = pre;
        report.preprocessOptions = options;
      } else {
        data = readSequences(source.dataPath, &read, spec.read);
        report.before = computeStats(data);
        if (apply) {
          PreprocessOptions options = spec.preprocess;
          options.dedupe = false;
          preprocessSequences(data, options, &pre);
          report.preprocess = pre;
          report.preprocessOptions = options;
        }
      }
      report.filtered = apply;
      report.reads.push_back(read);
      requireUsers(data, source.dataPath, spec.preprocess);
      dataset = splitSequences(std::move(data), spec, kind, report.split);
      break;
    }
  }
  dataset.name = report.name;
  attachItems(dataset, spec, report);
  return dataset;
}

std::vector<std::string> LoadReport::summaryLines() const {
  std::vector<std::string> lines;
  lines.push_back("source: " + source.dataPath + " (" + toString(source.format) + "; " + source.why + ")");
  for (const ReadReport& r : reads) {
    for (const std::string& l : r.summaryLines()) lines.push_back(l);
  }
  if (preprocess) {
    lines.push_back(std::string("preprocessing") + (filtered ? " (" + describeOptions(preprocessOptions) + ")" : "") +
                    ":");
    for (const std::string& l : preprocess->summaryLines()) lines.push_back("  " + l);
  }
  for (const std::string& l : split.summaryLines()) lines.push_back(l);
  if (itemsRead) {
    for (const std::string& l : itemsRead->summaryLines()) lines.push_back(l);
  }
  if (metadata) {
    lines.push_back("item metadata: " + withThousands(static_cast<long long>(metadata->matched)) + " of " +
                    withThousands(static_cast<long long>(metadata->datasetItems)) + " items described; " +
                    withThousands(static_cast<long long>(metadata->unusedRecords)) +
                    " records name items not in the dataset");
  }
  for (const std::string& w : warnings) lines.push_back("warning: " + w);
  return lines;
}

}  // namespace recdiff::data
