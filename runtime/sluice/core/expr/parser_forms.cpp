// The parser's special forms: IS, IN, BETWEEN, LIKE, CASE, CAST, EXTRACT,
// INTERVAL and function calls.

#include <charconv>
#include <cmath>

#include "sluice/core/expr/functions.hpp"
#include "sluice/core/expr/nodes.hpp"
#include "sluice/core/expr/parser_impl.hpp"
#include "sluice/core/expr/typing.hpp"

namespace sluice::core::expr {

namespace {

using vt = value_type;

std::string lowered(std::string_view s) {
  std::string out(s);
  for (auto& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

// A token in a message: a string literal as written ('x'), others as describe() does.
std::string shown(const token& t) {
  return t.kind == token_kind::string ? std::string(t.spelling) : describe(t);
}

std::string type_name(const node_ptr& n) {
  return is_untyped_null(n) ? "null" : std::string(name_of(n->type()));
}

node_ptr bool_literal(bool b) {
  scalar v;
  v.type = vt::boolean;
  v.b = b;
  return make_literal(std::move(v));
}

// Microseconds per INTERVAL unit (singular or plural, any case), or 0.
double interval_unit(std::string_view word) {
  std::string w = lowered(word);
  if (w.size() > 3 && w.back() == 's') w.pop_back();
  if (w == "microsecond" || w == "us") return 1;
  if (w == "millisecond" || w == "ms") return 1e3;
  if (w == "second" || w == "sec" || w == "s") return 1e6;
  if (w == "minute" || w == "min" || w == "m") return 60e6;
  if (w == "hour" || w == "h") return 3600e6;
  if (w == "day" || w == "d") return 86400e6;
  if (w == "week") return 7 * 86400e6;
  return 0;
}

constexpr const char* interval_units = "MICROSECOND, MILLISECOND, SECOND, MINUTE, HOUR, DAY, WEEK";

std::optional<vt> cast_type(std::string_view word) {
  std::string w = lowered(word);
  if (w == "int" || w == "integer" || w == "bigint" || w == "int64") return vt::int64;
  if (w == "double" || w == "float" || w == "float64" || w == "real") return vt::float64;
  if (w == "bool" || w == "boolean") return vt::boolean;
  if (w == "string" || w == "text" || w == "varchar") return vt::string;
  if (w == "timestamp") return vt::timestamp;
  return std::nullopt;
}

} // namespace

// x IS [NOT] NULL | TRUE | FALSE
parsed parser::parse_is(parsed l, const token& is) {
  bool negated = peek().kind == token_kind::kw_not;
  if (negated) next();
  const token& t = next();
  if (t.kind == token_kind::kw_null) return {make_is_null(l.n, negated), l.offset};
  if (t.kind != token_kind::kw_true && t.kind != token_kind::kw_false)
    fail_at(text_, t.offset, "expected NULL, TRUE or FALSE after IS, got " + describe(t));
  node_ptr x = typed_as(l.n, vt::boolean);
  if (x->type() != vt::boolean)
    fail_at(text_, is.offset,
            "IS " + std::string(t.kind == token_kind::kw_true ? "TRUE" : "FALSE")
              + " needs a bool, got " + type_name(x));
  node_ptr when =
    t.kind == token_kind::kw_true ? x : make_unary(unary_op::not_, x, "NOT", column(is));
  return {make_case({{when, bool_literal(!negated)}}, bool_literal(negated)), l.offset};
}

// x [NOT] IN (a, b, ...): a set lookup when every item is constant.
parsed parser::parse_in(parsed l, const token& op, bool negated) {
  const token& open = next();
  if (open.kind != token_kind::lparen)
    fail_at(text_, open.offset, "expected '(' after IN, got " + describe(open));
  if (peek().kind == token_kind::rparen) fail_at(text_, peek().offset, "IN list is empty");
  enter(open);
  std::vector<parsed> items;
  do items.push_back(parse_or());
  while (peek().kind == token_kind::comma && (next(), true));
  leave();
  close(open, "of the IN list ");
  node_ptr x = l.n;
  if (is_untyped_null(x))
    for (const auto& item : items)
      if (!is_untyped_null(item.n)) x = make_null(item.n->type());
  x = typed_as(x, vt::int64);
  bool has_null = false, all_constant = true;
  std::vector<scalar> constants;
  for (auto& item : items) {
    as_timestamp_if_compared(item, x);
    if (is_null_constant(item.n)) {
      has_null = true;
      continue;
    }
    if (!comparable(x->type(), item.n->type()))
      fail_at(text_, item.offset,
              "IN list value has type " + type_name(item.n) + ", which does not compare with "
                + type_name(x));
    if (const scalar* s = item.n->constant()) constants.push_back(*s);
    else all_constant = false;
  }
  if (all_constant) return {make_in_set(x, std::move(constants), has_null, negated), l.offset};
  node_ptr any;
  for (auto& item : items) {
    node_ptr eq = make_binary(binary_op::eq, x, item.n, "=", column(op));
    any = any ? make_binary(binary_op::or_, any, eq, "OR", column(op)) : eq;
  }
  if (negated) any = make_unary(unary_op::not_, any, "NOT", column(op));
  return {any, l.offset};
}

// x [NOT] BETWEEN low AND high, as x >= low AND x <= high.
parsed parser::parse_between(parsed l, const token& op, bool negated) {
  parsed low = parse_concat();
  const token& a = next();
  if (a.kind != token_kind::kw_and)
    fail_at(text_, a.offset, "expected AND between the bounds of BETWEEN, got " + describe(a));
  parsed high = parse_concat();
  node_ptr x = l.n;
  for (const parsed* bound : {&low, &high})
    if (is_untyped_null(x) && !is_untyped_null(bound->n)) x = make_null(bound->n->type());
  as_timestamp_if_compared(low, x);
  as_timestamp_if_compared(high, x);
  for (const parsed* bound : {&low, &high})
    if (!is_untyped_null(x) && !is_untyped_null(bound->n)
        && !comparable(x->type(), bound->n->type()))
      fail_at(text_, op.offset,
              "BETWEEN needs comparable types, got " + type_name(x) + " and "
                + type_name(bound->n));
  std::size_t c = column(op);
  node_ptr n = make_binary(binary_op::and_, make_binary(binary_op::ge, x, low.n, ">=", c),
                           make_binary(binary_op::le, x, high.n, "<=", c), "AND", c);
  if (negated) n = make_unary(unary_op::not_, n, "NOT", c);
  return {n, l.offset};
}

// s [NOT] LIKE pattern [ESCAPE 'c']; the escape is a backslash by default.
parsed parser::parse_like(parsed l, const token& op, bool negated) {
  parsed p = parse_concat();
  node_ptr s = typed_as(l.n, vt::string), pattern = typed_as(p.n, vt::string);
  if (s->type() != vt::string || pattern->type() != vt::string)
    fail_at(text_, op.offset,
            "LIKE needs strings, got " + type_name(s) + " and " + type_name(pattern));
  int escape = '\\';
  if (is_word(peek(), "escape")) {
    next();
    const token& e = next();
    if (e.kind != token_kind::string || e.text.size() > 1)
      fail_at(text_, e.offset,
              "ESCAPE needs a one-character string (or '' for none), got " + shown(e));
    escape = e.text.empty() ? -1 : static_cast<unsigned char>(e.text[0]);
  }
  if (const scalar* c = pattern->constant(); c && like_pattern_dangles(c->s, escape))
    fail_at(text_, p.offset, "LIKE pattern ends with the escape character");
  return {make_like(s, pattern, escape, negated), l.offset};
}

// CASE [x] WHEN a THEN v ... [ELSE e] END
parsed parser::parse_case(const token& kw) {
  enter(kw);
  node_ptr subject;
  token_kind k = peek().kind;
  if (k != token_kind::kw_when && k != token_kind::kw_else && k != token_kind::kw_end)
    subject = parse_or().n;
  std::vector<node_ptr> whens;
  std::vector<node_ptr> values;
  while (peek().kind == token_kind::kw_when) {
    const token& w = next();
    parsed c = parse_or();
    node_ptr when;
    if (subject) {
      as_timestamp_if_compared(c, subject);
      if (!is_untyped_null(subject) && !is_untyped_null(c.n)
          && !comparable(subject->type(), c.n->type()))
        fail_at(text_, c.offset,
                "WHEN value has type " + type_name(c.n)
                  + ", which does not compare with the CASE value's " + type_name(subject));
      when = make_binary(binary_op::eq, subject, c.n, "=", column(w));
    } else {
      when = typed_as(c.n, vt::boolean);
      if (when->type() != vt::boolean)
        fail_at(text_, c.offset, "WHEN condition must be a bool, got " + type_name(when));
    }
    const token& then = next();
    if (then.kind != token_kind::kw_then)
      fail_at(text_, then.offset,
              "expected THEN after the WHEN at column " + std::to_string(column(w)) + ", got "
                + describe(then));
    whens.push_back(when);
    values.push_back(parse_or().n);
    if (whens.size() > 10000) fail_at(text_, w.offset, "CASE has too many WHEN branches");
  }
  if (whens.empty())
    fail_at(text_, peek().offset, "expected WHEN in CASE, got " + describe(peek()));
  bool has_else = peek().kind == token_kind::kw_else;
  if (has_else) {
    next();
    values.push_back(parse_or().n);
  }
  const token& end = next();
  if (end.kind != token_kind::kw_end)
    fail_at(text_, end.offset,
            "expected END to close the CASE at column " + std::to_string(column(kw)) + ", got "
              + describe(end));
  leave();
  std::size_t clash = 0;
  auto t = unify(values, clash);
  if (!t && clash < values.size()) {
    std::size_t first = 0;
    while (is_untyped_null(values[first])) ++first;
    fail_at(text_, kw.offset,
            "CASE results have different types: " + type_name(values[first]) + " and "
              + type_name(values[clash]));
  }
  if (!t) return {make_null(vt::string, true), kw.offset};
  std::vector<case_branch> branches;
  for (std::size_t k = 0; k < whens.size(); ++k)
    branches.push_back({whens[k], coerce(values[k], *t)});
  node_ptr otherwise = has_else ? coerce(values.back(), *t) : nullptr;
  return {make_case(std::move(branches), std::move(otherwise)), kw.offset};
}

// name(args...), CAST(x AS type) or EXTRACT(part FROM ts).
parsed parser::parse_call(const token& name) {
  const token& open = next();
  if (is_word(name, "cast")) return parse_cast(name, open);
  if (is_word(name, "extract")) return parse_extract(name, open);
  enter(open);
  call_site site{text_, name.spelling, name.offset, {}};
  if (peek().kind != token_kind::rparen) {
    do {
      parsed a = parse_or();
      site.args.push_back({a.n, a.offset});
    } while (peek().kind == token_kind::comma && (next(), true));
  }
  leave();
  close(open, "of " + std::string(name.spelling) + "() ");
  return {compile_call(site), name.offset};
}

parsed parser::parse_cast(const token& name, const token& open) {
  enter(open);
  parsed x = parse_or();
  leave();
  const token& as = next();
  if (!is_word(as, "as")) fail_at(text_, as.offset, "expected AS in CAST, got " + describe(as));
  const token& type = next();
  auto to = type.kind == token_kind::identifier ? cast_type(type.text) : std::nullopt;
  if (!to)
    fail_at(text_, type.offset,
            "expected a type after AS (int, bigint, double, bool, string, "
            "timestamp), got "
              + describe(type));
  close(open, "of CAST ");
  if (!is_untyped_null(x.n) && !can_cast(x.n->type(), *to))
    fail_at(text_, name.offset,
            "cannot cast " + type_name(x.n) + " to " + std::string(name_of(*to)));
  return {make_cast(x.n, *to), name.offset};
}

parsed parser::parse_extract(const token& name, const token& open) {
  enter(open);
  const token& part = next();
  if (part.kind != token_kind::identifier && part.kind != token_kind::string)
    fail_at(text_, part.offset,
            "expected a part (year, month, day, hour, ...) in EXTRACT, got " + describe(part));
  const token& from = next();
  if (!is_word(from, "from") && from.kind != token_kind::comma)
    fail_at(text_, from.offset, "expected FROM in EXTRACT, got " + describe(from));
  parsed ts = parse_or();
  leave();
  close(open, "of EXTRACT ");
  scalar p;
  p.type = vt::string;
  p.s = part.text;
  call_site site{
    text_, name.spelling, name.offset, {{make_literal(p), part.offset}, {ts.n, ts.offset}}};
  return {compile_call(site), name.offset};
}

// INTERVAL '5' SECOND, INTERVAL 1.5 HOUR, INTERVAL '10 minutes': an int of
// microseconds.
parsed parser::parse_interval(const token& kw) {
  const token& v = next();
  std::string_view body = v.kind == token_kind::string ? std::string_view(v.text) : v.spelling;
  while (!body.empty() && body.front() == ' ') body.remove_prefix(1);
  double value = 0;
  const char* first = body.data() + (!body.empty() && body.front() == '+');
  auto [ptr, ec] = std::from_chars(first, body.data() + body.size(), value);
  if (ec != std::errc() || !std::isfinite(value))
    fail_at(text_, v.offset, "INTERVAL value " + shown(v) + " is not a number");
  std::string_view rest(ptr, static_cast<std::size_t>(body.data() + body.size() - ptr));
  while (!rest.empty() && rest.front() == ' ') rest.remove_prefix(1);
  while (!rest.empty() && rest.back() == ' ') rest.remove_suffix(1);
  double unit = 0;
  if (!rest.empty()) {
    unit = interval_unit(rest);
    if (unit == 0)
      fail_at(text_, v.offset,
              "unknown INTERVAL unit '" + std::string(rest) + "' (units: " + interval_units + ")");
  } else if (peek().kind == token_kind::identifier && (unit = interval_unit(peek().text)) != 0) {
    next();
  } else {
    fail_at(text_, peek().offset,
            "expected a unit after INTERVAL " + std::string(v.spelling) + " (" + interval_units
              + "), got " + describe(peek()));
  }
  double micros = std::round(value * unit);
  if (!(std::fabs(micros) < 9.2e18)) fail_at(text_, kw.offset, "INTERVAL is out of range");
  scalar d;
  d.type = vt::int64;
  d.i = static_cast<std::int64_t>(micros);
  return {make_literal(std::move(d)), kw.offset};
}

} // namespace sluice::core::expr
