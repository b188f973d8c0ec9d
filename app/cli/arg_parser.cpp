#include "app/cli/arg_parser.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <sstream>

namespace recdiff::cli {

namespace {

std::size_t editDistance(const std::string& a, const std::string& b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

std::string optionLabel(const std::string& name) { return "--" + name; }

}  // namespace

ArgParser::ArgParser(std::string invocation) : invocation_(std::move(invocation)) {}

void ArgParser::declare(Spec spec) {
  // Two declarations of one name would silently share (and overwrite) one
  // value: a programming error in a command, refused at start-up.
  for (const Spec& s : specs_) {
    if (s.kind != Spec::Section && s.name == spec.name) {
      throw std::logic_error(invocation_ + ": '" + spec.name + "' is declared twice");
    }
  }
  specs_.push_back(std::move(spec));
}

ArgParser& ArgParser::positional(const std::string& name, const std::string& help, bool required) {
  declare({Spec::Positional, name, "", help, "", required});
  return *this;
}

ArgParser& ArgParser::option(const std::string& name, const std::string& valueName, const std::string& help,
                             const std::string& defaultValue) {
  declare({Spec::Option, name, valueName, help, defaultValue, false});
  return *this;
}

ArgParser& ArgParser::flag(const std::string& name, const std::string& help) {
  declare({Spec::Flag, name, "", help, "", false});
  return *this;
}

ArgParser& ArgParser::section(const std::string& title) {
  specs_.push_back({Spec::Section, title, "", "", "", false});
  return *this;
}

const ArgParser::Spec* ArgParser::findOption(const std::string& name) const {
  for (const Spec& s : specs_) {
    if ((s.kind == Spec::Option || s.kind == Spec::Flag) && s.name == name) return &s;
  }
  return nullptr;
}

ParsedArgs ArgParser::parse(const std::vector<std::string>& args) const {
  ParsedArgs parsed;
  parsed.invocation_ = invocation_;
  for (const Spec& s : specs_) {
    if (s.kind == Spec::Option) parsed.defaults_[s.name] = s.defaultValue;
    if (s.kind == Spec::Flag) parsed.flags_[s.name] = false;
  }
  if (std::find_if(args.begin(), args.end(), [](const std::string& a) { return a == "--help" || a == "-h"; }) !=
      args.end()) {
    parsed.flags_["help"] = true;
    return parsed;
  }
  const std::string seeHelp = " (see " + invocation_ + " --help)";
  std::vector<std::string> positionals;
  bool onlyPositionals = false;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (onlyPositionals || arg.size() < 2 || arg[0] != '-' ||
        (arg[1] != '-' && (std::isdigit(static_cast<unsigned char>(arg[1])) || arg[1] == '.'))) {
      positionals.push_back(arg);
      continue;
    }
    if (arg == "--") {
      onlyPositionals = true;
      continue;
    }
    if (arg[1] != '-') throw UsageError("unknown option '" + arg + "'" + seeHelp);
    std::string name = arg.substr(2);
    std::string value;
    bool hasValue = false;
    const std::size_t eq = name.find('=');
    if (eq != std::string::npos) {
      value = name.substr(eq + 1);
      name = name.substr(0, eq);
      hasValue = true;
    }
    const Spec* spec = findOption(name);
    if (spec == nullptr) {
      std::string suggestion;
      std::size_t best = 3;
      for (const Spec& s : specs_) {
        if (s.kind != Spec::Option && s.kind != Spec::Flag) continue;
        const std::size_t d = editDistance(name, s.name);
        if (d < best) {
          best = d;
          suggestion = s.name;
        }
      }
      throw UsageError("unknown option '--" + name + "'" +
                       (suggestion.empty() ? seeHelp : "; did you mean --" + suggestion + "?"));
    }
    if (spec->kind == Spec::Flag) {
      if (hasValue) throw UsageError(optionLabel(name) + " takes no value");
      parsed.flags_[name] = true;
      continue;
    }
    if (!hasValue) {
      if (i + 1 >= args.size()) {
        throw UsageError(optionLabel(name) + " needs a value (" + spec->valueName + ")");
      }
      value = args[++i];
    }
    parsed.values_[name] = value;
  }
  std::size_t next = 0;
  for (const Spec& s : specs_) {
    if (s.kind != Spec::Positional) continue;
    if (next < positionals.size()) {
      parsed.values_[s.name] = positionals[next++];
    } else if (s.required) {
      throw UsageError("missing " + s.name + seeHelp);
    }
  }
  if (next < positionals.size()) {
    throw UsageError("unexpected argument '" + positionals[next] + "'" + seeHelp);
  }
  return parsed;
}

std::string ArgParser::synopsis() const {
  std::string line = invocation_;
  bool hasOptions = false;
  for (const Spec& s : specs_) {
    if (s.kind == Spec::Positional) line += ' ' + (s.required ? s.name : "[" + s.name + "]");
    if (s.kind == Spec::Option || s.kind == Spec::Flag) hasOptions = true;
  }
  return hasOptions ? line + " [options]" : line;
}

std::string ArgParser::help() const {
  std::ostringstream out;
  out << "usage: " << synopsis() << '\n';
  std::vector<std::pair<std::string, std::string>> rows;
  auto flush = [&]() {
    std::size_t width = 0;
    for (const auto& [left, right] : rows) width = std::max(width, left.size());
    for (const auto& [left, right] : rows) {
      if (left.empty()) {
        out << '\n' << right << ":\n";
      } else {
        out << "  " << left << std::string(width - left.size() + 2, ' ') << right << '\n';
      }
    }
    rows.clear();
  };
  bool anyPositional = false;
  for (const Spec& s : specs_) {
    if (s.kind != Spec::Positional) continue;
    if (!anyPositional) rows.push_back({"", "Arguments"});
    anyPositional = true;
    rows.push_back({s.name, s.help});
  }
  flush();
  bool sectionOpen = false;
  for (const Spec& s : specs_) {
    if (s.kind == Spec::Section) {
      flush();
      rows.push_back({"", s.name});
      sectionOpen = true;
    } else if (s.kind == Spec::Option || s.kind == Spec::Flag) {
      if (!sectionOpen) {
        rows.push_back({"", "Options"});
        sectionOpen = true;
      }
      std::string left = "--" + s.name + (s.kind == Spec::Option ? " " + s.valueName : "");
      std::string right = s.help;
      if (s.kind == Spec::Option && !s.defaultValue.empty()) right += " (default " + s.defaultValue + ")";
      rows.push_back({left, right});
    }
  }
  flush();
  return out.str();
}

bool ParsedArgs::flag(const std::string& name) const {
  auto it = flags_.find(name);
  return it != flags_.end() && it->second;
}

bool ParsedArgs::has(const std::string& name) const { return values_.count(name) > 0; }

std::string ParsedArgs::get(const std::string& name) const {
  auto it = values_.find(name);
  if (it != values_.end()) return it->second;
  auto d = defaults_.find(name);
  return d == defaults_.end() ? std::string() : d->second;
}

long long ParsedArgs::getInt(const std::string& name, long long min, long long max) const {
  const std::string text = get(name);
  long long value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size() || value < min || value > max) {
    throw UsageError("--" + name + " expects a whole number between " + std::to_string(min) + " and " +
                     std::to_string(max) + ", got '" + text + "'");
  }
  return value;
}

std::uint64_t ParsedArgs::getUnsigned(const std::string& name) const {
  const std::string text = get(name);
  std::uint64_t value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size()) {
    throw UsageError("--" + name + " expects a non-negative whole number, got '" + text + "'");
  }
  return value;
}

double ParsedArgs::getDouble(const std::string& name, double min, double max) const {
  const std::string text = get(name);
  double value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size() || !std::isfinite(value) || value < min ||
      value > max) {
    std::ostringstream range;
    range << min << " and " << max;
    throw UsageError("--" + name + " expects a number between " + range.str() + ", got '" + text + "'");
  }
  return value;
}

}  // namespace recdiff::cli
