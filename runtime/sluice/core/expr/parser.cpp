#include "sluice/core/expr/parser.hpp"

#include <vector>

#include "sluice/core/expr/lexer.hpp"
#include "sluice/core/expr/nodes.hpp"
#include "sluice/core/expr/typing.hpp"
#include "sluice/core/time.hpp"

namespace sluice::core::expr {

namespace {

constexpr int max_depth = 200;

/// A parsed sub-expression and the byte offset where it starts.
struct parsed {
  node_ptr n;
  std::size_t offset;
};

class parser {
public:
  parser(std::string_view text, const schema& input)
    : text_(text), input_(input), tokens_(tokenize(text)) {}

  node_ptr parse_all() {
    if (peek().kind == token_kind::end) fail_at(text_, 0, "empty expression");
    parsed root = parse_or();
    const token& t = peek();
    if (t.kind == token_kind::rparen) fail_at(text_, t.offset, "unmatched ')'");
    if (t.kind != token_kind::end)
      fail_at(text_, t.offset, "unexpected " + describe(t) + " after a complete expression");
    return root.n;
  }

private:
  const token& peek() const { return tokens_[pos_]; }
  const token& next() { return tokens_[pos_++]; }
  std::size_t column(const token& t) const { return column_of(text_, t.offset); }

  parsed binary(binary_op op, const token& t, std::string_view spelling, parsed l, parsed r) {
    return {make_binary(op, std::move(l.n), std::move(r.n), spelling, column(t)), l.offset};
  }

  parsed parse_or() {
    parsed l = parse_and();
    while (peek().kind == token_kind::kw_or) {
      const token& t = next();
      l = binary(binary_op::or_, t, "OR", std::move(l), parse_and());
    }
    return l;
  }

  parsed parse_and() {
    parsed l = parse_not();
    while (peek().kind == token_kind::kw_and) {
      const token& t = next();
      l = binary(binary_op::and_, t, "AND", std::move(l), parse_not());
    }
    return l;
  }

  parsed parse_not() {
    if (peek().kind != token_kind::kw_not) return parse_comparison();
    const token& t = next();
    enter(t);
    parsed operand = parse_not();
    --depth_;
    return {make_unary(unary_op::not_, std::move(operand.n), "NOT", column(t)), t.offset};
  }

  parsed parse_comparison() {
    parsed l = parse_additive();
    for (;;) {
      binary_op op;
      switch (peek().kind) {
        case token_kind::eq: op = binary_op::eq; break;
        case token_kind::ne: op = binary_op::ne; break;
        case token_kind::lt: op = binary_op::lt; break;
        case token_kind::le: op = binary_op::le; break;
        case token_kind::gt: op = binary_op::gt; break;
        case token_kind::ge: op = binary_op::ge; break;
        default: return l;
      }
      const token& t = next();
      parsed r = parse_additive();
      as_timestamp_if_compared(l, r);
      as_timestamp_if_compared(r, l);
      l = binary(op, t, t.spelling, std::move(l), std::move(r));
    }
  }

  // A string constant compared with a timestamp is read as ISO-8601 time:
  // `ts >= '2026-01-01T00:00:00Z'`.
  void as_timestamp_if_compared(parsed& side, const parsed& other) {
    const scalar* s = side.n->constant();
    if (!s || s->type != value_type::string || other.n->type() != value_type::timestamp) return;
    auto t = parse_iso8601(s->s);
    if (!t)
      fail_at(text_, side.offset,
              "'" + s->s + "' is not a timestamp (expected ISO-8601, e.g. '2026-01-01T00:00:00Z')");
    scalar v;
    v.type = value_type::timestamp;
    v.i = *t;
    side.n = make_literal(std::move(v));
  }

  parsed parse_additive() {
    parsed l = parse_multiplicative();
    for (;;) {
      token_kind k = peek().kind;
      if (k != token_kind::plus && k != token_kind::minus) return l;
      const token& t = next();
      binary_op op = k == token_kind::plus ? binary_op::add : binary_op::sub;
      l = binary(op, t, t.spelling, std::move(l), parse_multiplicative());
    }
  }

  parsed parse_multiplicative() {
    parsed l = parse_unary();
    for (;;) {
      binary_op op;
      switch (peek().kind) {
        case token_kind::star: op = binary_op::mul; break;
        case token_kind::slash: op = binary_op::div; break;
        case token_kind::percent: op = binary_op::mod; break;
        default: return l;
      }
      const token& t = next();
      l = binary(op, t, t.spelling, std::move(l), parse_unary());
    }
  }

  parsed parse_unary() {
    if (peek().kind != token_kind::minus) return parse_primary();
    const token& t = next();
    enter(t);
    parsed operand = parse_unary();
    --depth_;
    return {make_unary(unary_op::negate, std::move(operand.n), "-", column(t)), t.offset};
  }

  parsed parse_primary() {
    const token& t = next();
    scalar v;
    switch (t.kind) {
      case token_kind::integer: v.type = value_type::int64; v.i = t.int_value; break;
      case token_kind::real: v.type = value_type::float64; v.d = t.real_value; break;
      case token_kind::string: v.type = value_type::string; v.s = t.text; break;
      case token_kind::kw_true:
      case token_kind::kw_false:
        v.type = value_type::boolean;
        v.b = t.kind == token_kind::kw_true;
        break;
      case token_kind::identifier: return {field(t), t.offset};
      case token_kind::lparen: return parenthesised(t);
      default: expected_value(t);
    }
    return {make_literal(std::move(v)), t.offset};
  }

  parsed parenthesised(const token& open) {
    enter(open);
    parsed inner = parse_or();
    --depth_;
    const token& t = peek();
    if (t.kind == token_kind::end) fail_at(text_, open.offset, "'(' is never closed");
    if (t.kind != token_kind::rparen)
      fail_at(text_, t.offset,
              "expected ')' to close the '(' at column " + std::to_string(column(open)) +
                ", got " + describe(t));
    next();
    return {std::move(inner.n), open.offset};
  }

  node_ptr field(const token& t) {
    int index = input_.index_of(t.text);
    if (index < 0) {
      std::string names;
      for (const auto& f : input_.fields()) names += (names.empty() ? "" : ", ") + f.name;
      fail_at(text_, t.offset,
              "unknown field '" + t.text + "' (fields: " + (names.empty() ? "none" : names) + ")");
    }
    auto i = static_cast<std::size_t>(index);
    return make_field(i, input_.at(i).type);
  }

  [[noreturn]] void expected_value(const token& t) {
    std::string what = "expected a value";
    if (pos_ >= 2) what += " after '" + std::string(tokens_[pos_ - 2].spelling) + "'";
    fail_at(text_, t.offset, what + ", got " + describe(t));
  }

  void enter(const token& t) {
    if (++depth_ > max_depth) fail_at(text_, t.offset, "expression nested too deeply");
  }

  std::string_view text_;
  const schema& input_;
  std::vector<token> tokens_;
  std::size_t pos_ = 0;
  int depth_ = 0;
};

} // namespace

node_ptr parse(std::string_view text, const schema& input) {
  return parser(text, input).parse_all();
}

} // namespace sluice::core::expr
