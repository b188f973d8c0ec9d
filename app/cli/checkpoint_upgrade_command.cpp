// recdiff checkpoint upgrade OLD [NEW]: rewrites a checkpoint of format 1 (a
// LibTorch archive, which may carry code) as format 2 (tensors and a JSON
// header, nothing executable; core/train/tensor_file.h). Old checkpoints also
// open without this, converted in memory on every load; upgrading once
// spares that and lets other tools (Python's safetensors) read the file.
#include <filesystem>

#include "app/cli/command.h"
#include "core/train/checkpoint.h"

namespace recdiff::cli {
namespace {

int run(const ParsedArgs& args, CommandContext& ctx) {
  const std::string from = args.get("OLD");
  const std::string to = args.has("NEW") ? args.get("NEW") : from;
  if (to != from && std::filesystem::exists(to) && !args.flag("force")) {
    throw std::runtime_error(to + ": already exists (add --force to replace it)");
  }
  const train::CheckpointMeta meta = train::upgradeCheckpoint(from, to);
  if (ctx.json) {
    ctx.out << nlohmann::json{{"from", from},
                              {"to", to},
                              {"model", meta.modelName},
                              {"format_version", train::kCheckpointFormatVersion}}
                   .dump(2)
            << '\n';
  } else {
    ctx.out << "wrote " << to << " (" << meta.modelName << ", format " << train::kCheckpointFormatVersion << ")\n";
  }
  return 0;
}

const bool registered =
    registerCommand({"checkpoint upgrade",
                     "rewrite an old (format 1) checkpoint in the data-only format; refuses one that carries code",
                     "Format 1 checkpoints were LibTorch archives, whose code entries LibTorch runs\n"
                     "when it opens them. This command opens one only when that code is nothing\n"
                     "but the declarations RecDiff Studio wrote, and refuses any other (it was\n"
                     "altered). Without NEW the file is replaced in place, atomically.\n\n"
                     "Example:\n  recdiff checkpoint upgrade checkpoints/old-adigrec.ckpt\n",
                     [](ArgParser& p) {
                       p.positional("OLD", "a format 1 checkpoint");
                       p.positional("NEW", "where to write the upgraded checkpoint (default: over OLD)", false);
                       p.flag("force", "replace NEW when it exists");
                     },
                     run});

}  // namespace
}  // namespace recdiff::cli
