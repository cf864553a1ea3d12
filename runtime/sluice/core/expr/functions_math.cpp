// Math functions: abs round floor ceil sqrt ln log10 exp pow.
// Arguments outside a function's domain (sqrt(-1), ln(0), pow(0, -1)) are row
// errors, as in PostgreSQL; overflow gives IEEE infinity, as double / does.

#include <charconv>
#include <cmath>

#include "sluice/core/expr/call.hpp"
#include "sluice/core/expr/functions.hpp"

namespace sluice::core::expr {

namespace {

using vt = value_type;

std::string number(double x) {
  char buf[32];
  return std::string(buf, std::to_chars(buf, buf + sizeof buf, x).ptr);
}

// f(x, io, i) -> double for every valid row, x read as double.
template <class F>
node_ptr unary_double(call_site& site, F f) {
  if (!site.accept_number(0)) site.mismatch();
  return make_call(vt::float64, site.nodes(), [f](kernel_io& io) {
    with_number_reader<double>(io.args[0], [&](auto x) {
      fill_rows(io, io.out.doubles, [&](std::size_t i) { return f(x[i], io, i); });
    });
  });
}

// An int stays an int (f_int), a double stays a double (f_double).
template <class I, class D>
node_ptr same_type(call_site& site, I f_int, D f_double) {
  if (!site.accept_number(0)) site.mismatch();
  vt t = site.type(0);
  return make_call(t, site.nodes(), [t, f_int, f_double](kernel_io& io) {
    if (t == vt::int64)
      with_number_reader<std::int64_t>(io.args[0], [&](auto x) {
        fill_rows(io, io.out.ints, [&](std::size_t i) { return f_int(x[i]); });
      });
    else
      with_number_reader<double>(io.args[0], [&](auto x) {
        fill_rows(io, io.out.doubles, [&](std::size_t i) { return f_double(x[i]); });
      });
  });
}

std::int64_t identity(std::int64_t x) { return x; }

node_ptr build_abs(call_site& site) {
  return same_type(
    site,
    [](std::int64_t x) {
      auto u = static_cast<std::uint64_t>(x);
      return static_cast<std::int64_t>(x < 0 ? 0 - u : u); // abs(INT64_MIN) wraps
    },
    [](double x) { return std::fabs(x); });
}

node_ptr build_floor(call_site& site) {
  return same_type(site, identity, [](double x) { return std::floor(x); });
}

node_ptr build_ceil(call_site& site) {
  return same_type(site, identity, [](double x) { return std::ceil(x); });
}

// Rounds half away from zero to `digits` decimals (negative: tens, hundreds).
double round_double(double x, std::int64_t digits) {
  if (digits > 300 || !std::isfinite(x)) return x;
  if (digits < -300) return 0;
  double scale = std::pow(10.0, static_cast<double>(digits));
  double r = std::round(x * scale) / scale;
  return std::isfinite(r) ? r : x;
}

std::int64_t round_int(std::int64_t x, std::int64_t digits) {
  if (digits >= 0) return x;
  if (digits < -18) return 0;
  std::int64_t scale = 1;
  for (std::int64_t k = 0; k < -digits; ++k) scale *= 10;
  std::int64_t q = x / scale, r = x % scale;
  if (2 * (r < 0 ? -r : r) >= scale) q += x < 0 ? -1 : 1;
  return static_cast<std::int64_t>(static_cast<std::uint64_t>(q)
                                   * static_cast<std::uint64_t>(scale));
}

node_ptr build_round(call_site& site) {
  bool has_digits = site.args.size() == 2;
  if (!site.accept_number(0) || (has_digits && !site.accept(1, vt::int64))) site.mismatch();
  vt t = site.type(0);
  return make_call(t, site.nodes(), [t, has_digits](kernel_io& io) {
    auto run = [&](auto digits) {
      if (t == vt::int64)
        with_number_reader<std::int64_t>(io.args[0], [&](auto x) {
          fill_rows(io, io.out.ints, [&](std::size_t i) { return round_int(x[i], digits[i]); });
        });
      else
        with_number_reader<double>(io.args[0], [&](auto x) {
          fill_rows(io, io.out.doubles,
                    [&](std::size_t i) { return round_double(x[i], digits[i]); });
        });
    };
    if (has_digits) with_number_reader<std::int64_t>(io.args[1], run);
    else run(constant_reader<std::int64_t>{0});
  });
}

node_ptr build_sqrt(call_site& site) {
  return unary_double(site, [](double x, kernel_io& io, std::size_t i) {
    if (x < 0) io.fail(i, "sqrt() of a negative number: " + number(x));
    return std::sqrt(x);
  });
}

template <double (*log_fn)(double)>
node_ptr build_log(call_site& site) {
  return unary_double(site, [](double x, kernel_io& io, std::size_t i) {
    if (x <= 0) io.fail(i, "logarithm of zero or a negative number: " + number(x));
    return log_fn(x);
  });
}

double natural_log(double x) { return std::log(x); }
double decimal_log(double x) { return std::log10(x); }

node_ptr build_exp(call_site& site) {
  return unary_double(site, [](double x, kernel_io&, std::size_t) { return std::exp(x); });
}

node_ptr build_pow(call_site& site) {
  if (!site.accept_number(0) || !site.accept_number(1)) site.mismatch();
  return make_call(vt::float64, site.nodes(), [](kernel_io& io) {
    with_number_reader<double>(io.args[0], [&](auto x) {
      with_number_reader<double>(io.args[1], [&](auto y) {
        fill_rows(io, io.out.doubles, [&](std::size_t i) {
          double a = x[i], b = y[i];
          if (a == 0 && b < 0) io.fail(i, "pow(): zero raised to a negative power");
          else if (a < 0 && std::trunc(b) != b)
            io.fail(i, "pow(): a negative number raised to a non-integer power");
          return std::pow(a, b);
        });
      });
    });
  });
}

} // namespace

const std::vector<function_def>& math_functions() {
  static const std::vector<function_def> table = {
    {"abs", "abs(number) -> same type", 1, 1, build_abs},
    {"round", "round(number[, digits int]) -> same type", 1, 2, build_round},
    {"floor", "floor(number) -> same type", 1, 1, build_floor},
    {"ceil", "ceil(number) -> same type", 1, 1, build_ceil},
    {"ceiling", "ceiling(number) -> same type", 1, 1, build_ceil},
    {"sqrt", "sqrt(number) -> double", 1, 1, build_sqrt},
    {"ln", "ln(number) -> double", 1, 1, build_log<natural_log>},
    {"log10", "log10(number) -> double", 1, 1, build_log<decimal_log>},
    {"exp", "exp(number) -> double", 1, 1, build_exp},
    {"pow", "pow(number, number) -> double", 2, 2, build_pow},
    {"power", "power(number, number) -> double", 2, 2, build_pow},
  };
  return table;
}

} // namespace sluice::core::expr
