// The command table of `recdiff`. A command is one .cpp file in app/cli that
// registers itself with a static:
//
//   namespace {
//   int runTrain(const ParsedArgs& args, CommandContext& ctx) { ...; return 0; }
//   const bool registered = registerCommand({
//       "train",                                   // one word, or "group sub"
//       "train a model on a dataset",              // one line for `recdiff --help`
//       "Examples:\n  recdiff train ml-100k --model sasrec\n",  // extra --help text
//       [](ArgParser& p) { p.positional("DATASET", "dataset path"); ... },
//       runTrain});
//   }
//
// Two-word names ("dataset stats") form a group that `recdiff dataset`
// lists. Every command gets --help and --json without declaring them.
// The run function returns the exit status; it reports failures by
// throwing (UsageError -> exit 2, anything else -> exit 1), and main()
// prints them as one line, "recdiff: error: ...".
//
// The registration relies on the command's object file being linked into
// the executable, as app/CMakeLists.txt does with every app/cli/*.cpp; do
// not move commands into a static library.
#pragma once

#include <functional>
#include <ostream>
#include <string>
#include <vector>

#include "app/cli/arg_parser.h"

namespace recdiff::cli {

struct CommandContext {
  std::ostream& out;  // results (text, or JSON with --json)
  std::ostream& err;  // progress and warnings
  bool json = false;  // --json was given: write one JSON document to `out`
};

struct Command {
  std::string name;                                            // "dataset stats"
  std::string summary;                                         // one line
  std::string usage;                                           // more --help text: details, examples ("" for none)
  std::function<void(ArgParser&)> declare;                     // arguments
  std::function<int(const ParsedArgs&, CommandContext&)> run;  // the work
};

// Adds a command; returns true so that it can initialise a static.
// Registering a name twice is a programming error and aborts at start-up.
bool registerCommand(Command command);
// All commands, sorted by name.
std::vector<const Command*> allCommands();
const Command* findCommand(const std::string& name);

// What recdiff is, in one line (the man page's NAME) and in a paragraph
// (--help and the man page's DESCRIPTION).
std::string programSummary();
std::string programDescription();

// The parser a command's arguments are read with: its declarations plus
// --json and --help.
ArgParser makeParser(const Command& command, const std::string& program = "recdiff");

}  // namespace recdiff::cli
