// The "reverse process" section of `recdiff analyze`: its options, and
// eval::ReverseContribution as text and as JSON.
#pragma once

#include <nlohmann/json.hpp>
#include <ostream>

#include "app/cli/arg_parser.h"
#include "core/eval/reverse_contribution.h"

namespace recdiff::cli {

// --noise-seeds, --reverse-users, --probe-users, --probe-step, --no-reverse.
void declareReverseContributionOptions(ArgParser& parser);
eval::ReverseContributionOptions reverseContributionOptionsFromArgs(const ParsedArgs& args);

nlohmann::ordered_json reverseContributionToJson(const eval::ReverseContribution& r);
// A few lines; the per-step sensitivity at up to a dozen evenly spaced t
// (the JSON has every step).
void printReverseContribution(std::ostream& out, const eval::ReverseContribution& r);

}  // namespace recdiff::cli
