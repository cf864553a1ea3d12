#include "expr_test_support.hpp"

#include "sluice/core/errors.hpp"

using namespace sluice::core;
using namespace sluice::core::expr;
using namespace sluice::core::expr::test;

namespace {

const std::nullopt_t null = std::nullopt;

value_type type_of(std::string_view text) {
  return compiled_expression::compile(text, events_schema()).type();
}

} // namespace

TEST_CASE("a searched CASE takes the first WHEN that is true, else ELSE, else null") {
  auto b = table().ints("x", {1, 5, 10, null}).build();
  CHECK(strings_of(*eval("CASE WHEN x < 3 THEN 'low' WHEN x < 8 THEN 'mid' ELSE 'high' END", b))
        == col<std::string>{"low", "mid", "high", "high"});
  CHECK(strings_of(*eval("case when x < 3 then 'low' when x < 8 then 'mid' end", b))
        == col<std::string>{"low", "mid", null, null});
  CHECK(ints_of(*eval("CASE WHEN x > 1 THEN x * 10 ELSE -x END", b))
        == col<std::int64_t>{-1, 50, 100, null});
}

TEST_CASE("a simple CASE compares its value with each WHEN") {
  auto b = table().strings("k", {"a", "b", "z", null}).build();
  CHECK(ints_of(*eval("CASE k WHEN 'a' THEN 1 WHEN 'b' THEN 2 ELSE 0 END", b))
        == col<std::int64_t>{1, 2, 0, 0});
  auto t = table().timestamps("ts", {0, 1}).build();
  CHECK(bools_of(*eval("CASE ts WHEN '1970-01-01T00:00:00Z' THEN true ELSE false END", t))
        == col<bool>{true, false});
}

TEST_CASE("CASE results unify: int with double gives double, NULL takes the others' type") {
  CHECK(type_of("CASE WHEN seq > 1 THEN 1 ELSE 2.5 END") == value_type::float64);
  CHECK(type_of("CASE WHEN seq > 1 THEN NULL ELSE key END") == value_type::string);
  CHECK(type_of("CASE WHEN seq > 1 THEN ts END") == value_type::timestamp);
  auto b = table().ints("x", {1, 2}).build();
  CHECK(doubles_of(*eval("CASE WHEN x = 1 THEN x ELSE 0.5 END", b)) == col<double>{1.0, 0.5});
  CHECK(ints_of(*eval("CASE WHEN x = 1 THEN NULL ELSE x END", b)) == col<std::int64_t>{null, 2});
}

TEST_CASE("CASE reports row errors only for the parts a row actually uses") {
  auto b = table().ints("x", {0, 2, 0}).build();
  row_errors errors;
  auto c = eval("CASE WHEN x = 0 THEN -1 ELSE 10 / x END", b, &errors);
  CHECK(errors.empty());
  CHECK(ints_of(*c) == col<std::int64_t>{-1, 5, -1});
  CHECK_NOTHROW(eval("CASE WHEN x <> 0 THEN 10 / x END", b));
  row_errors used;
  CHECK(ints_of(*eval("CASE WHEN x = 0 THEN 10 / x ELSE 1 END", b, &used))
        == col<std::int64_t>{null, 1, null});
  CHECK(used.rows == std::vector<std::uint32_t>{0, 2});
}

TEST_CASE("mismatched CASE results are an error at the CASE") {
  auto e = compile_error("seq + CASE WHEN seq > 1 THEN 1 ELSE 'x' END");
  CHECK(e.position == 7);
  CHECK(e.message == "CASE results have different types: int and string");
}

TEST_CASE("malformed CASE expressions are errors where they go wrong") {
  auto e = compile_error("CASE WHEN seq THEN 1 END");
  CHECK(e.position == 11);
  CHECK(e.message == "WHEN condition must be a bool, got int");
  auto f = compile_error("CASE WHEN seq > 1 1 END");
  CHECK(f.position == 19);
  CHECK(f.message == "expected THEN after the WHEN at column 6, got '1'");
  auto g = compile_error("CASE WHEN seq > 1 THEN 1");
  CHECK(g.position == 25);
  CHECK(g.message == "expected END to close the CASE at column 1, got end of expression");
  auto h = compile_error("CASE END");
  CHECK(h.position == 6);
  CHECK(h.message == "expected WHEN in CASE, got 'END'");
  auto i = compile_error("CASE seq WHEN 'a' THEN 1 END");
  CHECK(i.position == 15);
  CHECK(i.message
        == "WHEN value has type string, which does not compare with the CASE value's int");
}

