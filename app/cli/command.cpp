#include "app/cli/command.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <memory>

namespace recdiff::cli {

namespace {
std::vector<std::unique_ptr<Command>>& table() {
  static std::vector<std::unique_ptr<Command>> commands;
  return commands;
}
}  // namespace

bool registerCommand(Command command) {
  if (findCommand(command.name) != nullptr) {
    std::fprintf(stderr, "recdiff: internal error: command '%s' registered twice\n", command.name.c_str());
    std::abort();
  }
  table().push_back(std::make_unique<Command>(std::move(command)));
  return true;
}

std::vector<const Command*> allCommands() {
  std::vector<const Command*> out;
  for (const auto& c : table()) out.push_back(c.get());
  std::sort(out.begin(), out.end(), [](const Command* a, const Command* b) { return a->name < b->name; });
  return out;
}

const Command* findCommand(const std::string& name) {
  for (const auto& c : table()) {
    if (c->name == name) return c.get();
  }
  return nullptr;
}

std::string programSummary() { return "train, evaluate and inspect diffusion-based sequential recommenders"; }

std::string programDescription() {
  return "RecDiff Studio's command line: datasets, training, evaluation and\n"
         "benchmarks of diffusion-based sequential recommenders.";
}

ArgParser makeParser(const Command& command, const std::string& program) {
  ArgParser parser(program + " " + command.name);
  if (command.declare) command.declare(parser);
  parser.section("General");
  parser.flag("json", "write the result as JSON to standard output");
  parser.flag("help", "show this help");
  return parser;
}

}  // namespace recdiff::cli
