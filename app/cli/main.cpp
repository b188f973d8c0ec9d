// `recdiff`: the headless command line. main() finds the command in the
// table (app/cli/command.h), parses its arguments, runs it, and turns every
// failure into one line on standard error and a non-zero exit status:
// 2 for a usage mistake, 1 for anything else.
#include <iostream>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "app/cli/bash_completion.h"
#include "app/cli/command.h"
#include "app/cli/man_page.h"
#include "core/core_version.h"
#include "core/data/data_error.h"
#include "core/process_tuning.h"

using namespace recdiff::cli;

namespace {

constexpr int kExitFailure = 1;
constexpr int kExitUsage = 2;

std::string oneLine(std::string text) {
  for (char& c : text) {
    if (c == '\n' || c == '\r') c = ' ';
  }
  return text;
}

int fail(int status, const std::string& message) {
  std::cerr << "recdiff: error: " << oneLine(message) << '\n';
  return status;
}

// The commands whose name starts with `group + " "`.
std::vector<const Command*> groupMembers(const std::string& group) {
  std::vector<const Command*> members;
  for (const Command* c : allCommands()) {
    if (c->name.rfind(group + " ", 0) == 0) members.push_back(c);
  }
  return members;
}

void printOverview(std::ostream& out) {
  out << "usage: recdiff <command> [subcommand] [options]\n"
         "       recdiff --version [--json]\n"
         "       recdiff --man-page | --bash-completion\n\n"
      << programDescription() << "\n\nCommands:\n";
  std::size_t width = 0;
  for (const Command* c : allCommands()) width = std::max(width, c->name.size());
  for (const Command* c : allCommands()) {
    out << "  " << c->name << std::string(width - c->name.size() + 2, ' ') << c->summary << '\n';
  }
  out << "\nEvery command takes --help and --json. Exit status: 0 success, 1 failure,\n"
         "2 usage mistake; a failure is explained in one line on standard error.\n";
}

void printGroup(std::ostream& out, const std::string& group) {
  out << "usage: recdiff " << group << " <subcommand> [options]\n\nSubcommands:\n";
  const auto members = groupMembers(group);
  std::size_t width = 0;
  for (const Command* c : members) width = std::max(width, c->name.size());
  for (const Command* c : members) {
    out << "  " << c->name << std::string(width - c->name.size() + 2, ' ') << c->summary << '\n';
  }
  out << "\nSee recdiff " << group << " <subcommand> --help for its options.\n";
}

int printVersion(bool json) {
  const recdiff::BuildInfo info = recdiff::buildInfo();
  if (json) {
    nlohmann::ordered_json j;
    j["recdiff"] = info.recdiffVersion;
    j["torch"] = info.torchVersion;
    j["cudaAvailable"] = info.cudaAvailable;
    j["cudaDevices"] = info.cudaDevices;
    j["blas"] = info.blas;
    j["intraOpThreads"] = info.intraOpThreads;
    std::cout << j.dump(2) << '\n';
  } else {
    std::cout << "recdiff " << info.recdiffVersion << '\n'
              << "LibTorch " << info.torchVersion << ", CUDA "
              << (info.cudaAvailable ? "available (" + std::to_string(info.cudaDevices) + " devices)"
                                     : std::string("not available"))
              << '\n'
              << "BLAS: " << info.blas << '\n';
  }
  return 0;
}

int runCommand(const Command& command, const std::vector<std::string>& args) {
  const ArgParser parser = makeParser(command);
  const ParsedArgs parsed = parser.parse(args);
  if (parsed.flag("help")) {
    std::cout << parser.help();
    if (!command.usage.empty()) std::cout << '\n' << command.usage;
    return 0;
  }
  CommandContext context{std::cout, std::cerr, parsed.flag("json")};
  const int status = command.run(parsed, context);
  std::cout.flush();
  return status;
}

}  // namespace

int main(int argc, char** argv) {
  recdiff::tuneProcess(argv);
  std::vector<std::string> args(argv + 1, argv + argc);
  try {
    if (args.empty()) {
      printOverview(std::cerr);
      return fail(kExitUsage, "no command given");
    }
    const std::string& first = args[0];
    if (first == "--help" || first == "-h" || first == "help") {
      if (args.size() > 1 && first == "help") {
        // "recdiff help dataset stats" = "recdiff dataset stats --help"
        std::vector<std::string> rest(args.begin() + 1, args.end());
        rest.push_back("--help");
        args = rest;
      } else {
        printOverview(std::cout);
        return 0;
      }
    }
    if (args[0] == "--version" || args[0] == "-V") {
      const bool json = args.size() > 1 && args[1] == "--json";
      if (args.size() > (json ? 2u : 1u)) {
        return fail(kExitUsage, "--version takes only --json");
      }
      return printVersion(json);
    }
    if (args.size() == 1 && args[0] == "--man-page") {
      writeManPage(std::cout, recdiff::buildInfo().recdiffVersion);
      return 0;
    }
    if (args.size() == 1 && args[0] == "--bash-completion") {
      writeBashCompletion(std::cout);
      return 0;
    }
    if (args[0].rfind("-", 0) == 0) {
      return fail(kExitUsage, "unknown option '" + args[0] + "' (see recdiff --help)");
    }
    if (args.size() > 1) {
      if (const Command* c = findCommand(args[0] + " " + args[1])) {
        return runCommand(*c, std::vector<std::string>(args.begin() + 2, args.end()));
      }
    }
    if (const Command* c = findCommand(args[0])) {
      return runCommand(*c, std::vector<std::string>(args.begin() + 1, args.end()));
    }
    if (!groupMembers(args[0]).empty()) {
      if (args.size() == 1) {
        printGroup(std::cerr, args[0]);
        return fail(kExitUsage, "recdiff " + args[0] + " needs a subcommand");
      }
      if (args[1] == "--help" || args[1] == "-h") {
        printGroup(std::cout, args[0]);
        return 0;
      }
      std::string names;
      for (const Command* c : groupMembers(args[0])) {
        names += (names.empty() ? "" : ", ") + c->name.substr(args[0].size() + 1);
      }
      return fail(kExitUsage, "unknown subcommand '" + args[1] + "' of " + args[0] + " (expected " + names + ")");
    }
    return fail(kExitUsage, "unknown command '" + args[0] + "' (see recdiff --help)");
  } catch (const UsageError& e) {
    return fail(kExitUsage, e.what());
  } catch (const std::invalid_argument& e) {
    return fail(kExitUsage, e.what());
  } catch (const recdiff::data::DataError& e) {
    return fail(kExitFailure, e.what());
  } catch (const std::exception& e) {
    return fail(kExitFailure, e.what());
  } catch (...) {
    return fail(kExitFailure, "unexpected internal error");
  }
}
