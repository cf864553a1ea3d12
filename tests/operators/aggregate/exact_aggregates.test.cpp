#include "operators/aggregate/aggregate_test_util.hpp"

using namespace sluice;
using namespace sluice::test;
using nlohmann::json;

namespace {

core::batch_ptr sample() {
  return make_batch(mixed_schema(), R"([
    [1, 1.5, "b", "2026-01-01T00:00:02Z", true],
    [null, null, null, null, null],
    [3, -0.5, "a", "2026-01-01T00:00:01Z", false],
    [2, 2.0, "c", "2026-01-01T00:00:03Z", true]])");
}

core::batch_ptr all_null() {
  return make_batch(mixed_schema(), R"([[null, null, null, null, null],
                                        [null, null, null, null, null]])");
}

std::string agg(const json& spec, const core::batch_ptr& b = sample()) {
  return aggregate_json(spec, *b);
}

core::value_type result_type(const json& spec) {
  auto list = ops::aggregate::make_aggregates(json::array({spec}), *mixed_schema());
  return list.at(0)->result_type();
}

} // namespace

TEST_CASE("count without a field counts rows; with a field, its non-null values") {
  CHECK(agg({{"fn", "count"}}) == R"({"count":4})");
  CHECK(agg({{"fn", "count"}, {"field", "v"}}) == R"({"count_v":3})");
  CHECK(agg({{"fn", "count"}, {"field", "s"}}, all_null()) == R"({"count_s":0})");
  CHECK(result_type({{"fn", "count"}}) == core::value_type::int64);
}

TEST_CASE("sum keeps int64 for int fields and double for double fields, null when empty") {
  CHECK(agg({{"fn", "sum"}, {"field", "v"}}) == R"({"sum_v":6})");
  CHECK(result_type({{"fn", "sum"}, {"field", "v"}}) == core::value_type::int64);
  CHECK(agg({{"fn", "sum"}, {"field", "x"}}) == R"({"sum_x":3})");
  CHECK(result_type({{"fn", "sum"}, {"field", "x"}}) == core::value_type::float64);
  CHECK(agg({{"fn", "sum"}, {"field", "v"}}, all_null()) == R"({"sum_v":null})");
}

TEST_CASE("an int64 sum is exact whenever the true sum fits, even if a partial sum overflows") {
  auto b = make_batch(mixed_schema(), R"([[9223372036854775807, 0, "", null, null],
                                          [1, 0, "", null, null],
                                          [-2, 0, "", null, null]])");
  CHECK(agg({{"fn", "sum"}, {"field", "v"}}, b) == R"({"sum_v":9223372036854775806})");
}

TEST_CASE("avg is a double mean of the non-null values") {
  CHECK(agg({{"fn", "avg"}, {"field", "v"}}) == R"({"avg_v":2})");
  CHECK(agg({{"fn", "avg"}, {"field", "x"}}) == R"({"avg_x":1})");
  CHECK(result_type({{"fn", "avg"}, {"field", "v"}}) == core::value_type::float64);
  CHECK(agg({{"fn", "avg"}, {"field", "x"}}, all_null()) == R"({"avg_x":null})");
}

TEST_CASE("min and max keep the field's type, for numbers, strings, timestamps and bools") {
  CHECK(agg({{"fn", "min"}, {"field", "v"}}) == R"({"min_v":1})");
  CHECK(agg({{"fn", "max"}, {"field", "v"}}) == R"({"max_v":3})");
  CHECK(agg({{"fn", "min"}, {"field", "x"}}) == R"({"min_x":-0.5})");
  CHECK(agg({{"fn", "max"}, {"field", "x"}}) == R"({"max_x":2})");
  CHECK(agg({{"fn", "min"}, {"field", "s"}}) == R"({"min_s":"a"})");
  CHECK(agg({{"fn", "max"}, {"field", "s"}}) == R"({"max_s":"c"})");
  CHECK(agg({{"fn", "min"}, {"field", "t"}}) == R"({"min_t":"2026-01-01T00:00:01.000Z"})");
  CHECK(agg({{"fn", "max"}, {"field", "t"}}) == R"({"max_t":"2026-01-01T00:00:03.000Z"})");
  CHECK(agg({{"fn", "min"}, {"field", "b"}}) == R"({"min_b":false})");
  CHECK(agg({{"fn", "max"}, {"field", "b"}}) == R"({"max_b":true})");
  CHECK(result_type({{"fn", "max"}, {"field", "t"}}) == core::value_type::timestamp);
  CHECK(result_type({{"fn", "min"}, {"field", "s"}}) == core::value_type::string);
  CHECK(agg({{"fn", "min"}, {"field", "s"}}, all_null()) == R"({"min_s":null})");
}

