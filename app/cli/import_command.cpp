// recdiff import --from SOURCE FILE.pth --data DATASET --out CKPT: opens a
// model trained with a paper's official PyTorch code (its torch.save'd
// state_dict, read without Python and without running anything from it)
// and writes it as our checkpoint, with the configuration that makes our
// model compute what the official code computed (core/train/official_import.h).
#include <filesystem>

#include "app/cli/command.h"
#include "app/cli/dataset_options.h"
#include "app/cli/model_options.h"
#include "core/data/dataset_loader.h"
#include "core/models/model_registry.h"
#include "core/train/checkpoint.h"
#include "core/train/official_import.h"
#include "core/train/pytorch_state_dict.h"

namespace recdiff::cli {
namespace {

void printNames(std::ostream& out, const std::string& heading, const std::vector<std::string>& names) {
  if (names.empty()) return;
  out << heading << " (" << names.size() << "):";
  for (const auto& name : names) out << " " << name;
  out << "\n";
}

int run(const ParsedArgs& args, CommandContext& ctx) {
  for (const char* required : {"data", "out"}) {
    if (!args.has(required)) throw UsageError(std::string("--") + required + " is required");
  }
  const std::string file = args.get("FILE");
  const std::string out = args.get("out");
  if (std::filesystem::exists(out) && !args.flag("force"))
    throw UsageError("--out " + out + ": the file exists; pass --force to replace it");
  const train::NamedTensors weights = train::readPyTorchStateDict(file);
  const train::OfficialSource* found = nullptr;
  if (args.has("from")) {
    try {
      found = &train::officialSource(args.get("from"));
    } catch (const train::CheckpointError& e) {
      throw UsageError(std::string("--from: ") + e.what());
    }
  } else if (!(found = train::detectOfficialSource(weights))) {
    throw UsageError(file + ": its keys fit none of the known official codes; name one with --from");
  }
  const auto& source = *found;
  const models::ModelInfo& info = models::modelInfo(source.model);
  const models::Config config = modelConfigFromArgs(info, args, train::importConfig(source, weights));
  const auto reference = source.referenceConfig();
  for (const auto& [key, value] : reference.items()) {
    if (config.at(key) != value)
      throw UsageError("--set " + key + "=" + config.at(key).dump() + ": " + source.name + " needs " + key + "=" +
                       value.dump() + " to compute what the official code computes");
  }
  const data::SequenceDataset dataset = data::loadDataset(datasetSpecFromArgs(args, args.get("data")));
  const auto imported = train::buildImportedModel(file, source, weights, config, dataset, args.flag("same-ids"),
                                                  args.getUnsigned("seed"));
  train::saveCheckpoint(out, *imported.model, imported.meta);
  const auto& report = imported.report;

  if (ctx.json) {
    ctx.out << nlohmann::json{{"out", out},
                              {"model", info.name},
                              {"config", config},
                              {"copied", report.copied},
                              {"unused_keys", report.unusedKeys},
                              {"kept_initial", report.keptInitial}}
                   .dump(2)
            << '\n';
    return 0;
  }
  ctx.out << "imported " << report.copied.size() << (report.copied.size() == 1 ? " tensor of " : " tensors of ") << file
          << " (" << source.name << ") into " << info.displayName << " for " << dataset.name << " (" << dataset.numItems
          << " items)\n";
  printNames(ctx.out, "keys of the file not used", report.unusedKeys);
  printNames(ctx.out, "weights of ours the file does not have, left at their initial values", report.keptInitial);
  ctx.out << "configuration:";
  for (const auto& [key, value] : config.items()) {
    if (info.defaults().at(key) != value) ctx.out << " " << key << "=" << value.dump();
  }
  ctx.out << "\nwrote " << out << "\n";
  return 0;
}

std::string sourceList() {
  std::string text;
  for (const auto& s : train::officialSources()) text += "  " + s.name + ": " + s.description + "\n";
  return text;
}

const bool registered = registerCommand(
    {"import", "open a model trained with a paper's official PyTorch code and write it as a checkpoint",
     "FILE is what the official code saved with torch.save (a state_dict). It is read\n"
     "without Python: only tensors, dicts, lists and plain values are accepted, and a\n"
     "file that asks for anything else (as a crafted pickle would, to run code) is\n"
     "refused, naming the class. Every key is mapped by name onto our model of the\n"
     "same architecture and every shape is checked; missing keys and wrong shapes are\n"
     "listed and nothing is written. The model is configured to compute what the\n"
     "official code computes (e.g. ADRec's reference_code=true).\n\n"
     "The shapes tell dim and the block counts; what no weight records (e.g.\n"
     "diffusion_steps) keeps its default unless given by --set, as the model was\n"
     "trained. The dataset must be the one the official code\n"
     "used: its item tokens are the official item ids (1..N; DreamRec's 0..N-1),\n"
     "which order the rows of the item table.\n\nSources:\n" +
         sourceList() +
         "\nExample:\n  recdiff import --from adrec-official model.pth --data ../shared/datasets/ml-100k-adrec "
         "--out adrec-official.ckpt\n",
     [](ArgParser& p) {
       p.positional("FILE", "the official code's torch.save file (.pth)");
       p.option("from", "SOURCE",
                "which official code saved FILE (see Sources below; default: the one whose keys fit)");
       p.option("data", "DATASET", "the dataset the model was trained on");
       p.option("out", "CKPT", "where to write the checkpoint");
       p.option("set", "KEY=VALUE,...", "hyper-parameters the state_dict does not record, e.g. --set dim=64");
       p.option("seed", "N", "seed of the initial values of weights the file does not have", "42");
       p.flag("same-ids", "take the dataset's i-th item to be official item i (DreamRec: i-1), whatever its token");
       p.flag("force", "replace CKPT when it exists");
       declareDatasetOptions(p);
     },
     run});

}  // namespace
}  // namespace recdiff::cli
