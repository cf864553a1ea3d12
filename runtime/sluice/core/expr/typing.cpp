#include "sluice/core/expr/typing.hpp"

#include <optional>
#include <string>

#include "sluice/core/expr/nodes.hpp"

namespace sluice::core::expr {

namespace {

using vt = value_type;

[[noreturn]] void type_error(std::string_view spelling, const char* needs, vt l, vt r,
                             std::size_t column) {
  throw expression_error(column, "operator '" + std::string(spelling) + "' needs " + needs +
                                   ", got " + std::string(name_of(l)) + " and " +
                                   std::string(name_of(r)));
}

bool comparable(vt l, vt r) {
  if (is_numeric(l) && is_numeric(r)) return true;
  return l == r;
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
  if (a->constant() && (!b || b->constant())) return fold_constant(std::move(n));
  return n;
}

} // namespace

node_ptr make_binary(binary_op op, node_ptr l, node_ptr r, std::string_view spelling,
                     std::size_t column) {
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
  }
  return folded(std::move(n), l, r);
}

node_ptr make_unary(unary_op op, node_ptr operand, std::string_view spelling, std::size_t column) {
  vt t = operand->type();
  node_ptr n;
  if (op == unary_op::negate) {
    if (!is_numeric(t))
      throw expression_error(column, "operator '" + std::string(spelling) +
                                       "' needs a number, got " + std::string(name_of(t)));
    n = make_negate(operand);
  } else {
    if (t != vt::boolean)
      throw expression_error(column, "operator '" + std::string(spelling) +
                                       "' needs a bool, got " + std::string(name_of(t)));
    n = make_not(operand);
  }
  return folded(std::move(n), operand);
}

} // namespace sluice::core::expr
