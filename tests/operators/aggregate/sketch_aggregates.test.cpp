#include <catch2/catch.hpp>

#include <cmath>
#include <string>

#include "sluice/core/errors.hpp"
#include "sluice/core/time.hpp"
#include "sluice/ops/aggregate/aggregate.hpp"
#include "sluice/ops/aggregate/sketch_aggregates.hpp"

using namespace sluice;
using core::value_type;
using json = nlohmann::json;

namespace {

const core::schema input({{"n", value_type::int64},
                          {"x", value_type::float64},
                          {"s", value_type::string},
                          {"t", value_type::timestamp},
                          {"b", value_type::boolean}});

core::column ints(std::int64_t from, std::int64_t to) {
  core::column c(value_type::int64);
  for (std::int64_t v = from; v < to; ++v) c.append_int(v);
  return c;
}

core::column strings(std::initializer_list<const char*> values) {
  core::column c(value_type::string);
  for (const char* v : values) v ? c.append_string(v) : c.append_null();
  return c;
}

void add_all(ops::aggregate::aggregate_state& s, const core::column& c) {
  for (std::size_t r = 0; r < c.size(); ++r) s.add(&c, r);
}

/// The state's result as a one-row column of the function's type.
core::column result_of(const ops::aggregate::aggregate_function& f,
                       const ops::aggregate::aggregate_state& s) {
  core::column out(f.result_type());
  s.result(out);
  return out;
}

/// The message of the param_error `make` throws, or "" if it builds.
template <typename Make>
std::string error_of(Make make) {
  try {
    make();
  } catch (const core::param_error& e) {
    CHECK(e.param() == "aggregates");
    return e.what();
  }
  return "";
}

} // namespace

TEST_CASE("approx_count_distinct counts 100 000 distinct values within three standard errors") {
  auto f = ops::aggregate::make_approx_count_distinct(
    {{"fn", "approx_count_distinct"}, {"field", "n"}}, input, "distinct_n", 0, "aggregates[0]");
  CHECK(f->name() == "distinct_n");
  CHECK(f->result_type() == value_type::int64);
  auto s = f->create();
  add_all(*s, ints(0, 100000));
  add_all(*s, ints(0, 50000)); // repeats change nothing
  auto out = result_of(*f, *s);
  CHECK(std::fabs(static_cast<double>(out.ints[0]) - 100000.0) <= 3 * 0.0081 * 100000);
}

TEST_CASE("approx_count_distinct skips nulls, gives 0 when empty and merges states") {
  auto f = ops::aggregate::make_approx_count_distinct({}, input, "d", 2, "aggregates[0]");
  auto a = f->create();
  CHECK(result_of(*f, *a).ints[0] == 0);
  add_all(*a, strings({"x", nullptr, "y", "x"}));
  auto b = f->create();
  add_all(*b, strings({"y", "z"}));
  a->merge(*b);
  CHECK(result_of(*f, *a).ints[0] == 3);
}

TEST_CASE("approx_percentile finds percentiles of 0..99999 within the rank bound") {
  for (double p : {0.01, 0.25, 0.5, 0.9, 0.99}) {
    auto f = ops::aggregate::make_approx_percentile(
      {{"fn", "approx_percentile"}, {"field", "n"}, {"p", p}}, input, "pct", 0, "aggregates[1]");
    CHECK(f->result_type() == value_type::float64);
    auto s = f->create();
    // Two states merged, so the merge path is checked too.
    auto other = f->create();
    auto values = ints(0, 100000);
    for (std::size_t r = 0; r < values.size(); ++r) ((r * 7919) % 3 ? *s : *other).add(&values, r);
    s->merge(*other);
    const double got = result_of(*f, *s).doubles[0];
    INFO("p = " << p << ": " << got);
    CHECK(std::fabs((got + 1) / 100000.0 - p) <= 0.0165);
  }
}

TEST_CASE("approx_percentile is exact at 0 and 1 and null when empty") {
  auto lo = ops::aggregate::make_approx_percentile({{"p", 0}}, input, "lo", 1, "aggregates[0]");
  auto hi = ops::aggregate::make_approx_percentile({{"p", 1}}, input, "hi", 1, "aggregates[1]");
  core::column x(value_type::float64);
  for (double v : {3.5, -2.0, 8.25}) x.append_double(v);
  x.append_null();
  auto s_lo = lo->create();
  auto s_hi = hi->create();
  CHECK(result_of(*lo, *s_lo).is_null(0));
  add_all(*s_lo, x);
  add_all(*s_hi, x);
  CHECK(result_of(*lo, *s_lo).doubles[0] == -2.0);
  CHECK(result_of(*hi, *s_hi).doubles[0] == 8.25);
}

