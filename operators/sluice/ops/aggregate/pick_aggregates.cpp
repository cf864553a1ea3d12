// min, max, first and last: keep one value of the field, of any type.
#include <cmath>
#include <cstdint>
#include <string>
#include <string_view>

#include "sluice/ops/aggregate/exact_aggregates.hpp"
#include "sluice/ops/aggregate/op_aggregate.hpp"

namespace sluice::ops::aggregate {

namespace {

using core::column;
using core::value_type;

// A cell reads, stores, orders and writes one value type.
struct int_cell { // int64 and timestamp
  using stored = std::int64_t;
  static stored get(const column& c, std::size_t r) { return c.ints[r]; }
  static bool less(stored a, stored b) { return a < b; }
  static void set(stored& d, stored v) { d = v; }
  static void put(stored v, column& out) { out.append_int(v); }
  static void write(core::state_writer& w, stored v) { w.i64(v); }
  static stored read(core::state_reader& r) { return r.i64(); }
};

struct double_cell { // NaN sorts above every number, as in PostgreSQL
  using stored = double;
  static stored get(const column& c, std::size_t r) { return c.doubles[r]; }
  static bool less(stored a, stored b) {
    if (std::isnan(a)) return false;
    return std::isnan(b) || a < b;
  }
  static void set(stored& d, stored v) { d = v; }
  static void put(stored v, column& out) { out.append_double(v); }
  static void write(core::state_writer& w, stored v) { w.f64(v); }
  static stored read(core::state_reader& r) { return r.f64(); }
};

struct bool_cell { // false < true
  using stored = bool;
  static stored get(const column& c, std::size_t r) { return c.bools[r] != 0; }
  static bool less(stored a, stored b) { return !a && b; }
  static void set(stored& d, stored v) { d = v; }
  static void put(stored v, column& out) { out.append_bool(v); }
  static void write(core::state_writer& w, stored v) { w.boolean(v); }
  static stored read(core::state_reader& r) { return r.boolean(); }
};

struct string_cell { // bytewise (UTF-8 code point order)
  using stored = std::string;
  static std::string_view get(const column& c, std::size_t r) { return c.string_at(r); }
  static bool less(std::string_view a, std::string_view b) { return a < b; }
  static void set(stored& d, std::string_view v) { d.assign(v.data(), v.size()); } // keeps capacity
  static void put(const stored& v, column& out) { out.append_string(v); }
  static void write(core::state_writer& w, const stored& v) { w.str(v); }
  static stored read(core::state_reader& r) { return r.str(); }
};

enum class pick { min, max, first, last };

template <class Cell>
struct pick_state {
  typename Cell::stored value{};
  bool any = false;
};

template <class Cell, pick P>
struct pick_op {
  using state = pick_state<Cell>;
  static constexpr bool counts_rows = false;

  // Whether `candidate` replaces the held value `held` (candidate is later).
  template <class A, class B>
  static bool replaces(const A& candidate, const B& held) {
    if constexpr (P == pick::min) return Cell::less(candidate, held);
    else if constexpr (P == pick::max) return Cell::less(held, candidate);
    else return P == pick::last;
  }

  void add(state& s, const column& in, std::size_t row) const {
    auto v = Cell::get(in, row);
    if (!s.any || replaces(v, s.value)) {
      Cell::set(s.value, v);
      s.any = true;
    }
  }
  void merge(state& s, const state& later) const {
    if (!later.any) return;
    if (!s.any || replaces(later.value, s.value)) {
      s.value = later.value;
      s.any = true;
    }
  }
  void result(const state& s, column& out) const {
    if (s.any) Cell::put(s.value, out);
    else out.append_null();
  }
  // The value only when there is one: an empty state holds none.
  static void write(core::state_writer& w, const state& s) {
    w.boolean(s.any);
    if (s.any) Cell::write(w, s.value);
  }
  static void read(core::state_reader& r, state& s) {
    s.any = r.boolean();
    if (s.any) s.value = Cell::read(r);
  }
};

template <pick P>
std::unique_ptr<aggregate_function> make_pick(const aggregate_entry& e) {
  e.require_field();
  const value_type t = e.field().type;
  switch (t) {
    case value_type::int64:
    case value_type::timestamp:
      return make_op_function<pick_op<int_cell, P>>(e.name, e.input_index, t);
    case value_type::float64:
      return make_op_function<pick_op<double_cell, P>>(e.name, e.input_index, t);
    case value_type::boolean:
      return make_op_function<pick_op<bool_cell, P>>(e.name, e.input_index, t);
    case value_type::string:
      return make_op_function<pick_op<string_cell, P>>(e.name, e.input_index, t);
  }
  e.fail("unsupported field type");
}

} // namespace

std::unique_ptr<aggregate_function> make_min(const aggregate_entry& e) {
  return make_pick<pick::min>(e);
}
std::unique_ptr<aggregate_function> make_max(const aggregate_entry& e) {
  return make_pick<pick::max>(e);
}
std::unique_ptr<aggregate_function> make_first(const aggregate_entry& e) {
  return make_pick<pick::first>(e);
}
std::unique_ptr<aggregate_function> make_last(const aggregate_entry& e) {
  return make_pick<pick::last>(e);
}

} // namespace sluice::ops::aggregate
