// recdiff dataset synth OUTDIR: the built-in synthetic dataset with planted
// multi-interest structure, written as sequences.txt + items.tsv +
// truth.json.

#include "app/cli/command.h"
#include "app/cli/dataset_report.h"
#include "app/cli/output_folder.h"
#include "core/data/dataset_stats.h"
#include "core/data/dataset_writer.h"
#include "core/data/synthetic.h"

namespace recdiff::cli {
namespace {

int run(const ParsedArgs& args, CommandContext& ctx) {
  data::SyntheticConfig config;
  config.users = static_cast<int>(args.getInt("users", 1, 10'000'000));
  config.items = static_cast<int>(args.getInt("items", 2, 10'000'000));
  config.categories = static_cast<int>(args.getInt("categories", 1, config.items));
  config.maxInterestsPerUser = static_cast<int>(args.getInt("max-interests", 1, 1000));
  config.minLength = static_cast<int>(args.getInt("min-length", 1, 100'000));
  config.maxLength = static_cast<int>(args.getInt("max-length", config.minLength, 100'000));
  config.meanLength = args.getDouble("mean-length", config.minLength, config.maxLength);
  config.stayProbability = args.getDouble("stay", 0.0, 1.0);
  config.popularitySkew = args.getDouble("skew", 0.0, 10.0);
  config.embeddingDim = static_cast<int>(args.getInt("dim", 1, 4096));
  config.noiseProbability = args.getDouble("noise", 0.0, 1.0);
  config.seed = args.getUnsigned("seed");

  const std::string folder = args.get("OUTDIR");
  OutputFolder output(folder, {"sequences.txt", "items.tsv", "truth.json"}, args.flag("force"));
  const data::SyntheticData generated = data::generateSynthetic(config);
  data::writeSequences(output.stagedPath("sequences.txt"), generated.sequences);
  data::writeItems(output.stagedPath("items.tsv"), generated.dataset);
  data::writeSyntheticTruth(output.stagedPath("truth.json"), generated.truth, config.toJson());
  output.commit();
  const std::string sequences = output.finalPath("sequences.txt");
  const std::string items = output.finalPath("items.tsv");
  const std::string truth = output.finalPath("truth.json");

  const data::DatasetStats stats = data::computeStats(generated.dataset);
  if (ctx.json) {
    nlohmann::ordered_json j;
    j["folder"] = folder;
    j["files"] = {sequences, items, truth};
    j["config"] = nlohmann::ordered_json::parse(config.toJson());
    j["fingerprint"] = generated.dataset.fingerprint();
    j["stats"] = statsToJson(stats, false);
    ctx.out << j.dump(2) << '\n';
    return 0;
  }
  ctx.out << "wrote " << sequences << "\n      " << items << "\n      " << truth << "\n\n"
          << "synthetic dataset, seed " << config.seed << ": " << config.categories << " categories, 1.."
          << std::min(config.maxInterestsPerUser, config.categories) << " interests per user, stay probability "
          << config.stayProbability << "\n"
          << "fingerprint  " << generated.dataset.fingerprint() << "\n\n";
  printStatsTable(ctx.out, stats, nullptr);
  return 0;
}

const bool registered = registerCommand(
    {"dataset synth", "write the synthetic multi-interest dataset (sequences.txt, items.tsv, truth.json)",
     "Items belong to categories (clusters with known centres); each user has 1..K\n"
     "interests and moves between them by a Markov chain, drawing items near the\n"
     "current interest's centre with a Zipf popularity skew. truth.json keeps the\n"
     "planted structure: item categories and positions, each user's interests and\n"
     "the interest behind every item. Same seed, same bytes.\n\n"
     "Example:\n  recdiff dataset synth /tmp/synth --users 500 --seed 7\n",
     [](ArgParser& p) {
       const data::SyntheticConfig d;
       auto num = [](double v) {
         std::string s = std::to_string(v);
         s.erase(s.find_last_not_of('0') + 1);
         if (!s.empty() && s.back() == '.') s.pop_back();
         return s;
       };
       p.positional("OUTDIR", "folder to write into (created when missing)");
       p.section("Synthetic data")
           .option("users", "N", "number of users", std::to_string(d.users))
           .option("items", "N", "number of items", std::to_string(d.items))
           .option("categories", "N", "item categories (interest clusters)", std::to_string(d.categories))
           .option("max-interests", "K", "each user has 1..K interests", std::to_string(d.maxInterestsPerUser))
           .option("mean-length", "X", "mean sequence length", num(d.meanLength))
           .option("min-length", "N", "shortest sequence", std::to_string(d.minLength))
           .option("max-length", "N", "longest sequence", std::to_string(d.maxLength))
           .option("stay", "P", "probability of keeping the current interest", num(d.stayProbability))
           .option("skew", "S", "Zipf exponent of item popularity", num(d.popularitySkew))
           .option("dim", "N", "dimension of the category centres", std::to_string(d.embeddingDim))
           .option("noise", "P", "probability of an item from anywhere", num(d.noiseProbability))
           .option("seed", "N", "random seed", std::to_string(d.seed))
           .flag("force", "replace files already in OUTDIR");
     },
     run});

}  // namespace
}  // namespace recdiff::cli
