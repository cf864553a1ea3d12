// count_distinct: the exact number of distinct non-null values, kept in a
// hash set per group (memory grows with the distinct values).
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <string>
#include <type_traits>
#include <unordered_set>
#include <vector>

#include "sluice/ops/aggregate/exact_aggregates.hpp"
#include "sluice/ops/aggregate/op_aggregate.hpp"

namespace sluice::ops::aggregate {

namespace {

using core::column;
using core::value_type;

/// Fixed-width values as their 64-bit pattern: ints and timestamps as is,
/// doubles with -0.0 folded into 0.0 and every NaN into one, bools as 0/1.
template <value_type T>
std::uint64_t bits_of(const column& c, std::size_t r) {
  if constexpr (T == value_type::float64) {
    double d = c.doubles[r];
    if (d == 0.0) d = 0.0;
    if (std::isnan(d)) d = std::nan("");
    std::uint64_t b;
    std::memcpy(&b, &d, sizeof b);
    return b;
  } else if constexpr (T == value_type::boolean) {
    return c.bools[r] ? 1 : 0;
  } else {
    return static_cast<std::uint64_t>(c.ints[r]);
  }
}

// A set's values sorted, so that its snapshot does not depend on the order
// the hash set happens to hold them in.
template <class Set>
void write_sorted(core::state_writer& w, const Set& s) {
  std::vector<typename Set::value_type> values(s.begin(), s.end());
  std::sort(values.begin(), values.end());
  w.count(values.size());
  for (const auto& v : values) {
    if constexpr (std::is_same_v<typename Set::value_type, std::string>) w.str(v);
    else w.u64(v);
  }
}

template <class Set>
void read_set(core::state_reader& r, Set& s) {
  const std::size_t n = r.count();
  s.reserve(n);
  for (std::size_t i = 0; i < n; ++i) {
    if constexpr (std::is_same_v<typename Set::value_type, std::string>) s.insert(r.str());
    else s.insert(r.u64());
  }
}

template <value_type T>
struct fixed_distinct_op {
  using state = std::unordered_set<std::uint64_t>;
  static constexpr bool counts_rows = false;
  void add(state& s, const column& in, std::size_t row) const { s.insert(bits_of<T>(in, row)); }
  void merge(state& s, const state& later) const { s.insert(later.begin(), later.end()); }
  void result(const state& s, column& out) const {
    out.append_int(static_cast<std::int64_t>(s.size()));
  }
  static void write(core::state_writer& w, const state& s) { write_sorted(w, s); }
  static void read(core::state_reader& r, state& s) { read_set(r, s); }
};

struct string_distinct_op {
  using state = std::unordered_set<std::string>;
  static constexpr bool counts_rows = false;
  void add(state& s, const column& in, std::size_t row) const { s.emplace(in.string_at(row)); }
  void merge(state& s, const state& later) const { s.insert(later.begin(), later.end()); }
  void result(const state& s, column& out) const {
    out.append_int(static_cast<std::int64_t>(s.size()));
  }
  static void write(core::state_writer& w, const state& s) { write_sorted(w, s); }
  static void read(core::state_reader& r, state& s) { read_set(r, s); }
};

} // namespace

std::unique_ptr<aggregate_function> make_count_distinct(const aggregate_entry& e) {
  e.require_field();
  const auto& n = e.name;
  const int i = e.input_index;
  switch (e.field().type) {
    case value_type::int64:
    case value_type::timestamp:
      return make_op_function<fixed_distinct_op<value_type::int64>>(n, i, value_type::int64);
    case value_type::float64:
      return make_op_function<fixed_distinct_op<value_type::float64>>(n, i, value_type::int64);
    case value_type::boolean:
      return make_op_function<fixed_distinct_op<value_type::boolean>>(n, i, value_type::int64);
    case value_type::string: return make_op_function<string_distinct_op>(n, i, value_type::int64);
  }
  e.fail("unsupported field type");
}

} // namespace sluice::ops::aggregate
