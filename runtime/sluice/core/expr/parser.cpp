#include "sluice/core/expr/parser.hpp"

#include "sluice/core/expr/nodes.hpp"
#include "sluice/core/expr/parser_impl.hpp"
#include "sluice/core/expr/typing.hpp"
#include "sluice/core/time.hpp"

namespace sluice::core::expr {

namespace {

constexpr int max_depth = 200;

} // namespace

node_ptr parser::parse_all() {
  if (peek().kind == token_kind::end) fail_at(text_, 0, "empty expression");
  parsed root = parse_or();
  const token& t = peek();
  if (t.kind == token_kind::rparen) fail_at(text_, t.offset, "unmatched ')'");
  if (t.kind != token_kind::end)
    fail_at(text_, t.offset, "unexpected " + describe(t) + " after a complete expression");
  return root.n;
}

parsed parser::parse_or() {
  parsed l = parse_and();
  while (peek().kind == token_kind::kw_or) {
    const token& t = next();
    parsed r = parse_and();
    l = {make_binary(binary_op::or_, l.n, r.n, "OR", column(t)), l.offset};
  }
  return l;
}

parsed parser::parse_and() {
  parsed l = parse_not();
  while (peek().kind == token_kind::kw_and) {
    const token& t = next();
    parsed r = parse_not();
    l = {make_binary(binary_op::and_, l.n, r.n, "AND", column(t)), l.offset};
  }
  return l;
}

parsed parser::parse_not() {
  if (peek().kind != token_kind::kw_not) return parse_comparison();
  const token& t = next();
  enter(t);
  parsed operand = parse_not();
  leave();
  return {make_unary(unary_op::not_, operand.n, "NOT", column(t)), t.offset};
}

// Comparisons and the predicates IS, [NOT] IN, [NOT] BETWEEN, [NOT] LIKE.
parsed parser::parse_comparison() {
  parsed l = parse_concat();
  for (;;) {
    binary_op op;
    switch (peek().kind) {
      case token_kind::eq: op = binary_op::eq; break;
      case token_kind::ne: op = binary_op::ne; break;
      case token_kind::lt: op = binary_op::lt; break;
      case token_kind::le: op = binary_op::le; break;
      case token_kind::gt: op = binary_op::gt; break;
      case token_kind::ge: op = binary_op::ge; break;
      case token_kind::kw_is: {
        const token& is = next();
        l = parse_is(l, is);
        continue;
      }
      case token_kind::kw_not:
      case token_kind::kw_in:
      case token_kind::kw_between:
      case token_kind::kw_like: {
        bool negated = peek().kind == token_kind::kw_not;
        token_kind k = peek(negated ? 1 : 0).kind;
        if (k != token_kind::kw_in && k != token_kind::kw_between && k != token_kind::kw_like)
          return l;
        if (negated) next();
        const token& t = next();
        if (k == token_kind::kw_in) l = parse_in(l, t, negated);
        else if (k == token_kind::kw_between) l = parse_between(l, t, negated);
        else l = parse_like(l, t, negated);
        continue;
      }
      default: return l;
    }
    const token& t = next();
    parsed r = parse_concat();
    as_timestamp_if_compared(l, r.n);
    as_timestamp_if_compared(r, l.n);
    l = {make_binary(op, l.n, r.n, t.spelling, column(t)), l.offset};
  }
}

parsed parser::parse_concat() {
  parsed l = parse_additive();
  while (peek().kind == token_kind::concat) {
    const token& t = next();
    parsed r = parse_additive();
    l = {make_binary(binary_op::concat, l.n, r.n, "||", column(t)), l.offset};
  }
  return l;
}

parsed parser::parse_additive() {
  parsed l = parse_multiplicative();
  for (;;) {
    token_kind k = peek().kind;
    if (k != token_kind::plus && k != token_kind::minus) return l;
    const token& t = next();
    binary_op op = k == token_kind::plus ? binary_op::add : binary_op::sub;
    parsed r = parse_multiplicative();
    l = {make_binary(op, l.n, r.n, t.spelling, column(t)), l.offset};
  }
}

parsed parser::parse_multiplicative() {
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
    parsed r = parse_unary();
    l = {make_binary(op, l.n, r.n, t.spelling, column(t)), l.offset};
  }
}

