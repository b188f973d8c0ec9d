#include "app/cli/man_page.h"

#include "app/cli/command.h"

namespace recdiff::cli {

namespace {

// Text for roff: a backslash is written \e, a minus sign \- (a bare '-' is a
// hyphen, which man renders as a Unicode hyphen that cannot be pasted into a
// shell), and a line must not start with '.' or '\'' (a request).
std::string roff(const std::string& text) {
  std::string out;
  bool lineStart = true;
  for (char c : text) {
    if (lineStart && (c == '.' || c == '\'')) out += "\\&";
    if (c == '\\') {
      out += "\\e";
    } else if (c == '-') {
      out += "\\-";
    } else {
      out += c;
    }
    lineStart = c == '\n';
  }
  return out;
}

void writeCommand(std::ostream& out, const Command& command) {
  const ArgParser parser = makeParser(command);
  out << ".SS \"" << roff(parser.synopsis()) << "\"\n" << roff(command.summary) << ".\n";
  for (const ArgParser::Spec& s : parser.declarations()) {
    switch (s.kind) {
      case ArgParser::Spec::Positional:
        out << ".TP\n.I " << roff(s.name) << '\n' << roff(s.help) << '\n';
        break;
      case ArgParser::Spec::Section:
        out << ".PP\n" << roff(s.name) << ":\n";
        break;
      case ArgParser::Spec::Option:
      case ArgParser::Spec::Flag: {
        out << ".TP\n\\fB\\-\\-" << roff(s.name) << "\\fR";
        if (s.kind == ArgParser::Spec::Option) out << " \\fI" << roff(s.valueName) << "\\fR";
        out << '\n' << roff(s.help);
        if (s.kind == ArgParser::Spec::Option && !s.defaultValue.empty()) {
          out << " (default " << roff(s.defaultValue) << ")";
        }
        out << '\n';
        break;
      }
    }
  }
  if (!command.usage.empty()) out << ".PP\n.nf\n" << roff(command.usage) << ".fi\n";
}

}  // namespace

void writeManPage(std::ostream& out, const std::string& version) {
  out << ".TH RECDIFF 1 \"\" \"recdiff " << roff(version) << "\" \"RecDiff Studio\"\n"
      << ".SH NAME\nrecdiff \\- " << roff(programSummary()) << "\n"
      << ".SH SYNOPSIS\n.B recdiff\n.I command\n.RI [ subcommand ]\n.RI [ options ]\n.br\n"
         ".B recdiff \\-\\-version\n.RB [ \\-\\-json ]\n.br\n"
         ".B recdiff \\-\\-man\\-page\n.br\n.B recdiff \\-\\-bash\\-completion\n"
      << ".SH DESCRIPTION\n"
      << roff(programDescription()) << "\n"
      << ".PP\nEvery command takes \\fB\\-\\-help\\fR, which prints what this page says about it, "
         "and \\fB\\-\\-json\\fR, which writes its result as one JSON document to standard output.\n"
      << ".SH COMMANDS\n";
  for (const Command* command : allCommands()) writeCommand(out, *command);
  out << ".SH EXIT STATUS\n"
         ".TP\n.B 0\nsuccess\n.TP\n.B 1\nfailure, explained in one line on standard error\n"
         ".TP\n.B 2\na usage mistake (an unknown option, a value out of range), found before any data is read\n"
      << ".SH ENVIRONMENT\n"
         ".TP\n.B OPENBLAS_NUM_THREADS\nthe BLAS thread count when set; otherwise it follows \\fB\\-\\-threads\\fR\n"
      << ".SH SEE ALSO\n.BR recdiff\\-studio (1)\n";
}

}  // namespace recdiff::cli
