// variance and stddev: sample (n - 1) statistics by Welford's method, merged
// with Chan et al.'s pairwise formula, so panes and partial results combine
// without losing precision.
#include <cmath>
#include <cstdint>

#include "sluice/ops/aggregate/exact_aggregates.hpp"
#include "sluice/ops/aggregate/op_aggregate.hpp"

namespace sluice::ops::aggregate {

namespace {

using core::column;
using core::value_type;

struct welford_state {
  std::int64_t n = 0;
  double mean = 0;
  double m2 = 0; ///< sum of squared deviations from the mean
};

/// `IsInt`: int64 input; `Sqrt`: stddev rather than variance.
template <bool IsInt, bool Sqrt>
struct welford_op {
  using state = welford_state;
  static constexpr bool counts_rows = false;
  void add(state& s, const column& in, std::size_t row) const {
    double x = IsInt ? static_cast<double>(in.ints[row]) : in.doubles[row];
    ++s.n;
    double d = x - s.mean;
    s.mean += d / static_cast<double>(s.n);
    s.m2 += d * (x - s.mean);
  }
  void merge(state& s, const state& later) const {
    if (later.n == 0) return;
    if (s.n == 0) {
      s = later;
      return;
    }
    auto na = static_cast<double>(s.n), nb = static_cast<double>(later.n);
    double n = na + nb, d = later.mean - s.mean;
    s.mean += d * nb / n;
    s.m2 += later.m2 + d * d * na * nb / n;
    s.n += later.n;
  }
  void result(const state& s, column& out) const {
    if (s.n < 2) {
      out.append_null();
      return;
    }
    double var = s.m2 / static_cast<double>(s.n - 1);
    if (var < 0) var = 0; // rounding on constant input
    out.append_double(Sqrt ? std::sqrt(var) : var);
  }
  static void write(core::state_writer& w, const state& s) {
    w.i64(s.n);
    w.f64(s.mean);
    w.f64(s.m2);
  }
  static void read(core::state_reader& r, state& s) {
    s.n = r.i64();
    s.mean = r.f64();
    s.m2 = r.f64();
  }
};

template <bool Sqrt>
std::unique_ptr<aggregate_function> make_moment(const aggregate_entry& e) {
  e.require_number();
  if (e.field().type == value_type::int64)
    return make_op_function<welford_op<true, Sqrt>>(e.name, e.input_index, value_type::float64);
  return make_op_function<welford_op<false, Sqrt>>(e.name, e.input_index, value_type::float64);
}

} // namespace

std::unique_ptr<aggregate_function> make_variance(const aggregate_entry& e) {
  return make_moment<false>(e);
}

std::unique_ptr<aggregate_function> make_stddev(const aggregate_entry& e) {
  return make_moment<true>(e);
}

} // namespace sluice::ops::aggregate
