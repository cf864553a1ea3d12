// count, sum and avg.
#include <cstdint>

#include "sluice/ops/aggregate/exact_aggregates.hpp"
#include "sluice/ops/aggregate/op_aggregate.hpp"

namespace sluice::ops::aggregate {

namespace {

using core::column;
using core::value_type;

struct count_op {
  using state = std::int64_t;
  static constexpr bool counts_rows = true;
  static constexpr bool int_state_is_result = true;
  void add(state& s, const column&, std::size_t) const { ++s; }
  void add_row(state& s) const { ++s; }
  void merge(state& s, const state& later) const { s += later; }
  void result(const state& s, column& out) const { out.append_int(s); }
  static void write(core::state_writer& w, const state& s) { w.i64(s); }
  static void read(core::state_reader& r, state& s) { s = r.i64(); }
};

struct int_sum_state {
  std::uint64_t sum = 0; ///< unsigned: wraps instead of overflowing
  bool any = false;
};

struct int_sum_op {
  using state = int_sum_state;
  static constexpr bool counts_rows = false;
  void add(state& s, const column& in, std::size_t row) const {
    s.sum += static_cast<std::uint64_t>(in.ints[row]);
    s.any = true;
  }
  void merge(state& s, const state& later) const {
    s.sum += later.sum;
    s.any = s.any || later.any;
  }
  void result(const state& s, column& out) const {
    if (s.any) out.append_int(static_cast<std::int64_t>(s.sum));
    else out.append_null();
  }
  static void write(core::state_writer& w, const state& s) {
    w.u64(s.sum);
    w.boolean(s.any);
  }
  static void read(core::state_reader& r, state& s) {
    s.sum = r.u64();
    s.any = r.boolean();
  }
};

struct double_sum_state {
  double sum = 0;
  bool any = false;
};

struct double_sum_op {
  using state = double_sum_state;
  static constexpr bool counts_rows = false;
  void add(state& s, const column& in, std::size_t row) const {
    s.sum += in.doubles[row];
    s.any = true;
  }
  void merge(state& s, const state& later) const {
    s.sum += later.sum;
    s.any = s.any || later.any;
  }
  void result(const state& s, column& out) const {
    if (s.any) out.append_double(s.sum);
    else out.append_null();
  }
  static void write(core::state_writer& w, const state& s) {
    w.f64(s.sum);
    w.boolean(s.any);
  }
  static void read(core::state_reader& r, state& s) {
    s.sum = r.f64();
    s.any = r.boolean();
  }
};

struct avg_state {
  double sum = 0;
  std::int64_t n = 0;
};

/// `IsInt`: the input column holds int64 values.
template <bool IsInt>
struct avg_op {
  using state = avg_state;
  static constexpr bool counts_rows = false;
  void add(state& s, const column& in, std::size_t row) const {
    if constexpr (IsInt) s.sum += static_cast<double>(in.ints[row]);
    else s.sum += in.doubles[row];
    ++s.n;
  }
  void merge(state& s, const state& later) const {
    s.sum += later.sum;
    s.n += later.n;
  }
  void result(const state& s, column& out) const {
    if (s.n) out.append_double(s.sum / static_cast<double>(s.n));
    else out.append_null();
  }
  static void write(core::state_writer& w, const state& s) {
    w.f64(s.sum);
    w.i64(s.n);
  }
  static void read(core::state_reader& r, state& s) {
    s.sum = r.f64();
    s.n = r.i64();
  }
};

} // namespace

std::unique_ptr<aggregate_function> make_count(const aggregate_entry& e) {
  return make_op_function<count_op>(e.name, e.input_index, value_type::int64);
}

std::unique_ptr<aggregate_function> make_sum(const aggregate_entry& e) {
  e.require_number();
  if (e.field().type == value_type::int64)
    return make_op_function<int_sum_op>(e.name, e.input_index, value_type::int64);
  return make_op_function<double_sum_op>(e.name, e.input_index, value_type::float64);
}

std::unique_ptr<aggregate_function> make_avg(const aggregate_entry& e) {
  e.require_number();
  if (e.field().type == value_type::int64)
    return make_op_function<avg_op<true>>(e.name, e.input_index, value_type::float64);
  return make_op_function<avg_op<false>>(e.name, e.input_index, value_type::float64);
}

} // namespace sluice::ops::aggregate
