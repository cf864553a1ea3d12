// = != < <= > >= on numbers, strings, bools and timestamps.

#include <functional>

#include "sluice/core/expr/kernels.hpp"
#include "sluice/core/expr/nodes.hpp"

namespace sluice::core::expr {

namespace {

enum class compare_as { int64, float64, boolean, string };

compare_as common_kind(value_type l, value_type r) {
  if (l == value_type::string) return compare_as::string;
  if (l == value_type::boolean) return compare_as::boolean;
  if (l == r) return l == value_type::float64 ? compare_as::float64 : compare_as::int64;
  return compare_as::float64; // int64 with float64
}

template <class L, class R, class F>
void apply(std::uint8_t* out, L l, R r, std::size_t n, F f) {
  for (std::size_t i = 0; i < n; ++i) out[i] = f(l[i], r[i]);
}

template <class L, class R>
void compare_all(compare_op op, std::uint8_t* out, L l, R r, std::size_t n) {
  switch (op) {
    case compare_op::eq: apply(out, l, r, n, std::equal_to<>{}); break;
    case compare_op::ne: apply(out, l, r, n, std::not_equal_to<>{}); break;
    case compare_op::lt: apply(out, l, r, n, std::less<>{}); break;
    case compare_op::le: apply(out, l, r, n, std::less_equal<>{}); break;
    case compare_op::gt: apply(out, l, r, n, std::greater<>{}); break;
    case compare_op::ge: apply(out, l, r, n, std::greater_equal<>{}); break;
  }
}

class compare_node final : public node {
public:
  compare_node(compare_op op, node_ptr l, node_ptr r)
    : node(value_type::boolean), op_(op), kind_(common_kind(l->type(), r->type())),
      l_(std::move(l)), r_(std::move(r)) {}

  column_ptr evaluate(const batch& b, row_errors* errors) const override {
    std::size_t n = b.rows();
    operand l = evaluate_operand(*l_, b, errors);
    operand r = evaluate_operand(*r_, b, errors);
    auto out = std::make_shared<column>(value_type::boolean);
    out->valid = valid_in_both(l, r, n);
    out->bools.resize(n);
    std::uint8_t* p = out->bools.data();
    auto run = [&](auto lr, auto rr) { compare_all(op_, p, lr, rr, n); };
    switch (kind_) {
      case compare_as::int64:
        with_number_reader<std::int64_t>(
          l, [&](auto lr) { with_number_reader<std::int64_t>(r, [&](auto rr) { run(lr, rr); }); });
        break;
      case compare_as::float64:
        with_number_reader<double>(
          l, [&](auto lr) { with_number_reader<double>(r, [&](auto rr) { run(lr, rr); }); });
        break;
      case compare_as::boolean:
        with_bool_reader(l, [&](auto lr) { with_bool_reader(r, [&](auto rr) { run(lr, rr); }); });
        break;
      case compare_as::string:
        with_string_reader(l,
                           [&](auto lr) { with_string_reader(r, [&](auto rr) { run(lr, rr); }); });
        break;
    }
    return out;
  }

private:
  compare_op op_;
  compare_as kind_;
  node_ptr l_, r_;
};

} // namespace

node_ptr make_compare(compare_op op, node_ptr l, node_ptr r) {
  return std::make_shared<const compare_node>(op, std::move(l), std::move(r));
}

} // namespace sluice::core::expr
