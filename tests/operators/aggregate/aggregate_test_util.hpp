#pragma once

// Runs one aggregate entry over a batch, through both forms of state
// (aggregate_state and aggregate_slots), and returns the result as JSON.

#include <catch2/catch.hpp>

#include <cmath>
#include <string>
#include <vector>

#include "operators/harness.hpp"
#include "sluice/ops/aggregate/aggregate.hpp"

namespace sluice::test {

/// v:int, x:double, s:string, t:timestamp, b:bool.
inline core::schema_ptr mixed_schema() {
  static const auto s = core::make_schema({{"v", core::value_type::int64},
                                           {"x", core::value_type::float64},
                                           {"s", core::value_type::string},
                                           {"t", core::value_type::timestamp},
                                           {"b", core::value_type::boolean}});
  return s;
}

/// The value in `c` (one row) as JSON text, via a one-field batch.
inline std::string value_json(const std::string& name, const core::column& c) {
  auto schema = core::make_schema({{name, c.type()}});
  core::batch b(schema, {std::make_shared<const core::column>(c)}, 1);
  std::string out;
  core::append_json_record(b, 0, out);
  return out;
}

/// The result of aggregate `spec` over rows [0, n) of `b` as `{"name":value}`.
/// Checks that a single state, slots, and two merged halves agree.
inline std::string aggregate_json(const nlohmann::json& spec, const core::batch& b) {
  auto list = ops::aggregate::make_aggregates(nlohmann::json::array({spec}), b.fields());
  const auto& fn = *list.at(0);
  const core::column* in =
    fn.input_index() < 0 ? nullptr : &b.col(static_cast<std::size_t>(fn.input_index()));
  const std::size_t n = b.rows();

  auto whole = fn.create();
  for (std::size_t r = 0; r < n; ++r) whole->add(in, r);
  core::column c1(fn.result_type());
  whole->result(c1);

  auto first = fn.create(), second = fn.create();
  for (std::size_t r = 0; r < n; ++r) (r < n / 2 ? first : second)->add(in, r);
  first->merge(*second);
  core::column c2(fn.result_type());
  first->result(c2);

  // Slots: rows alternate between slots 1 and 2, merged into 0 in order.
  auto slots = fn.create_slots();
  slots->grow(3);
  std::vector<std::uint32_t> rows(n), to(n);
  for (std::size_t r = 0; r < n; ++r) {
    rows[r] = static_cast<std::uint32_t>(r);
    to[r] = r < n / 2 ? 1 : 2;
  }
  slots->add(in, rows.data(), to.data(), n);
  const std::uint32_t into[] = {0, 0}, from[] = {1, 2};
  slots->merge(into, *slots, from, 2);
  core::column c3(fn.result_type());
  const std::uint32_t zero = 0;
  slots->results(&zero, 1, c3);
  slots->reset(&zero, 1);
  core::column c4(fn.result_type());
  slots->results(&zero, 1, c4);
  core::column empty(fn.result_type());
  fn.create()->result(empty);

  auto j1 = value_json(fn.name(), c1);
  CHECK(value_json(fn.name(), c2) == j1);
  CHECK(value_json(fn.name(), c3) == j1);
  CHECK(value_json(fn.name(), c4) == value_json(fn.name(), empty)); // reset = empty
  return j1;
}

} // namespace sluice::test
