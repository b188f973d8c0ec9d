// recdiff models [NAME]: the registered models and their declared
// hyper-parameters with defaults, the papers' values and the ranges every
// configuration is checked against, plus the rules between parameters.
#include "app/cli/command.h"
#include "core/models/model_registry.h"

namespace recdiff::cli {
namespace {

nlohmann::ordered_json describe(const models::ModelInfo& info) {
  nlohmann::ordered_json j;
  j["name"] = info.name;
  j["display_name"] = info.displayName;
  j["paper"] = info.paper;
  j["diffusion"] = info.diffusion;
  j["params"] = nlohmann::json::array();
  for (const auto& p : info.params) {
    nlohmann::ordered_json pj;
    pj["key"] = p.key;
    pj["default"] = p.defaultValue;
    pj["paper"] = p.paperValue;
    pj["description"] = p.description;
    if (!p.choices.empty()) pj["choices"] = p.choices;
    if (p.defaultValue.is_number()) {
      pj["type"] = p.isInteger() ? "integer" : "real";
      const auto bound = [&](double v) {
        return p.isInteger() ? nlohmann::json(static_cast<long long>(v)) : nlohmann::json(v);
      };
      pj["min"] = bound(p.range.min);
      pj["max"] = bound(p.range.max);
      if (p.range.minExclusive) pj["min_exclusive"] = true;
    }
    j["params"].push_back(pj);
  }
  j["rules"] = nlohmann::json::array();
  for (const auto& r : info.rules) j["rules"].push_back(r.name);
  return j;
}

void printInfo(std::ostream& out, const models::ModelInfo& info) {
  out << info.name << " — " << info.displayName << (info.diffusion ? " (diffusion)" : " (baseline)") << "\n  "
      << info.paper << "\n";
  std::size_t width = 0;
  for (const auto& p : info.params) width = std::max(width, p.key.size());
  for (const auto& p : info.params) {
    std::string value = p.defaultValue.is_string() ? p.defaultValue.get<std::string>() : p.defaultValue.dump();
    out << "    " << p.key << std::string(width - p.key.size() + 2, ' ') << value;
    if (!p.paperValue.empty() && p.paperValue != value) out << "  (paper: " << p.paperValue << ")";
    out << "  — " << p.description;
    if (!p.choices.empty()) {
      out << " [";
      for (std::size_t i = 0; i < p.choices.size(); ++i) out << (i ? "|" : "") << p.choices[i];
      out << "]";
    }
    if (p.defaultValue.is_number()) out << " (range " << p.range.text(p.isInteger()) << ")";
    out << "\n";
  }
  for (const auto& r : info.rules) out << "    rule: " << r.name << "\n";
}

int run(const ParsedArgs& args, CommandContext& ctx) {
  std::vector<models::ModelInfo> selected;
  if (args.has("NAME")) {
    selected.push_back(models::modelInfo(args.get("NAME")));
  } else {
    selected = models::registeredModels();
  }
  if (ctx.json) {
    nlohmann::ordered_json j = nlohmann::ordered_json::array();
    for (const auto& info : selected) j.push_back(describe(info));
    ctx.out << j.dump(2) << '\n';
    return 0;
  }
  for (const auto& info : selected) {
    printInfo(ctx.out, info);
    ctx.out << "\n";
  }
  return 0;
}

const bool registered =
    registerCommand({"models", "list the models and their hyper-parameters", "",
                     [](ArgParser& p) { p.positional("NAME", "show only this model", false); }, run});

}  // namespace
}  // namespace recdiff::cli
