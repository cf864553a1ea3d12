#pragma once

// Parsing JSON text that comes from outside: pipeline files, the clipboard,
// HTTP peers. Whatever the text, the result is a value or a json_text_error
// that says where (line and column) and what: a syntax error, a number out
// of range (1e400, a 400-digit integer), or nesting deeper than a limit.
// Deep nesting is refused before parsing, so no later recursive walk over
// the value (copies, dumps, the validator) can overflow the stack.

#include <cstddef>
#include <stdexcept>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace sluice::core {

/// Arrays and objects nested deeper than this are refused. Pipeline files
/// nest 5 or 6 levels (nodes, params, aggregates, ...).
inline constexpr std::size_t max_json_depth = 64;

class json_text_error : public std::runtime_error {
public:
  json_text_error(std::size_t line, std::size_t column, const std::string& reason)
    : std::runtime_error("line " + std::to_string(line) + ", column " + std::to_string(column)
                         + ": " + reason),
      line_(line), column_(column), reason_(reason) {}
  std::size_t line() const { return line_; }
  std::size_t column() const { return column_; }
  /// What is wrong, without the place.
  const std::string& reason() const { return reason_; }

private:
  std::size_t line_;
  std::size_t column_;
  std::string reason_;
};

/// Parses `text`; throws json_text_error.
nlohmann::json parse_json_text(std::string_view text, std::size_t max_depth = max_json_depth);

} // namespace sluice::core
