#include "sluice/core/json_text.hpp"

#include <algorithm>

namespace sluice::core {

namespace {

/// Offset of the bracket that opens level `max_depth + 1`, or npos. Skips
/// strings (with their escapes); anything else malformed is left to the parser.
std::size_t too_deep_at(std::string_view text, std::size_t max_depth) {
  std::size_t depth = 0;
  bool in_string = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (in_string) {
      if (c == '\\') ++i;
      else if (c == '"') in_string = false;
      continue;
    }
    switch (c) {
      case '"': in_string = true; break;
      case '[':
      case '{':
        if (++depth > max_depth) return i;
        break;
      case ']':
      case '}':
        if (depth > 0) --depth;
        break;
      default: break;
    }
  }
  return std::string_view::npos;
}

/// The reason part of an nlohmann message, without its
/// "[json.exception.parse_error.101] parse error at line 1, column 2: " prefix.
std::string reason_of(const std::string& what) {
  auto pos = what.find("column ");
  if (pos != std::string::npos) {
    auto colon = what.find(": ", pos);
    if (colon != std::string::npos) return what.substr(colon + 2);
  }
  auto bracket = what.find("] ");
  return bracket == std::string::npos ? what : what.substr(bracket + 2);
}

/// nlohmann reports a number out of range as "number overflow parsing
/// '1e400'" without a position: find that literal in the text.
std::size_t offset_of_number(std::string_view text, const std::string& what) {
  auto open = what.find('\'');
  auto close = what.rfind('\'');
  if (open == std::string::npos || close <= open) return 0;
  auto literal = what.substr(open + 1, close - open - 1);
  auto at = text.find(literal);
  return at == std::string_view::npos ? 0 : at;
}

/// 1-based line and column of the byte at 0-based `offset` in `text`.
std::pair<std::size_t, std::size_t> line_and_column_of(std::string_view text, std::size_t offset) {
  std::size_t line = 1;
  std::size_t column = 1;
  auto end = std::min(offset, text.size());
  for (std::size_t i = 0; i < end; ++i) {
    if (text[i] == '\n') {
      ++line;
      column = 1;
    } else {
      ++column;
    }
  }
  return {line, column};
}

} // namespace

nlohmann::json parse_json_text(std::string_view text, std::size_t max_depth) {
  if (auto at = too_deep_at(text, max_depth); at != std::string_view::npos) {
    auto [line, column] = line_and_column_of(text, at);
    throw json_text_error(line, column,
                          "nested deeper than " + std::to_string(max_depth) + " levels");
  }
  try {
    return nlohmann::json::parse(text.begin(), text.end());
  } catch (const nlohmann::json::parse_error& e) {
    // e.byte is 1-based: the byte where the parser stopped.
    auto [line, column] = line_and_column_of(text, e.byte > 0 ? e.byte - 1 : 0);
    throw json_text_error(line, column, "JSON syntax error: " + reason_of(e.what()));
  } catch (const nlohmann::json::out_of_range& e) {
    auto [line, column] = line_and_column_of(text, offset_of_number(text, e.what()));
    throw json_text_error(line, column, "number out of range: " + reason_of(e.what()));
  } catch (const nlohmann::json::exception& e) {
    throw json_text_error(1, 1, "cannot read JSON: " + reason_of(e.what()));
  }
}

} // namespace sluice::core
