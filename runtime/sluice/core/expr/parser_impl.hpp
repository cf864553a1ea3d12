#pragma once

// The recursive-descent parser behind `parse` (parser.hpp). Internal: split
// over parser.cpp (operator precedence) and parser_forms.cpp (IN, BETWEEN,
// LIKE, IS, CASE, CAST, EXTRACT, INTERVAL and function calls).

#include <string>
#include <string_view>
#include <vector>

#include "sluice/core/expr/lexer.hpp"
#include "sluice/core/expr/node.hpp"
#include "sluice/core/schema.hpp"

namespace sluice::core::expr {

/// A parsed sub-expression and the byte offset where it starts.
struct parsed {
  node_ptr n;
  std::size_t offset;
};

class parser {
public:
  parser(std::string_view text, const schema& input)
    : text_(text), input_(input), tokens_(tokenize(text)) {}

  /// The whole text as one expression; throws expression_error.
  node_ptr parse_all();

private:
  // parser.cpp: one function per precedence level, lowest first.
  parsed parse_or();
  parsed parse_and();
  parsed parse_not();
  parsed parse_comparison();
  parsed parse_concat();
  parsed parse_additive();
  parsed parse_multiplicative();
  parsed parse_unary();
  parsed parse_primary();
  parsed parenthesised(const token& open);
  node_ptr field(const token& t);

  // parser_forms.cpp
  parsed parse_is(parsed l, const token& is);
  parsed parse_in(parsed l, const token& op, bool negated);
  parsed parse_between(parsed l, const token& op, bool negated);
  parsed parse_like(parsed l, const token& op, bool negated);
  parsed parse_case(const token& kw);
  parsed parse_call(const token& name);
  parsed parse_cast(const token& name, const token& open);
  parsed parse_extract(const token& name, const token& open);
  parsed parse_interval(const token& kw);

  // Helpers shared by both files.
  const token& peek(std::size_t ahead = 0) const {
    std::size_t k = pos_ + ahead;
    return tokens_[k < tokens_.size() ? k : tokens_.size() - 1];
  }
  const token& next() { return tokens_[pos_++]; }
  std::size_t column(const token& t) const { return column_of(text_, t.offset); }
  std::size_t column(std::size_t offset) const { return column_of(text_, offset); }
  /// True for an unquoted identifier spelled `lower` in any case.
  static bool is_word(const token& t, std::string_view lower);
  /// Consumes the ')' closing `open` or throws.
  void close(const token& open, std::string_view what);
  [[noreturn]] void expected_value(const token& t);
  /// A string constant on one side of a comparison with a timestamp becomes
  /// that timestamp (ISO-8601), or an error at the string.
  void as_timestamp_if_compared(parsed& side, const node_ptr& other);
  void enter(const token& t);
  void leave() { --depth_; }

  std::string_view text_;
  const schema& input_;
  std::vector<token> tokens_;
  std::size_t pos_ = 0;
  int depth_ = 0;
};

} // namespace sluice::core::expr
