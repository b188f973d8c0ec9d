// recdiff dataset convert INPUT OUTDIR: any supported input, preprocessed,
// written in the shared formats: sequences.txt (+ items.tsv when the input
// has categories); a published split is written as train/val/test.tsv.
#include <filesystem>

#include "app/cli/command.h"
#include "app/cli/dataset_options.h"
#include "app/cli/dataset_report.h"
#include "app/cli/output_folder.h"
#include "core/data/dataset_writer.h"

namespace recdiff::cli {
namespace {

int run(const ParsedArgs& args, CommandContext& ctx) {
  namespace fs = std::filesystem;
  const std::string input = args.get("INPUT");
  const std::string folder = args.get("OUTDIR");
  data::DatasetSpec spec = datasetSpecFromArgs(args, input);
  if (spec.split && *spec.split == data::SplitKind::UserRatio) {
    throw UsageError("convert writes whole sequences; --split ratio does not apply");
  }
  data::LoadReport report;
  const data::SequenceDataset dataset = data::loadDataset(spec, &report);
  const bool published = dataset.split == data::SplitKind::Published;
  const bool withItems = !dataset.metadata.categories.empty();
  std::vector<std::string> files = published ? std::vector<std::string>{"train.tsv", "val.tsv", "test.tsv"}
                                             : std::vector<std::string>{"sequences.txt"};
  if (withItems) files.push_back("items.tsv");
  OutputFolder output(folder, files, args.flag("force"));
  if (published) {
    data::writePublishedSplit(output.stagingFolder(), dataset);
  } else {
    data::writeSequences(output.stagedPath("sequences.txt"), dataset);
  }
  if (withItems) data::writeItems(output.stagedPath("items.tsv"), dataset);
  output.commit();

  std::vector<std::string> notes;
  if (!dataset.metadata.titles.empty()) {
    notes.push_back("item titles are not part of items.tsv and were not written");
  }
  const data::DatasetStats stats = data::computeStats(dataset);
  if (ctx.json) {
    nlohmann::ordered_json j;
    j["input"] = input;
    j["folder"] = folder;
    j["files"] = nlohmann::ordered_json::array();
    for (const auto& f : files) j["files"].push_back((fs::path(folder) / f).string());
    j["fingerprint"] = dataset.fingerprint();
    j["stats"] = statsToJson(stats, false);
    if (report.before) j["before"] = statsToJson(*report.before, false);
    j["report"] = loadReportToJson(report);
    j["notes"] = notes;
    ctx.out << j.dump(2) << '\n';
    return 0;
  }
  ctx.out << "wrote";
  for (std::size_t i = 0; i < files.size(); ++i) {
    ctx.out << (i == 0 ? " " : "\n      ") << (fs::path(folder) / files[i]).string();
  }
  ctx.out << "\n\n";
  printStatsTable(ctx.out, stats, report.before ? &*report.before : nullptr);
  ctx.out << "\ndetails:\n";
  printLoadReport(ctx.out, report);
  for (const std::string& n : notes) ctx.out << "  note: " << n << '\n';
  return 0;
}

const bool registered =
    registerCommand({"dataset convert", "convert any supported input to sequences.txt (+ items.tsv)",
                     "Raw logs get the papers' preprocessing unless told otherwise (dedupe, 5-core\n"
                     "items, users with at least 3 items, chronological order); see the\n"
                     "Preprocessing options. Users are written in order of first appearance, items\n"
                     "as the input spells them.\n\n"
                     "Example:\n  recdiff dataset convert ml-1m/ratings.dat /tmp/ml-1m --max-len 200\n",
                     [](ArgParser& p) {
                       p.positional("INPUT", "dataset file or folder");
                       p.positional("OUTDIR", "folder to write into (created when missing)");
                       p.flag("force", "replace files already in OUTDIR");
                       declareDatasetOptions(p);
                     },
                     run});

}  // namespace
}  // namespace recdiff::cli
