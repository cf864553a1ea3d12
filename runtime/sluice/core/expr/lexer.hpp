#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace sluice::core::expr {

enum class token_kind {
  end,        ///< after the last token; `offset` is the text's length
  identifier, ///< a field name, bare or "quoted"
  integer,
  real,
  duration, ///< 5s, 250ms, 1.5h: `int_value` holds microseconds
  string,   ///< a 'single-quoted' literal
  kw_and,
  kw_or,
  kw_not,
  kw_true,
  kw_false,
  kw_null,
  kw_is,
  kw_in,
  kw_between,
  kw_like,
  kw_case,
  kw_when,
  kw_then,
  kw_else,
  kw_end,
  lparen,
  rparen,
  comma,
  concat, ///< ||
  plus,
  minus,
  star,
  slash,
  percent,
  eq, ///< = or ==
  ne, ///< != or <>
  lt,
  le,
  gt,
  ge,
};

struct token {
  token_kind kind = token_kind::end;
  std::size_t offset = 0;     ///< byte offset of the first character in the text
  std::string_view spelling;  ///< the characters as written
  std::string text;           ///< identifier name or string value, unescaped
  std::int64_t int_value = 0; ///< for integer, and microseconds for duration
  double real_value = 0;      ///< for real
};

/// Splits `text` into tokens, ending with one `end` token. Reserved words (AND
/// OR NOT TRUE FALSE NULL IS IN BETWEEN LIKE CASE WHEN THEN ELSE END) are
/// case-insensitive; other words (CAST, AS, INTERVAL, ...) stay identifiers
/// and the parser reads them by context; a "quoted" name is always an
/// identifier. A number directly followed by a unit (us ms s sec m min h d)
/// is a duration. Throws expression_error at the offending character for an
/// unexpected character, an unterminated string or name, or a bad number.
std::vector<token> tokenize(std::string_view text);

/// The 1-based column (counting UTF-8 characters) of byte `offset` in `text`.
std::size_t column_of(std::string_view text, std::size_t offset);

/// Throws expression_error at byte `offset` of `text`.
[[noreturn]] void fail_at(std::string_view text, std::size_t offset, const std::string& message);

/// How a token reads in an error message: 'x', or "end of expression".
std::string describe(const token& t);

/// True when `word` equals the lower-case `lower`, ignoring ASCII case.
bool equals_ignore_case(std::string_view word, std::string_view lower);

/// True for the reserved words, which a field name must "quote".
bool is_reserved(token_kind k);

} // namespace sluice::core::expr
