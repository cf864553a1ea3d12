#include "sluice/core/expr/typing.hpp"

#include <optional>
#include <string>

#include "sluice/core/expr/nodes.hpp"

namespace sluice::core::expr {

namespace {

using vt = value_type;

[[noreturn]] void type_error(std::string_view spelling, const char* needs, vt l, vt r,
                             std::size_t column) {
  throw expression_error(column, "operator '" + std::string(spelling) + "' needs " + needs
                                   + ", got " + std::string(name_of(l)) + " and "
                                   + std::string(name_of(r)));
}

// The node for + - * / %, or nullopt when the types do not fit.
std::optional<node_ptr> arithmetic(binary_op op, const node_ptr& l, const node_ptr& r) {
  vt a = l->type(), b = r->type();
  arithmetic_op aop = op == binary_op::add   ? arithmetic_op::add
                      : op == binary_op::sub ? arithmetic_op::sub
                      : op == binary_op::mul ? arithmetic_op::mul
                      : op == binary_op::div ? arithmetic_op::div
                                             : arithmetic_op::mod;
  if (is_numeric(a) && is_numeric(b)) {
    bool as_double = a == vt::float64 || b == vt::float64;
    return make_arithmetic(aop, l, r, as_double, as_double ? vt::float64 : vt::int64);
  }
  if (op == binary_op::add) {
    if (a == vt::string && b == vt::string) return make_concat(l, r);
    if ((a == vt::timestamp && b == vt::int64) || (a == vt::int64 && b == vt::timestamp))
      return make_arithmetic(aop, l, r, false, vt::timestamp);
  }
  if (op == binary_op::sub && a == vt::timestamp) {
    if (b == vt::int64) return make_arithmetic(aop, l, r, false, vt::timestamp);
    if (b == vt::timestamp) return make_arithmetic(aop, l, r, false, vt::int64);
  }
  return std::nullopt;
}

const char* arithmetic_needs(binary_op op) {
  switch (op) {
    case binary_op::add: return "numbers, strings, or a timestamp and an int";
    case binary_op::sub: return "numbers, timestamp - int, or timestamp - timestamp";
    default: return "numbers";
  }
}

compare_op compare_of(binary_op op) {
  switch (op) {
    case binary_op::eq: return compare_op::eq;
    case binary_op::ne: return compare_op::ne;
    case binary_op::lt: return compare_op::lt;
    case binary_op::le: return compare_op::le;
    case binary_op::gt: return compare_op::gt;
    default: return compare_op::ge;
  }
}

node_ptr folded(node_ptr n, const node_ptr& a, const node_ptr& b = nullptr) {
  if (is_constant(a) && (!b || is_constant(b))) return fold_constant(std::move(n));
  return n;
}

// The type an untyped NULL on one side of `op` takes from the other side
// (`other` is null when both sides are NULL).
vt null_type_for(binary_op op, const node_ptr& other, bool null_on_left) {
  switch (op) {
    case binary_op::and_:
    case binary_op::or_: return vt::boolean;
    case binary_op::concat: return vt::string;
    default: break;
  }
  if (!other) return vt::int64;
  vt t = other->type();
  // ts + NULL, NULL + ts, ts - NULL: the NULL is a duration (int).
  if (t == vt::timestamp && (op == binary_op::add || (op == binary_op::sub && !null_on_left)))
    return vt::int64;
  return t;
}

void type_nulls(binary_op op, node_ptr& l, node_ptr& r) {
  bool ln = is_untyped_null(l), rn = is_untyped_null(r);
  if (ln) l = make_null(null_type_for(op, rn ? nullptr : r, true));
  if (rn) r = make_null(null_type_for(op, ln ? nullptr : l, false));
}

} // namespace

bool comparable(vt l, vt r) {
  if (is_numeric(l) && is_numeric(r)) return true;
  return l == r;
}

bool is_constant(const node_ptr& n) { return n->constant() || is_null_constant(n); }

std::optional<value_type> unify(const std::vector<node_ptr>& values, std::size_t& clash) {
  std::optional<vt> common;
  for (std::size_t k = 0; k < values.size(); ++k) {
    if (is_untyped_null(values[k])) continue;
    vt t = values[k]->type();
    if (!common || *common == t) common = t;
    else if (is_numeric(*common) && is_numeric(t)) common = vt::float64;
    else {
      clash = k;
      return std::nullopt;
    }
  }
  clash = values.size();
  return common;
}

node_ptr coerce(node_ptr n, value_type t) {
  if (is_untyped_null(n)) return make_null(t);
  if (n->type() == vt::int64 && t == vt::float64) return make_cast(std::move(n), t);
  return n;
}

node_ptr make_binary(binary_op op, node_ptr l, node_ptr r, std::string_view spelling,
                     std::size_t column) {
  type_nulls(op, l, r);
  vt a = l->type(), b = r->type();
  node_ptr n;
  switch (op) {
    case binary_op::add:
    case binary_op::sub:
    case binary_op::mul:
    case binary_op::div:
    case binary_op::mod: {
      auto made = arithmetic(op, l, r);
      if (!made) type_error(spelling, arithmetic_needs(op), a, b, column);
      n = std::move(*made);
      break;
    }
    case binary_op::eq:
    case binary_op::ne:
    case binary_op::lt:
    case binary_op::le:
    case binary_op::gt:
    case binary_op::ge:
      if (!comparable(a, b)) type_error(spelling, "comparable types", a, b, column);
      n = make_compare(compare_of(op), l, r);
      break;
    case binary_op::and_:
    case binary_op::or_:
      if (a != vt::boolean || b != vt::boolean) type_error(spelling, "bools", a, b, column);
      n = make_logic(op == binary_op::and_ ? logic_op::and_ : logic_op::or_, l, r);
      break;
    case binary_op::concat:
      if (a != vt::string && b != vt::string)
        type_error(spelling, "a string on one side", a, b, column);
      n = make_concat(make_cast(l, vt::string), make_cast(r, vt::string));
      break;
  }
  return folded(std::move(n), l, r);
}

node_ptr make_unary(unary_op op, node_ptr operand, std::string_view spelling, std::size_t column) {
  operand = typed_as(std::move(operand), op == unary_op::negate ? vt::int64 : vt::boolean);
  vt t = operand->type();
  node_ptr n;
  if (op == unary_op::negate) {
    if (!is_numeric(t))
      throw expression_error(column, "operator '" + std::string(spelling) + "' needs a number, got "
                                       + std::string(name_of(t)));
    n = make_negate(operand);
  } else {
    if (t != vt::boolean)
      throw expression_error(column, "operator '" + std::string(spelling) + "' needs a bool, got "
                                       + std::string(name_of(t)));
    n = make_not(operand);
  }
  return folded(std::move(n), operand);
}

} // namespace sluice::core::expr