parsed parser::parse_unary() {
  if (peek().kind != token_kind::minus) return parse_primary();
  const token& t = next();
  enter(t);
  parsed operand = parse_unary();
  leave();
  return {make_unary(unary_op::negate, operand.n, "-", column(t)), t.offset};
}

parsed parser::parse_primary() {
  const token& t = next();
  scalar v;
  switch (t.kind) {
    case token_kind::integer:
      v.type = value_type::int64;
      v.i = t.int_value;
      break;
    case token_kind::duration:
      v.type = value_type::int64;
      v.i = t.int_value;
      break;
    case token_kind::real:
      v.type = value_type::float64;
      v.d = t.real_value;
      break;
    case token_kind::string:
      v.type = value_type::string;
      v.s = t.text;
      break;
    case token_kind::kw_true:
    case token_kind::kw_false:
      v.type = value_type::boolean;
      v.b = t.kind == token_kind::kw_true;
      break;
    case token_kind::kw_null: return {make_null(value_type::string, true), t.offset};
    case token_kind::kw_case: return parse_case(t);
    case token_kind::identifier: {
      bool bare = t.spelling.front() != '"';
      token_kind after = peek().kind;
      if (bare && after == token_kind::lparen) return parse_call(t);
      if (bare && is_word(t, "interval")
          && (after == token_kind::string || after == token_kind::integer
              || after == token_kind::real))
        return parse_interval(t);
      return {field(t), t.offset};
    }
    case token_kind::lparen: return parenthesised(t);
    default: expected_value(t);
  }
  return {make_literal(std::move(v)), t.offset};
}

parsed parser::parenthesised(const token& open) {
  enter(open);
  parsed inner = parse_or();
  leave();
  close(open, "");
  return {std::move(inner.n), open.offset};
}

node_ptr parser::field(const token& t) {
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

bool parser::is_word(const token& t, std::string_view lower) {
  return t.kind == token_kind::identifier && !t.spelling.empty() && t.spelling.front() != '"'
         && equals_ignore_case(t.spelling, lower);
}

void parser::close(const token& open, std::string_view what) {
  const token& t = peek();
  if (t.kind == token_kind::rparen) {
    next();
    return;
  }
  if (t.kind == token_kind::end) fail_at(text_, open.offset, "'(' is never closed");
  fail_at(text_, t.offset,
          "expected ')' to close the '(' " + std::string(what) + "at column "
            + std::to_string(column(open)) + ", got " + describe(t));
}

void parser::expected_value(const token& t) {
  std::string what = "expected a value";
  if (pos_ >= 2) what += " after '" + std::string(tokens_[pos_ - 2].spelling) + "'";
  what += ", got " + describe(t);
  if (is_reserved(t.kind)) {
    for (const auto& f : input_.fields()) {
      std::string name = f.name;
      for (auto& c : name)
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
      if (equals_ignore_case(t.spelling, name))
        what += " (a reserved word: write \"" + f.name + "\" for the field)";
    }
  }
  fail_at(text_, t.offset, what);
}

// `ts >= '2026-01-01T00:00:00Z'`: the string constant is read as ISO-8601 time.
void parser::as_timestamp_if_compared(parsed& side, const node_ptr& other) {
  const scalar* s = side.n->constant();
  if (!s || s->type != value_type::string || other->type() != value_type::timestamp) return;
  auto t = parse_iso8601(s->s);
  if (!t)
    fail_at(text_, side.offset,
            "'" + s->s + "' is not a timestamp (expected ISO-8601, e.g. '2026-01-01T00:00:00Z')");
  scalar v;
  v.type = value_type::timestamp;
  v.i = *t;
  side.n = make_literal(std::move(v));
}

void parser::enter(const token& t) {
  if (++depth_ > max_depth) fail_at(text_, t.offset, "expression nested too deeply");
}

node_ptr parse(std::string_view text, const schema& input) {
  return parser(text, input).parse_all();
}

} // namespace sluice::core::expr
