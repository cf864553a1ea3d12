// + - * / % on numbers and timestamps, and unary minus.

#include <cmath>

#include "sluice/core/expr/kernels.hpp"
#include "sluice/core/expr/nodes.hpp"

namespace sluice::core::expr {

namespace {

// int64 arithmetic wraps on overflow (two's complement) instead of being
// undefined behaviour.
std::int64_t wrapped(std::uint64_t v) { return static_cast<std::int64_t>(v); }
std::uint64_t bits(std::int64_t v) { return static_cast<std::uint64_t>(v); }

struct add_fn {
  std::int64_t operator()(std::int64_t a, std::int64_t b) const {
    return wrapped(bits(a) + bits(b));
  }
  double operator()(double a, double b) const { return a + b; }
};
struct sub_fn {
  std::int64_t operator()(std::int64_t a, std::int64_t b) const {
    return wrapped(bits(a) - bits(b));
  }
  double operator()(double a, double b) const { return a - b; }
};
struct mul_fn {
  std::int64_t operator()(std::int64_t a, std::int64_t b) const {
    return wrapped(bits(a) * bits(b));
  }
  double operator()(double a, double b) const { return a * b; }
};
struct div_fn {
  double operator()(double a, double b) const { return a / b; }
};
struct mod_fn {
  double operator()(double a, double b) const { return std::fmod(a, b); }
};

template <class T, class L, class R, class F>
void apply(T* out, L l, R r, std::size_t n, F f) {
  for (std::size_t i = 0; i < n; ++i) out[i] = f(l[i], r[i]);
}

// Integer / and %: a zero divisor on a non-null row is a row error and makes
// the row null. x / -1 is spelled out because INT64_MIN / -1 traps.
template <class L, class R>
void divide_ints(std::int64_t* out, L l, R r, std::size_t n, bool modulo,
                 std::vector<std::uint8_t>& valid, row_errors* errors) {
  for (std::size_t i = 0; i < n; ++i) {
    std::int64_t d = r[i];
    if (d == 0) {
      out[i] = 0;
      if (!valid.empty() && !valid[i]) continue;
      if (valid.empty()) valid.assign(n, 1);
      valid[i] = 0;
      report(errors, i, "division by zero");
    } else if (d == -1) {
      out[i] = modulo ? 0 : wrapped(0 - bits(l[i]));
    } else {
      out[i] = modulo ? l[i] % d : l[i] / d;
    }
  }
}

class arithmetic_node final : public node {
public:
  arithmetic_node(arithmetic_op op, node_ptr l, node_ptr r, bool as_double, value_type result)
    : node(result), op_(op), l_(std::move(l)), r_(std::move(r)), as_double_(as_double) {}

  column_ptr evaluate(const batch& b, row_errors* errors) const override {
    std::size_t n = b.rows();
    operand l = evaluate_operand(*l_, b, errors);
    operand r = evaluate_operand(*r_, b, errors);
    auto out = std::make_shared<column>(type());
    out->valid = valid_in_both(l, r, n);
    if (as_double_) compute<double>(l, r, n, out->doubles, out->valid, errors);
    else compute<std::int64_t>(l, r, n, out->ints, out->valid, errors);
    return out;
  }

private:
  template <class T>
  void compute(const operand& l, const operand& r, std::size_t n, std::vector<T>& values,
               std::vector<std::uint8_t>& valid, row_errors* errors) const {
    values.resize(n);
    T* out = values.data();
    with_number_reader<T>(l, [&](auto lr) {
      with_number_reader<T>(r, [&](auto rr) {
        switch (op_) {
          case arithmetic_op::add: apply(out, lr, rr, n, add_fn{}); break;
          case arithmetic_op::sub: apply(out, lr, rr, n, sub_fn{}); break;
          case arithmetic_op::mul: apply(out, lr, rr, n, mul_fn{}); break;
          case arithmetic_op::div:
          case arithmetic_op::mod:
            if constexpr (std::is_same_v<T, double>) {
              if (op_ == arithmetic_op::div) apply(out, lr, rr, n, div_fn{});
              else apply(out, lr, rr, n, mod_fn{});
            } else {
              divide_ints(out, lr, rr, n, op_ == arithmetic_op::mod, valid, errors);
            }
            break;
        }
      });
    });
  }

  arithmetic_op op_;
  node_ptr l_, r_;
  bool as_double_;
};

class negate_node final : public node {
public:
  explicit negate_node(node_ptr operand) : node(operand->type()), operand_(std::move(operand)) {}

  column_ptr evaluate(const batch& b, row_errors* errors) const override {
    std::size_t n = b.rows();
    operand o = evaluate_operand(*operand_, b, errors);
    auto out = std::make_shared<column>(type());
    if (o.has_nulls()) out->valid = o.col->valid;
    if (type() == value_type::float64) {
      out->doubles.resize(n);
      double* p = out->doubles.data();
      with_number_reader<double>(o, [&](auto in) {
        for (std::size_t i = 0; i < n; ++i) p[i] = -in[i];
      });
    } else {
      out->ints.resize(n);
      std::int64_t* p = out->ints.data();
      with_number_reader<std::int64_t>(o, [&](auto in) {
        for (std::size_t i = 0; i < n; ++i) p[i] = wrapped(0 - bits(in[i]));
      });
    }
    return out;
  }

private:
  node_ptr operand_;
};

} // namespace

node_ptr make_arithmetic(arithmetic_op op, node_ptr l, node_ptr r, bool as_double,
                         value_type result) {
  return std::make_shared<const arithmetic_node>(op, std::move(l), std::move(r), as_double, result);
}

node_ptr make_negate(node_ptr operand) {
  return std::make_shared<const negate_node>(std::move(operand));
}

} // namespace sluice::core::expr
