// recdiff analyze CHECKPOINT --data PATH: collapse diagnostics of a trained
// model — its item table's embedding-collapse metrics (ADRec Table 5), a
// linear probe of item categories (Table 6), and for multi-interest models
// the interest routing across users and its match to item categories (on
// the synthetic dataset: to the planted interests); for diffusion models,
// what the reverse process contributes (reverse_contribution_report.h).
#include <cmath>
#include <cstdio>
#include <optional>

#include "app/cli/command.h"
#include "app/cli/dataset_options.h"
#include "app/cli/model_options.h"
#include "app/cli/reverse_contribution_report.h"
#include "core/eval/model_diagnostics.h"
#include "core/train/checkpoint.h"

namespace recdiff::cli {
namespace {

nlohmann::ordered_json toJson(const eval::ModelDiagnostics& d) {
  nlohmann::ordered_json j;
  const auto& e = d.embedding;
  j["embedding"] = {
      {"rows", e.rows},
      {"dimensions", e.dimensions},
      {"top_singular_values", e.topSingularValues},
      {"singular_value_variance", e.singularValueVariance},
      {"singular_value_entropy", e.singularValueEntropy},
      {"covariance_entropy", e.covarianceEntropy},
      {"effective_rank", e.effectiveRank},
      {"isotropy", e.isotropy},
      {"kl_to_gaussian", std::isfinite(e.klToGaussian) ? nlohmann::json(e.klToGaussian) : nlohmann::json()},
      {"collapsed", e.collapsed},
      {"gaussian_like", e.gaussianLike},
      {"verdict", e.verdict}};
  if (d.probe) {
    j["linear_probe"] = {{"classes", d.probe->classes},
                         {"test_accuracy", d.probe->test.accuracy},
                         {"test_macro_f1", d.probe->test.macroF1},
                         {"majority_accuracy", d.probe->majority.accuracy}};
  }
  if (d.interests) {
    const auto& i = *d.interests;
    j["interests"] = {{"users", i.users},
                      {"k", i.interests},
                      {"users_with_one_position", i.usersWithOnePosition},
                      {"routing_collapse",
                       {{"definition", "paper 000 §4.4.2: a single interest expressed by a single item"},
                        {"threshold", i.collapseThreshold},
                        {"collapsed_head_share", i.collapsedHeadShare},
                        {"collapsed_share_by_head", i.collapsedShareByHead},
                        {"mean_head_peak", i.meanHeadPeak},
                        {"head_peak_histogram", i.headPeakHistogram},
                        {"mean_effective_items_per_head", i.meanEffectiveItems},
                        {"mean_effective_item_share", i.meanEffectiveItemShare},
                        {"mean_peak_relative_position_by_head", i.meanPeakRelativePositionByHead},
                        {"peak_at_last_position_share_by_head", i.peakAtLastPositionShareByHead}}},
                      {"head_redundancy", i.meanHeadRedundancy},
                      {"mean_l_reg", i.meanLReg},
                      {"mean_l_reg_concentration", i.meanLRegConcentration},
                      {"mean_l_reg_redundancy", i.meanLRegRedundancy},
                      {"mean_offdiag_abs_covariance", i.meanOffDiagonalAbsCovariance},
                      {"distinct_routing_directions", i.meanDistinctRoutingDirections},
                      {"argmax_share", i.argmaxShare}};
  }
  if (d.categoryMatch) {
    j["category_match"] = {{"assignment", d.categoryMatch->assignment},
                           {"matched_accuracy", d.categoryMatch->matchedAccuracy},
                           {"purity", d.categoryMatch->purity},
                           {"nmi", d.categoryMatch->nmi},
                           {"chance_matched_accuracy", d.categoryMatch->chanceMatchedAccuracy},
                           {"chance_nmi", d.categoryMatch->chanceNmi}};
  }
  return j;
}

void printText(std::ostream& out, const eval::ModelDiagnostics& d, const data::SequenceDataset& dataset) {
  char line[512];
  const auto& e = d.embedding;
  out << "item embeddings (" << e.rows << " x " << e.dimensions << "), ADRec Table 5 metrics:\n  top singular values:";
  for (double s : e.topSingularValues) {
    std::snprintf(line, sizeof line, " %.2f", s);
    out << line;
  }
  std::snprintf(line, sizeof line,
                "\n  singular-value variance %.3f, entropy %.3f nats (ln d = %.3f)\n"
                "  covariance entropy %.3f nats (effective rank %.1f), isotropy %.3f, KL to a Gaussian %.3f\n",
                e.singularValueVariance, e.singularValueEntropy, std::log(static_cast<double>(e.dimensions)),
                e.covarianceEntropy, e.effectiveRank, e.isotropy, e.klToGaussian);
  out << line << "  verdict: " << e.verdict << "\n";
  if (d.probe) {
    std::snprintf(line, sizeof line,
                  "linear probe of item categories (%d classes): test accuracy %.3f, macro-F1 %.3f (majority %.3f)\n",
                  d.probe->classes, d.probe->test.accuracy, d.probe->test.macroF1, d.probe->majority.accuracy);
    out << line;
  }
  if (!d.interests) {
    out << "interest routing: the model exposes none\n";
    return;
  }
  const auto& i = *d.interests;
  std::snprintf(
      line, sizeof line,
      "interest routing over %d users, k = %d (%d users with a one-item history left out of the head figures):\n"
      "  routing collapse (paper 000 §4.4.2, a head on a single item: peak weight >= %.2f):\n"
      "    %.1f %% of heads collapsed; mean peak %.3f; %.2f effective items per head (%.0f %% of the history)\n"
      "    collapsed share per head:",
      i.users, i.interests, i.usersWithOnePosition, i.collapseThreshold, 100 * i.collapsedHeadShare, i.meanHeadPeak,
      i.meanEffectiveItems, 100 * i.meanEffectiveItemShare);
  out << line;
  for (double s : i.collapsedShareByHead) {
    std::snprintf(line, sizeof line, " %.3f", s);
    out << line;
  }
  out << "\n    head peaks in tenths of [0, 1]:";
  for (long c : i.headPeakHistogram) out << " " << c;
  out << "\n    share of users whose head peaks on the newest item (recency routing):";
  for (double s : i.peakAtLastPositionShareByHead) {
    std::snprintf(line, sizeof line, " %.3f", s);
    out << line;
  }
  std::snprintf(
      line, sizeof line,
      "\n  head redundancy (mean cosine of two heads' weights, 0 disjoint, 1 identical) %.3f\n"
      "  mean L_reg %.4f: concentration terms %.4f, redundancy terms %.4f; mean |C_rc| off the diagonal %.4f\n"
      "  distinct routing directions %.2f of %d (spectral; k also when every head sits on its own single item)\n"
      "  argmax share per head:",
      i.meanHeadRedundancy, i.meanLReg, i.meanLRegConcentration, i.meanLRegRedundancy, i.meanOffDiagonalAbsCovariance,
      i.meanDistinctRoutingDirections, i.interests);
  out << line;
  for (double s : i.argmaxShare) {
    std::snprintf(line, sizeof line, " %.3f", s);
    out << line;
  }
  out << "\n";
  if (d.categoryMatch) {
    std::snprintf(line, sizeof line,
                  "heads vs item categories: matched accuracy %.3f (chance %.3f), purity %.3f, NMI %.3f (chance %.3f)\n"
                  "  head -> category:",
                  d.categoryMatch->matchedAccuracy, d.categoryMatch->chanceMatchedAccuracy, d.categoryMatch->purity,
                  d.categoryMatch->nmi, d.categoryMatch->chanceNmi);
    out << line;
    const auto& names = dataset.metadata.categoryNames;
    for (std::size_t h = 0; h < d.categoryMatch->assignment.size(); ++h) {
      const int c = d.categoryMatch->assignment[h];
      out << " " << h + 1 << "->"
          << (c >= 0 && static_cast<std::size_t>(c) < names.size() ? names[static_cast<std::size_t>(c)] : "none");
    }
    out << "\n";
  }
}

int run(const ParsedArgs& args, CommandContext& ctx) {
  applyRuntimeOptions(args);
  const bool reverseSection = !args.flag("no-reverse");
  const auto reverseOptions = reverseOptionsFromArgs(args);  // checked before any data is read
  const auto contributionOptions = reverseContributionOptionsFromArgs(args);
  const data::SequenceDataset dataset = data::loadDataset(datasetSpecFromArgs(args, args.get("data")));
  auto loaded = train::loadCheckpoint(args.get("CHECKPOINT"), &dataset);
  eval::DiagnosticsOptions o;
  o.maxUsers = args.getInt("users", 0, 100000000);
  o.collapseThreshold = args.getDouble("collapse-threshold", 1e-6, 1.0);
  const auto d = eval::diagnoseModel(*loaded.model, dataset, dataset.test, args.get("device"), o);
  std::optional<eval::ReverseContribution> contribution;
  if (reverseSection) {
    contribution =
        eval::reverseContribution(*loaded.model, dataset.test, reverseOptions, args.get("device"), contributionOptions);
  }
  if (ctx.json) {
    nlohmann::ordered_json j = toJson(d);
    j["checkpoint"] = args.get("CHECKPOINT");
    j["model"] = loaded.meta.modelName;
    j["dataset"] = dataset.name;
    if (contribution) j["reverse_process"] = reverseContributionToJson(*contribution);
    ctx.out << j.dump(2) << '\n';
  } else {
    ctx.out << loaded.meta.modelName << " on " << dataset.name << "\n";
    printText(ctx.out, d, dataset);
    if (contribution) printReverseContribution(ctx.out, *contribution);
  }
  return 0;
}

const bool registered = registerCommand(
    {"analyze", "collapse diagnostics of a trained model: embeddings, probe, interest routing, reverse process",
     "Example:\n  recdiff analyze adigrec.ckpt --data ../shared/datasets/ml-100k-adrec\n",
     [](ArgParser& p) {
       p.positional("CHECKPOINT", "checkpoint file");
       p.section("Analysis")
           .option("data", "PATH", "the dataset the model was trained on")
           .option("users", "N", "test users whose routing is analysed (0 = all)", "2000")
           .option("collapse-threshold", "P", "a head whose peak routing weight is >= P is collapsed", "0.9");
       declareReverseContributionOptions(p);
       declareRuntimeOptions(p);
       declareDatasetOptions(p);
     },
     run});

}  // namespace
}  // namespace recdiff::cli
