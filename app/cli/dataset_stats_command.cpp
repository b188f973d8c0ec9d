// recdiff dataset stats PATH: the counts the papers print, for any dataset
// the loader reads, with the load report (rejected lines, preprocessing).
#include <iostream>

#include "app/cli/command.h"
#include "app/cli/dataset_options.h"
#include "app/cli/dataset_report.h"
#include "core/data/metadata_reader.h"
#include "core/data/text_fields.h"

namespace recdiff::cli {
namespace {

// `dataset stats` on an item metadata file: what it describes.
int itemsStats(const std::string& path, const ParsedArgs& args, CommandContext& ctx) {
  data::ReadReport read;
  data::ReadOptions options;
  options.strict = args.flag("strict");
  const data::ItemTable table = data::readItemMetadata(path, &read, options);
  std::size_t withoutCategories = 0;
  for (const auto& r : table.records) withoutCategories += r.categories.empty() ? 1 : 0;
  if (ctx.json) {
    nlohmann::ordered_json j;
    j["path"] = path;
    j["format"] = "items";
    j["items"] = table.records.size();
    j["categories"] = table.categoryNames;
    j["itemsWithoutCategories"] = withoutCategories;
    j["hasTitles"] = table.hasTitles;
    j["read"] = readReportToJson(read);
    ctx.out << j.dump(2) << '\n';
    return 0;
  }
  ctx.out << "item metadata: " << path << "\n"
          << "items       " << data::withThousands(static_cast<long long>(table.records.size())) << '\n'
          << "categories  " << table.categoryNames.size() << '\n'
          << "no category " << withoutCategories << '\n'
          << "titles      " << (table.hasTitles ? "yes" : "no") << "\n\ndetails:\n";
  for (const std::string& line : read.summaryLines()) ctx.out << "  " << line << '\n';
  return 0;
}

int run(const ParsedArgs& args, CommandContext& ctx) {
  const std::string path = args.get("PATH");
  const data::DatasetSpec spec = datasetSpecFromArgs(args, path);
  if (data::resolveSource(path, spec.format).format == data::DataFormat::Items) {
    return itemsStats(data::resolveSource(path, spec.format).dataPath, args, ctx);
  }
  data::LoadReport report;
  const data::SequenceDataset dataset = data::loadDataset(spec, &report);
  const data::DatasetStats stats = data::computeStats(dataset);
  const bool showBefore = report.before.has_value() && (args.flag("raw") || report.filtered ||
                                                        report.source.format == data::DataFormat::Interactions);
  const bool histograms = args.flag("histograms");
  if (ctx.json) {
    nlohmann::ordered_json j;
    j["dataset"] = dataset.name;
    j["split"] = data::toString(dataset.split);
    j["fingerprint"] = dataset.fingerprint();
    j["stats"] = statsToJson(stats, histograms);
    if (showBefore) j["before"] = statsToJson(*report.before, histograms);
    j["report"] = loadReportToJson(report);
    ctx.out << j.dump(2) << '\n';
    return 0;
  }
  ctx.out << "dataset      " << dataset.name << '\n'
          << "source       " << report.source.dataPath << " (" << data::toString(report.source.format);
  if (!report.reads.empty() && !report.reads.front().layout.empty()) {
    ctx.out << ": " << report.reads.front().layout;
  }
  ctx.out << ")\n"
          << "split        " << data::toString(dataset.split) << '\n'
          << "fingerprint  " << dataset.fingerprint() << "\n\n";
  printStatsTable(ctx.out, stats, showBefore ? &*report.before : nullptr);
  if (histograms) {
    ctx.out << '\n';
    printHistograms(ctx.out, stats);
  }
  ctx.out << "\ndetails:\n";
  printLoadReport(ctx.out, report);
  return 0;
}

const bool registered =
    registerCommand({"dataset stats", "print a dataset's counts (users, items, interactions, length, sparsity)",
                     "Reads anything the loader reads: a published split folder (train/val/test.tsv),\n"
                     "sequences.txt, an interaction log (.inter, u.data, ratings.dat, CSV/TSV with a\n"
                     "header) or a folder holding one; an item metadata file prints what it describes.\n"
                     "Rejected input lines are counted by reason, with examples, under 'details'.\n\n"
                     "Examples:\n"
                     "  recdiff dataset stats ../shared/datasets/ml-100k-adrec\n"
                     "  recdiff dataset stats ../shared/datasets/ml-100k-raw --min-item-count 10 --json\n",
                     [](ArgParser& p) {
                       p.positional("PATH", "dataset file or folder");
                       p.flag("raw", "also print the counts as read, before any filtering");
                       p.flag("histograms", "print length and popularity distributions (in JSON: all of them)");
                       declareDatasetOptions(p);
                     },
                     run});

}  // namespace
}  // namespace recdiff::cli