TEST_CASE("approx_percentile refuses a missing or out-of-range p and a non-numeric field") {
  auto make = [](json spec, int index) {
    return [spec, index] {
      ops::aggregate::make_approx_percentile(spec, input, "p", index, "aggregates[2]");
    };
  };
  CHECK(error_of(make({{"fn", "approx_percentile"}}, 0))
        == "aggregates[2]: approx_percentile needs \"p\" (0.5 for the median)");
  CHECK(error_of(make({{"p", 1.5}}, 0)) == "aggregates[2]: \"p\" must be in [0, 1], got 1.5");
  CHECK(error_of(make({{"p", "half"}}, 0))
        == "aggregates[2]: \"p\" must be a number in [0, 1], got \"half\"");
  CHECK(error_of(make({{"p", 0.5}}, 2))
        == "aggregates[2]: approx_percentile needs a number field, 's' is a string");
  CHECK(error_of(make({{"p", 0.5}}, -1)) == "aggregates[2]: approx_percentile needs a 'field'");
}

TEST_CASE("top_k gives the most frequent values as a JSON array, most frequent first") {
  auto f = ops::aggregate::make_top_k({{"fn", "top_k"}, {"field", "s"}, {"k", 3}}, input, "top", 2,
                                      "aggregates[0]");
  CHECK(f->result_type() == value_type::string);
  auto s = f->create();
  add_all(*s, strings({"a", "b", "a", "c", "a", "b", nullptr, "d", "a", "b", "c", "a"}));
  CHECK(
    std::string(result_of(*f, *s).string_at(0))
    == R"([{"value": "a", "count": 5}, {"value": "b", "count": 3}, {"value": "c", "count": 2}])");
}

TEST_CASE("top_k renders numbers, booleans and timestamps as JSON values") {
  auto f = ops::aggregate::make_top_k({{"k", 2}}, input, "top", 0, "aggregates[0]");
  auto s = f->create();
  add_all(*s, ints(5, 8));
  add_all(*s, ints(7, 8));
  CHECK(std::string(result_of(*f, *s).string_at(0))
        == R"([{"value": 7, "count": 2}, {"value": 5, "count": 1}])");

  auto ft = ops::aggregate::make_top_k({{"k", 1}}, input, "top", 3, "aggregates[0]");
  auto st = ft->create();
  core::column t(value_type::timestamp);
  t.append_int(core::parse_iso8601("2026-01-01T00:00:01Z").value());
  st->add(&t, 0);
  CHECK(std::string(result_of(*ft, *st).string_at(0))
        == R"([{"value": "2026-01-01T00:00:01.000Z", "count": 1}])");

  auto fb = ops::aggregate::make_top_k({{"k", 5}}, input, "top", 4, "aggregates[0]");
  auto sb = fb->create();
  CHECK(std::string(result_of(*fb, *sb).string_at(0)) == "[]");
  core::column b(value_type::boolean);
  b.append_bool(true);
  sb->add(&b, 0);
  CHECK(std::string(result_of(*fb, *sb).string_at(0)) == R"([{"value": true, "count": 1}])");
}

TEST_CASE("top_k states merge into the top of the union") {
  auto f = ops::aggregate::make_top_k({{"k", 2}}, input, "top", 2, "aggregates[0]");
  auto a = f->create();
  auto b = f->create();
  add_all(*a, strings({"x", "y", "y"}));
  add_all(*b, strings({"x", "x", "z"}));
  a->merge(*b);
  CHECK(std::string(result_of(*f, *a).string_at(0))
        == R"([{"value": "x", "count": 3}, {"value": "y", "count": 2}])");
}

TEST_CASE("top_k refuses a missing, non-integer or non-positive k") {
  auto make = [](json spec) {
    return [spec] { ops::aggregate::make_top_k(spec, input, "top", 2, "aggregates[1]"); };
  };
  CHECK(error_of(make({{"fn", "top_k"}})) == "aggregates[1]: top_k needs \"k\"");
  CHECK(error_of(make({{"k", 0}})) == "aggregates[1]: \"k\" must be in [1, 10000], got 0");
  CHECK(error_of(make({{"k", "3"}})) == "aggregates[1]: \"k\" must be an integer, got \"3\"");
  CHECK(error_of([] {
          ops::aggregate::make_top_k({{"k", 3}}, input, "top", -1, "aggregates[1]");
        })
        == "aggregates[1]: top_k needs a 'field'");
}

TEST_CASE("window aggregate lists build the approximate aggregates by name") {
  auto list = ops::aggregate::make_aggregates(json::parse(R"([
    {"fn": "approx_count_distinct", "field": "n"},
    {"fn": "approx_percentile", "field": "x", "p": 0.5, "as": "median"},
    {"fn": "top_k", "field": "s", "k": 2}])"),
                                              input);
  REQUIRE(list.size() == 3);
  CHECK(list[0]->name() == "approx_count_distinct_n");
  CHECK(list[0]->result_type() == value_type::int64);
  CHECK(list[1]->name() == "median");
  CHECK(list[1]->input_index() == 1);
  CHECK(list[2]->name() == "top_k_s");
  CHECK(list[2]->result_type() == value_type::string);
  try {
    ops::aggregate::make_aggregates(
      json::parse(R"([{"fn": "count"}, {"fn": "approx_percentile", "field": "x", "p": 2}])"),
      input);
    FAIL("no error");
  } catch (const core::param_error& e) {
    CHECK(e.param() == "aggregates");
    CHECK(std::string(e.what()) == "aggregates[1]: \"p\" must be in [0, 1], got 2");
  }
}
