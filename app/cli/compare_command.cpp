// recdiff compare DATASET --models A,B:key=value,... --seeds 1,2,3: trains
// and evaluates each model (or model variant) on one dataset over several
// seeds and prints a paper-style table of test metrics, mean ± std in
// percent, as text, CSV (--csv FILE) and JSON (--json). Model selection uses
// the validation split only; the test split is evaluated once per run.
// With --work-dir DIR every finished run is kept as DIR/RUN.json and the
// run in progress as DIR/RUN.resume, so a comparison stopped by Ctrl+C or a
// crash goes on, when the same command is given again, where it stopped.
#include <cctype>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>

#include "app/cli/command.h"
#include "app/cli/dataset_options.h"
#include "app/cli/interrupt_guard.h"
#include "app/cli/model_options.h"
#include "app/cli/progress_line.h"
#include "core/data/atomic_file.h"
#include "core/data/data_error.h"
#include "core/eval/evaluator.h"
#include "core/models/model_registry.h"
#include "core/train/trainer.h"
#include "core/train/training_state.h"

namespace recdiff::cli {
namespace {

std::vector<std::string> splitOn(const std::string& text, char separator) {
  std::vector<std::string> parts;
  std::stringstream in(text);
  std::string part;
  while (std::getline(in, part, separator)) {
    if (!part.empty()) parts.push_back(part);
  }
  return parts;
}

// One row of the table: "adigrec:guidance=g1:ai2m=false" is ADIGRec with
// two overrides on top of the shared --set ones.
struct Variant {
  std::string label;
  const models::ModelInfo* info = nullptr;
  models::Config config;
};

std::vector<Variant> variantsFromArgs(const ParsedArgs& args) {
  std::vector<std::string> shared;
  if (args.has("set")) {
    std::string text = args.get("set");
    for (char& c : text) {
      if (c == ';' || c == ' ') c = ',';
    }
    shared = splitOn(text, ',');
  }
  std::vector<bool> sharedUsed(shared.size(), false);
  std::vector<Variant> variants;
  std::string previous;
  for (const std::string& entry : splitOn(args.get("models"), ',')) {
    auto parts = splitOn(entry, ':');
    if (parts.at(0).find('=') != std::string::npos) {
      // "sasrec:lr=0.01,dropout=0.1" splits at the comma into a setting.
      const std::string guess = previous.empty() ? "" : " (did you mean '" + previous + ":" + entry + "'?)";
      throw UsageError("--models '" + entry + "' is a setting, not a model: a variant joins its settings with ':'" +
                       guess + "; --set gives one to every model");
    }
    previous = entry;
    Variant v;
    v.label = entry;
    v.info = &models::modelInfo(parts.at(0));
    v.config = v.info->defaults();
    try {
      // Shared overrides apply to every model that declares the key.
      for (std::size_t i = 0; i < shared.size(); ++i) {
        if (v.info->find(shared[i].substr(0, shared[i].find('=')))) {
          models::applyOverride(*v.info, v.config, shared[i]);
          sharedUsed[i] = true;
        }
      }
      for (std::size_t i = 1; i < parts.size(); ++i) models::applyOverride(*v.info, v.config, parts[i]);
      models::validateConfig(*v.info, v.config);  // every variant, before the first one trains
    } catch (const models::ConfigError& e) {
      throw UsageError("--models '" + entry + "': " + e.what());
    }
    variants.push_back(std::move(v));
  }
  if (variants.empty()) throw UsageError("--models lists no model");
  for (std::size_t i = 0; i < shared.size(); ++i) {
    if (!sharedUsed[i]) throw UsageError("--set '" + shared[i] + "': no listed model has that parameter");
  }
  return variants;
}

std::vector<std::uint64_t> seedsFromArgs(const ParsedArgs& args) {
  std::vector<std::uint64_t> seeds;
  for (const std::string& s : splitOn(args.get("seeds"), ',')) {
    try {
      std::size_t used = 0;
      seeds.push_back(std::stoull(s, &used));
      if (used != s.size()) throw std::invalid_argument(s);
    } catch (const std::exception&) {
      throw UsageError("--seeds expects whole numbers separated by commas, got '" + s + "'");
    }
  }
  if (seeds.empty()) throw UsageError("--seeds lists no seed");
  return seeds;
}

struct Row {
  std::string label;
  std::vector<eval::RankingMetrics> runs;  // one per seed
  std::vector<double> seconds;
  std::vector<std::int64_t> bestEpochs;
};

struct Cell {
  std::string name;              // "HR@20"
  double mean = 0.0, std = 0.0;  // percent; sample std over the seeds
};

// HR@K and NDCG@K of each cut-off, mean ± std over the row's seeds.
std::vector<Cell> cells(const Row& row, const std::vector<int>& cutoffs) {
  const auto spread = eval::spreadOf(row.runs);
  std::vector<Cell> out;
  for (int k : cutoffs) {
    out.push_back({"HR@" + std::to_string(k), 100.0 * spread.mean.hitRate.at(k), 100.0 * spread.std.hitRate.at(k)});
    out.push_back({"NDCG@" + std::to_string(k), 100.0 * spread.mean.ndcg.at(k), 100.0 * spread.std.ndcg.at(k)});
  }
  return out;
}

std::string fixed(double v, int decimals) {
  std::ostringstream s;
  s.setf(std::ios::fixed);
  s.precision(decimals);
  s << v;
  return s.str();
}

void printTable(std::ostream& out, const std::vector<Row>& rows, const std::vector<int>& cutoffs) {
  std::size_t labelWidth = 5;
  for (const auto& r : rows) labelWidth = std::max(labelWidth, r.label.size());
  out << std::string(labelWidth, ' ');
  for (const Cell& c : cells(rows.front(), cutoffs)) {
    out << "  " << std::string(13 - std::min<std::size_t>(13, c.name.size()), ' ') << c.name;
  }
  out << '\n';
  for (const auto& r : rows) {
    out << r.label << std::string(labelWidth - r.label.size(), ' ');
    for (const Cell& c : cells(r, cutoffs)) {
      const std::string cell = fixed(c.mean, 2) + " ± " + fixed(c.std, 2);
      out << "  " << std::string(13 - std::min<std::size_t>(13, cell.size() - 1), ' ') << cell;  // "±" is 2 bytes
    }
    out << '\n';
  }
  out << "(test split, %, mean ± sample std over " << rows.front().runs.size() << " seed(s); full ranking)\n";
}

std::string csvText(const std::vector<Row>& rows, const std::vector<int>& cutoffs) {
  std::ostringstream out;
  out << "model,seeds";
  for (const Cell& c : cells(rows.front(), cutoffs)) out << ',' << c.name << "_mean," << c.name << "_std";
  out << '\n';
  for (const auto& r : rows) {
    out << '"' << r.label << "\"," << r.runs.size();
    for (const Cell& c : cells(r, cutoffs)) {
      out << ',' << fixed(c.mean, 4) << ',' << fixed(c.std, 4);
    }
    out << '\n';
  }
  return out.str();
}

// A run's file name in --work-dir: its label and seed, with every character
// a file name could trip on replaced ("adigrec:guidance=g1" seed 2 ->
// "adigrec_guidance=g1-seed2").
std::string runFileStem(const std::string& label, std::uint64_t seed) {
  std::string stem;
  for (char c : label) {
    const bool plain = std::isalnum(static_cast<unsigned char>(c)) || c == '=' || c == '.' || c == '-';
    stem += plain ? c : '_';
  }
  return stem + "-seed" + std::to_string(seed);
}

// A finished run kept in --work-dir, when it is the run this command asks
// for: the same model, config, dataset and options. A different one is an
// error (it would mix two experiments in one table).
std::optional<nlohmann::ordered_json> keptRun(const std::string& path, const nlohmann::ordered_json& expected) {
  if (!std::filesystem::exists(path)) return std::nullopt;
  nlohmann::ordered_json kept;
  try {
    std::ifstream in(path);
    kept = nlohmann::ordered_json::parse(in);
  } catch (const nlohmann::json::exception& e) {
    throw data::DataError(
        path, 0, "not a readable run record (" + std::string(e.what()) + "); remove it to run that seed again");
  }
  // Compared as plain JSON: the same fields, whatever their order.
  if (auto difference =
          train::firstDifference(nlohmann::json::parse(kept.dump()), nlohmann::json::parse(expected.dump()))) {
    throw data::DataError(
        path, 0, "a finished run with other settings (" + *difference + "); give another --work-dir or remove it");
  }
  return kept;
}

int run(const ParsedArgs& args, CommandContext& ctx) {
  applyRuntimeOptions(args);
  const auto variants = variantsFromArgs(args);
  const auto seeds = seedsFromArgs(args);
  const std::string selectionRule = selectionRuleFromArgs(args);
  const data::SequenceDataset dataset = data::loadDataset(datasetSpecFromArgs(args, args.get("DATASET")));
  const torch::Device device = train::parseDevice(args.get("device"));
  const std::vector<int> cutoffs = eval::defaultCutoffs();
  const bool quiet = args.flag("quiet");

  std::vector<Row> rows;
  if (args.flag("popularity")) {
    Row pop;
    pop.label = "popularity";
    for (std::size_t i = 0; i < seeds.size(); ++i) {
      pop.runs.push_back(eval::evaluatePopularity(dataset, dataset.test, cutoffs).metrics);
      pop.seconds.push_back(0.0);
      pop.bestEpochs.push_back(0);
    }
    rows.push_back(pop);
  }
  const std::string workDir = args.has("work-dir") ? args.get("work-dir") : std::string();
  if (!workDir.empty()) std::filesystem::create_directories(workDir);
  const std::string fingerprint = dataset.fingerprint();  // hashes every sample: once, not once a run
  const std::size_t totalRuns = variants.size() * seeds.size();
  std::size_t runsDone = 0;
  InterruptGuard guard;
  nlohmann::ordered_json runs = nlohmann::json::array();
  for (const Variant& v : variants) {
    Row row;
    row.label = v.label;
    for (std::uint64_t seed : seeds) {
      const std::string stem = workDir.empty() ? std::string() : workDir + "/" + runFileStem(v.label, seed);
      auto model = models::createModel(v.info->name, v.config,
                                       {dataset.numItems, v.config.at("max_length").get<std::int64_t>()}, seed);
      train::TrainOptions options;
      options.device = args.get("device");
      options.threads = static_cast<int>(args.getInt("threads", 0, 4096));
      options.seed = seed;
      options.epochs = args.has("epochs") ? args.getInt("epochs", 0, 100000) : -1;
      options.validationSamples = args.getInt("validation-samples", 0, 100000000);
      options.selectionMetric = selectionRule;
      options.validationReverse = reverseOptionsFromArgs(args);
      const std::string what = v.label + " seed " + std::to_string(seed);
      // What identifies the run: a kept record must match all of it.
      nlohmann::ordered_json identity;
      identity["label"] = v.label;
      identity["model"] = v.info->name;
      identity["seed"] = seed;
      identity["config"] = model->config();
      identity["dataset_fingerprint"] = fingerprint;
      identity["options"] = train::resumableOptions(options);
      if (!stem.empty()) {
        if (auto kept = keptRun(stem + ".json", identity)) {
          row.runs.push_back(train::rankingMetricsFromJson(kept->at("test")));
          row.seconds.push_back(kept->at("train_seconds").get<double>());
          row.bestEpochs.push_back(kept->at("best_epoch").get<std::int64_t>());
          runs.push_back(*kept);
          ++runsDone;
          ctx.err << what << ": finished earlier, kept from " << stem << ".json\n";
          continue;
        }
        options.statePath = stem + ".resume";
        options.resume = std::filesystem::exists(options.statePath);
        if (options.resume) ctx.err << what << ": continuing the interrupted run in " << options.statePath << "\n";
      }
      ProgressLine progress(ctx.err);
      train::TrainControl control;
      train::TrainCallbacks callbacks;
      callbacks.onBatch = [&](const train::BatchReport& r) {
        if (InterruptGuard::requested()) control.requestCancel();
        if (!quiet)
          progress.update(what + " " + r.stageName + " epoch " + std::to_string(r.epoch), static_cast<long>(r.batch),
                          static_cast<long>(r.batches), r.losses, r.etaSeconds);
      };
      callbacks.onEpoch = [&](const train::EpochReport& r) {
        progress.finish();
        if (!quiet && r.validation) {
          ctx.err << what << " " << r.stageName << " epoch " << r.epoch << ": val NDCG@20 "
                  << 100 * r.validation->ndcg.at(20) << "%" << (r.improved ? " *" : "") << "\n";
        }
      };
      const auto result = train::trainModel(*model, dataset, options, callbacks, &control);
      progress.finish();
      if (result.cancelled) {
        ctx.err << "interrupted: " << runsDone << " of " << totalRuns << " runs finished"
                << (workDir.empty() ? std::string("; with --work-dir DIR a comparison can be continued")
                                    : "; the same command continues from " + workDir)
                << "\n";
        return 130;
      }
      eval::EvaluationOptions eo;
      eo.reverse = options.validationReverse;
      eo.reverse.seed = seed;
      const auto test = eval::evaluate(*model, dataset.test, eo, device);
      ctx.err << what << ": test HR@20 " << 100 * test.metrics.hitRate.at(20) << "% NDCG@20 "
              << 100 * test.metrics.ndcg.at(20) << "% (best epoch " << result.bestEpoch << ", "
              << formatSeconds(result.seconds) << ")\n";
      row.runs.push_back(test.metrics);
      row.seconds.push_back(result.seconds);
      row.bestEpochs.push_back(result.bestEpoch);
      nlohmann::ordered_json r = identity;
      r["selection"] = selectionRule;
      r["best_epoch"] = result.bestEpoch;
      r["epochs_run"] = result.history.size();
      // The number model selection saw: variants are chosen on it, never on "test".
      if (result.bestValidation) r["best_validation"] = metricsToJson(*result.bestValidation);
      r["train_seconds"] = result.seconds;
      // Every epoch's losses and validation: what another selection rule would have kept is readable here.
      r["history"] = nlohmann::json::array();
      for (const auto& h : result.history) r["history"].push_back(nlohmann::ordered_json(train::toJson(h)));
      r["test"] = metricsToJson(test.metrics);
      r["test_by_history_length"] = historyLengthGroupsToJson(eval::metricsByHistoryLength(dataset.test, test.ranks));
      r["test_by_target"] =
          coldTargetBreakdownToJson(eval::metricsByTargetSeenInTraining(dataset.train, dataset.test, test.ranks));
      if (!stem.empty()) {
        data::writeFileAtomically(stem + ".json", [&](std::ostream& out) { out << r.dump(2) << '\n'; });
      }
      runs.push_back(r);
      ++runsDone;
    }
    rows.push_back(std::move(row));
  }

  if (args.has("csv")) {
    const std::string csv = csvText(rows, cutoffs);
    data::writeFileAtomically(args.get("csv"), [&](std::ostream& out) { out << csv; });
  }
  if (ctx.json) {
    nlohmann::ordered_json j;
    j["dataset"] = dataset.name;
    j["seeds"] = seeds;
    j["runs"] = runs;
    nlohmann::ordered_json table = nlohmann::json::array();
    for (const auto& r : rows) {
      nlohmann::ordered_json t;
      t["label"] = r.label;
      for (const Cell& c : cells(r, cutoffs)) {
        t[c.name] = {{"mean", c.mean}, {"std", c.std}};
      }
      table.push_back(t);
    }
    j["table"] = table;
    ctx.out << j.dump(2) << '\n';
  } else {
    ctx.out << dataset.name << ":\n";
    printTable(ctx.out, rows, cutoffs);
  }
  return 0;
}

const bool registered = registerCommand(
    {"compare", "train and evaluate several models over several seeds; paper-style table",
     "A model entry is NAME or NAME:key=value:key=value (an ablation variant).\n"
     "--set applies to every listed model that declares the key.\n"
     "Ctrl+C stops after the current batch; with --work-dir, the same command then continues\n"
     "where it stopped (finished runs are kept, the interrupted one resumes bit for bit).\n\n"
     "Examples:\n"
     "  recdiff compare ../shared/datasets/zhihu-dreamrec --models adigrec,dimerec,sasrec,comirec \\\n"
     "      --seeds 1,2,3 --set max_length=10 --csv zhihu.csv\n"
     "  recdiff compare ../shared/datasets/zhihu-dreamrec --models adigrec:guidance=g2,adigrec:guidance=g1\n",
     [](ArgParser& p) {
       p.positional("DATASET", "dataset file or folder");
       p.section("Comparison")
           .option("models", "LIST", "models or variants, comma-separated", "adigrec,sasrec,comirec")
           .option("seeds", "LIST", "seeds, comma-separated", "1,2,3")
           .option("set", "KEY=VALUE,...", "overrides for every model that has the key")
           .option("epochs", "N", "maximum epochs (default: each model's)")
           .option("validation-samples", "N", "validate on a random subset drawn with each run's seed (0 = all)", "0")
           .option("csv", "FILE", "also write the table as CSV")
           .option("work-dir", "DIR", "keep each finished run (and the one in progress) here; rerun to continue")
           .flag("popularity", "add the popularity ranking as a row")
           .flag("quiet", "no progress bar");
       declareSelectionOption(p);
       p.section("Runtime")
           .option("device", "cpu|cuda", "where to compute", "cpu")
           .option("threads", "N", "intra-op threads (0 = all cores)", "0");
       declareReverseOptions(p);
       declareDatasetOptions(p);
     },
     run});

}  // namespace
}  // namespace recdiff::cli
