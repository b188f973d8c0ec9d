// Splitting a line into fields and reading numbers out of them, the same on
// every locale and standard library.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace recdiff::data {

// Splits on every occurrence of `delimiter`, keeping empty fields.
std::vector<std::string_view> splitOn(std::string_view line, std::string_view delimiter);
// Splits a delimited line where fields may be wrapped in double quotes (a
// quoted field may contain the delimiter; "" inside quotes is one quote).
// Fields are trimmed of surrounding spaces.
std::vector<std::string> splitDelimited(std::string_view line, char delimiter);
// Splits on runs of spaces and tabs; no empty tokens.
std::vector<std::string_view> splitWhitespace(std::string_view line);

std::string_view trim(std::string_view text);
std::string toLower(std::string_view text);
bool containsWhitespace(std::string_view text);

// A finite decimal number ("3", "-2.5", "1e9"), or nothing.
std::optional<double> parseNumber(std::string_view text);
// A timestamp: a number (e.g. Unix seconds) or an ISO-8601 date/time
// ("2020-01-31", "2020-01-31 12:00:05", "2020-01-31T12:00:05Z") read as UTC
// seconds since 1970; nothing when it is neither.
std::optional<double> parseTimestamp(std::string_view text);

// "12345" -> "12,345", for messages and the CLI.
std::string withThousands(long long value);
// Shortens a line for an example in a report.
std::string abbreviate(std::string_view text, std::size_t maxLength = 80);

}  // namespace recdiff::data