TEST_CASE("CAST converts between numbers, bools and strings") {
  auto b = table().ints("i", {1, 0, -7, null}).doubles("d", {2.5, -2.5, 0.4, null}).build();
  CHECK(doubles_of(*eval("CAST(i AS double)", b)) == col<double>{1.0, 0.0, -7.0, null});
  CHECK(ints_of(*eval("CAST(d AS int)", b)) == col<std::int64_t>{3, -3, 0, null});
  CHECK(ints_of(*eval("cast(d as BIGINT)", b)) == col<std::int64_t>{3, -3, 0, null});
  CHECK(bools_of(*eval("CAST(i AS bool)", b)) == col<bool>{true, false, true, null});
  CHECK(strings_of(*eval("CAST(i AS string)", b)) == col<std::string>{"1", "0", "-7", null});
  CHECK(strings_of(*eval("CAST(d AS string)", b)) == col<std::string>{"2.5", "-2.5", "0.4", null});
  CHECK(strings_of(*eval("CAST(i > 0 AS string)", b))
        == col<std::string>{"true", "false", "false", null});
  CHECK(ints_of(*eval("CAST(true AS int)", b)) == col<std::int64_t>{1, 1, 1, 1});
  CHECK(type_of("CAST(NULL AS timestamp)") == value_type::timestamp);
  CHECK(type_of("CAST(seq AS integer)") == value_type::int64);
}

TEST_CASE("CAST parses strings, and a string that does not parse is a row error") {
  auto b = table().strings("s", {"42", " -3 ", "4.5", "abc", null}).build();
  row_errors errors;
  CHECK(ints_of(*eval("CAST(s AS int)", b, &errors))
        == col<std::int64_t>{42, -3, null, null, null});
  CHECK(errors.rows == std::vector<std::uint32_t>{2, 3});
  CHECK(errors.reasons
        == std::vector<std::string>{"cannot cast '4.5' to int", "cannot cast 'abc' to int"});
  row_errors d;
  CHECK(doubles_of(*eval("CAST(s AS double)", b, &d)) == col<double>{42.0, -3.0, 4.5, null, null});
  CHECK(d.reasons == std::vector<std::string>{"cannot cast 'abc' to double"});
  CHECK_THROWS_AS(eval("CAST(s AS int)", b), record_error);
}

TEST_CASE("CAST reads bools as true/false, yes/no, on/off, 1/0") {
  auto b = table().strings("s", {"true", "FALSE", "yes", "n", "1", "maybe"}).build();
  row_errors errors;
  CHECK(bools_of(*eval("CAST(s AS bool)", b, &errors))
        == col<bool>{true, false, true, false, true, null});
  REQUIRE(errors.rows == std::vector<std::uint32_t>{5});
  CHECK(errors.reasons[0] == "cannot cast 'maybe' to bool (expected true or false)");
}

TEST_CASE("CAST between strings and timestamps uses ISO-8601 with milliseconds") {
  auto b = table()
             .strings("s", {"2026-01-01T12:30:00Z", "2026-01-01", "yesterday"})
             .timestamps("ts", {1'767'270'600'123'456, 0, -1'000})
             .build();
  row_errors errors;
  CHECK(ints_of(*eval("CAST(s AS timestamp)", b, &errors))
        == col<std::int64_t>{1'767'270'600'000'000, 1'767'225'600'000'000, null});
  REQUIRE(errors.rows == std::vector<std::uint32_t>{2});
  CHECK(errors.reasons[0]
        == "cannot cast 'yesterday' to timestamp (expected ISO-8601, e.g. '2026-01-01T00:00:00Z')");
  CHECK(strings_of(*eval("CAST(ts AS string)", b))
        == col<std::string>{"2026-01-01T12:30:00.123Z", "1970-01-01T00:00:00.000Z",
                            "1969-12-31T23:59:59.999Z"});
  CHECK(ints_of(*eval("CAST(ts AS int)", b))
        == col<std::int64_t>{1'767'270'600'123'456, 0, -1'000});
}

TEST_CASE("a double out of int range is a row error when cast") {
  auto b = table().doubles("d", {1e300, 5.0}).build();
  row_errors errors;
  CHECK(ints_of(*eval("CAST(d AS int)", b, &errors)) == col<std::int64_t>{null, 5});
  REQUIRE(errors.reasons.size() == 1);
  CHECK(errors.reasons[0] == "cannot cast 1e+300 to int: out of range");
}

TEST_CASE("CAST of an unconvertible type or an unknown type is a compile error") {
  auto e = compile_error("CAST(ts AS bool)");
  CHECK(e.position == 1);
  CHECK(e.message == "cannot cast timestamp to bool");
  CHECK(compile_error("seq + CAST(value AS timestamp)").position == 7);
  auto f = compile_error("CAST(seq AS number)");
  CHECK(f.position == 13);
  CHECK(f.message
        == "expected a type after AS (int, bigint, double, bool, string, timestamp), "
           "got 'number'");
  auto g = compile_error("CAST(seq int)");
  CHECK(g.position == 10);
  CHECK(g.message == "expected AS in CAST, got 'int'");
  auto h = compile_error("CAST(seq AS int");
  CHECK(h.position == 5);
  CHECK(h.message == "'(' is never closed");
}

TEST_CASE("|| concatenates strings, converting the other side, and keeps nulls null") {
  auto b = table().strings("s", {"a", null}).ints("i", {1, 2}).build();
  CHECK(strings_of(*eval("s || '-' || i", b)) == col<std::string>{"a-1", null});
  CHECK(strings_of(*eval("i || ''", b)) == col<std::string>{"1", "2"});
  auto e = compile_error("seq || 1");
  CHECK(e.position == 5);
  CHECK(e.message == "operator '||' needs a string on one side, got int and int");
}
