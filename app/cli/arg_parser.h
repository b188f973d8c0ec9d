// A small command-line parser for `recdiff` commands: positionals, options
// with a value (`--seed 7` or `--seed=7`), flags, generated --help text, and
// checked numeric conversions whose errors a user can act on.
#pragma once

#include <cstdint>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

namespace recdiff::cli {

// A mistake in the command line; the CLI prints it and exits with 2.
class UsageError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class ParsedArgs;

class ArgParser {
 public:
  // `invocation` is what the user typed to get here, e.g. "recdiff dataset stats".
  explicit ArgParser(std::string invocation);

  // Declarations, in the order they appear in --help.
  ArgParser& positional(const std::string& name, const std::string& help, bool required = true);
  ArgParser& option(const std::string& name, const std::string& valueName, const std::string& help,
                    const std::string& defaultValue = "");
  ArgParser& flag(const std::string& name, const std::string& help);
  // Starts a titled group of options in --help ("Preprocessing", ...).
  ArgParser& section(const std::string& title);

  // Parses the arguments after the command name. Throws UsageError for an
  // unknown option (suggesting a near name), a missing value, a missing or
  // extra positional. When --help is among them, nothing else is checked.
  ParsedArgs parse(const std::vector<std::string>& args) const;

  // "recdiff dataset stats PATH [options]": --help's usage line, the man page's heading.
  std::string synopsis() const;
  // "usage: " + synopsis() and the option list.
  std::string help() const;
  const std::string& invocation() const { return invocation_; }

  // One declaration, in the order given; the man page and the shell
  // completion are written from these, as --help is.
  struct Spec {
    enum Kind { Positional, Option, Flag, Section } kind;
    std::string name, valueName, help, defaultValue;
    bool required = true;
  };
  const std::vector<Spec>& declarations() const { return specs_; }

 private:
  const Spec* findOption(const std::string& name) const;
  void declare(Spec spec);

  std::string invocation_;
  std::vector<Spec> specs_;
};

class ParsedArgs {
 public:
  // True when the flag was given.
  bool flag(const std::string& name) const;
  // True when the option was given on the command line (not defaulted).
  bool has(const std::string& name) const;
  // The option's value, its default when not given, or the positional.
  std::string get(const std::string& name) const;
  // Checked conversions: UsageError "--users expects a whole number between
  // 1 and 10000000, got 'many'".
  long long getInt(const std::string& name, long long min, long long max) const;
  std::uint64_t getUnsigned(const std::string& name) const;
  double getDouble(const std::string& name, double min, double max) const;

  const std::string& invocation() const { return invocation_; }

 private:
  friend class ArgParser;
  std::string invocation_;
  std::map<std::string, std::string> values_;    // given options and positionals
  std::map<std::string, std::string> defaults_;  // declared defaults
  std::map<std::string, bool> flags_;
};

}  // namespace recdiff::cli