TEST_CASE("max over doubles puts NaN above every number") {
  core::column x(core::value_type::float64);
  x.append_double(1.0);
  x.append_double(std::nan(""));
  x.append_double(2.0);
  auto fns = ops::aggregate::make_aggregates(
    json::array({{{"fn", "max"}, {"field", "x"}}, {{"fn", "min"}, {"field", "x"}}}),
    *mixed_schema());
  auto mx = fns[0]->create(), mn = fns[1]->create();
  for (std::size_t r = 0; r < 3; ++r) {
    mx->add(&x, r);
    mn->add(&x, r);
  }
  core::column out(core::value_type::float64);
  mx->result(out);
  mn->result(out);
  CHECK(std::isnan(out.doubles[0]));
  CHECK(out.doubles[1] == 1.0);
  CHECK_FALSE(out.has_nulls());
}

TEST_CASE("first and last take the first and last non-null values in arrival order") {
  CHECK(agg({{"fn", "first"}, {"field", "v"}}) == R"({"first_v":1})");
  CHECK(agg({{"fn", "last"}, {"field", "v"}}) == R"({"last_v":2})");
  CHECK(agg({{"fn", "first"}, {"field", "s"}}) == R"({"first_s":"b"})");
  CHECK(agg({{"fn", "last"}, {"field", "s"}}) == R"({"last_s":"c"})");
  CHECK(agg({{"fn", "first"}, {"field", "t"}}) == R"({"first_t":"2026-01-01T00:00:02.000Z"})");
  CHECK(agg({{"fn", "last"}, {"field", "b"}}) == R"({"last_b":true})");
  CHECK(agg({{"fn", "last"}, {"field", "x"}}, all_null()) == R"({"last_x":null})");
}

TEST_CASE("last keeps long strings without losing them on reuse") {
  std::string long_a(100, 'a'), long_b(40, 'b');
  auto b = make_batch(mixed_schema(), "[[1, 1, \"" + long_a + "\", null, null], [1, 1, \"" + long_b
                                        + "\", null, null]]");
  CHECK(agg({{"fn", "last"}, {"field", "s"}}, b) == "{\"last_s\":\"" + long_b + "\"}");
  CHECK(agg({{"fn", "max"}, {"field", "s"}}, b) == "{\"max_s\":\"" + long_b + "\"}");
}

TEST_CASE("stddev and variance are the sample statistics (n - 1), null below two values") {
  CHECK(agg({{"fn", "variance"}, {"field", "v"}}) == R"({"variance_v":1})");
  CHECK(agg({{"fn", "stddev"}, {"field", "v"}}) == R"({"stddev_v":1})");
  CHECK(agg({{"fn", "variance"}, {"field", "x"}}) == R"({"variance_x":1.75})");
  CHECK(agg({{"fn", "stddev"}, {"field", "x"}}) == R"({"stddev_x":1.3228756555322954})");
  auto one = make_batch(mixed_schema(), R"([[5, 5, "", null, null]])");
  CHECK(agg({{"fn", "stddev"}, {"field", "v"}}, one) == R"({"stddev_v":null})");
  CHECK(agg({{"fn", "variance"}, {"field", "x"}}, all_null()) == R"({"variance_x":null})");
  CHECK(result_type({{"fn", "stddev"}, {"field", "v"}}) == core::value_type::float64);
}

TEST_CASE("variance stays accurate for large values with a small spread (Welford)") {
  core::column x(core::value_type::float64);
  for (int i = 0; i < 1000; ++i) x.append_double(1e9 + (i % 2 ? 1.0 : -1.0));
  auto fns = ops::aggregate::make_aggregates(json::array({{{"fn", "variance"}, {"field", "x"}}}),
                                             *mixed_schema());
  auto a = fns[0]->create(), b = fns[0]->create();
  for (std::size_t r = 0; r < 1000; ++r) (r < 300 ? a : b)->add(&x, r);
  a->merge(*b);
  core::column out(core::value_type::float64);
  a->result(out);
  CHECK(out.doubles[0] == Approx(1000.0 / 999.0).epsilon(1e-9));
}

TEST_CASE("count_distinct counts distinct non-null values of any type exactly") {
  auto b = make_batch(mixed_schema(), R"([
    [1, 0.0, "a", "2026-01-01T00:00:01Z", true],
    [1, -0.0, "b", "2026-01-01T00:00:01Z", true],
    [2, 1.0, "a", "2026-01-01T00:00:02Z", false],
    [null, null, null, null, null]])");
  CHECK(agg({{"fn", "count_distinct"}, {"field", "v"}}, b) == R"({"count_distinct_v":2})");
  CHECK(agg({{"fn", "count_distinct"}, {"field", "x"}}, b) == R"({"count_distinct_x":2})");
  CHECK(agg({{"fn", "count_distinct"}, {"field", "s"}}, b) == R"({"count_distinct_s":2})");
  CHECK(agg({{"fn", "count_distinct"}, {"field", "t"}}, b) == R"({"count_distinct_t":2})");
  CHECK(agg({{"fn", "count_distinct"}, {"field", "b"}}, b) == R"({"count_distinct_b":2})");
  CHECK(agg({{"fn", "count_distinct"}, {"field", "s"}}, all_null()) == R"({"count_distinct_s":0})");
}
