#include "expr_test_support.hpp"

#include <limits>

#include "sluice/core/expr/lexer.hpp"

using namespace sluice::core;
using namespace sluice::core::expr;
using namespace sluice::core::expr::test;

namespace {

const std::nullopt_t null = std::nullopt;

// 2024-02-29T13:45:30.250Z, a Thursday, day 60 of a leap year; and one
// microsecond before the epoch, a Wednesday.
constexpr std::int64_t leap_day = 1'709'214'330'250'000;
constexpr std::int64_t before_epoch = -1;

batch_ptr times() { return table().timestamps("ts", {leap_day, before_epoch, null}).build(); }

std::int64_t part(std::string_view p) {
  return ints_of(*eval("extract(" + std::string(p) + " FROM ts)", times()))[0].value();
}

std::int64_t trunc(std::string_view unit) {
  return ints_of(*eval("date_trunc('" + std::string(unit) + "', ts)", times()))[0].value();
}

std::int64_t micros(std::string_view text) {
  auto b = table().ints("x", {0}).build();
  return ints_of(*eval(text, b))[0].value();
}

} // namespace

TEST_CASE("extract reads every part of a timestamp in UTC") {
  CHECK(part("year") == 2024);
  CHECK(part("quarter") == 1);
  CHECK(part("month") == 2);
  CHECK(part("day") == 29);
  CHECK(part("hour") == 13);
  CHECK(part("minute") == 45);
  CHECK(part("second") == 30);
  CHECK(part("millisecond") == 250);
  CHECK(part("microsecond") == 250'000);
  CHECK(part("dow") == 4);
  CHECK(part("doy") == 60);
  CHECK(part("HOUR") == 13);
  CHECK(part("'month'") == 2);
  CHECK(doubles_of(*eval("extract(epoch FROM ts)", times()))
        == col<double>{1'709'214'330.25, -0.000001, null});
}

TEST_CASE("extract handles times before the epoch and nulls") {
  auto b = times();
  CHECK(ints_of(*eval("extract(year FROM ts)", b)) == col<std::int64_t>{2024, 1969, null});
  CHECK(ints_of(*eval("extract(second FROM ts)", b)) == col<std::int64_t>{30, 59, null});
  CHECK(ints_of(*eval("extract(dow FROM ts)", b)) == col<std::int64_t>{4, 3, null});
  CHECK(ints_of(*eval("date_part('doy', ts)", b)) == col<std::int64_t>{60, 365, null});
}

TEST_CASE("date_trunc rounds a timestamp down to its unit") {
  CHECK(trunc("millisecond") == leap_day);
  CHECK(trunc("second") == 1'709'214'330'000'000);
  CHECK(trunc("minute") == 1'709'214'300'000'000);
  CHECK(trunc("hour") == 1'709'211'600'000'000);
  CHECK(trunc("day") == 1'709'164'800'000'000);
  CHECK(trunc("week") == 1'708'905'600'000'000); // Monday 2024-02-26
  CHECK(trunc("month") == 1'706'745'600'000'000);
  CHECK(trunc("year") == 1'704'067'200'000'000);
  CHECK(trunc("MINUTE") == 1'709'214'300'000'000);
  CHECK(ints_of(*eval("date_trunc('week', ts)", times()))
        == col<std::int64_t>{1'708'905'600'000'000, -259'200'000'000, null});
  CHECK(compiled_expression::compile("date_trunc('day', ts)", times()->fields()).type()
        == value_type::timestamp);
}

TEST_CASE("to_timestamp reads ISO-8601 strings and seconds since the epoch") {
  auto b = table()
             .strings("s", {"2024-02-29T13:45:30.25Z", "2024-02-29T14:45:30.25+01:00", "soon"})
             .doubles("secs", {1'709'214'330.25, 0.5, null})
             .ints("n", {60, -1, null})
             .build();
  row_errors errors;
  CHECK(ints_of(*eval("to_timestamp(s)", b, &errors))
        == col<std::int64_t>{leap_day, leap_day, null});
  REQUIRE(errors.rows == std::vector<std::uint32_t>{2});
  CHECK(errors.reasons[0]
        == "cannot cast 'soon' to timestamp (expected ISO-8601, e.g. '2026-01-01T00:00:00Z')");
  CHECK(ints_of(*eval("to_timestamp(secs)", b)) == col<std::int64_t>{leap_day, 500'000, null});
  CHECK(ints_of(*eval("to_timestamp(n)", b)) == col<std::int64_t>{60'000'000, -1'000'000, null});
  row_errors range;
  CHECK(ints_of(*eval("to_timestamp(1e300)", b, &range))[0] == null);
  CHECK(range.rows.size() == 3);
}

TEST_CASE("duration literals are ints of microseconds") {
  CHECK(micros("250us") == 250);
  CHECK(micros("250ms") == 250'000);
  CHECK(micros("5s") == 5'000'000);
  CHECK(micros("1.5s") == 1'500'000);
  CHECK(micros("1m") == 60'000'000);
  CHECK(micros("2h") == 7'200'000'000);
  CHECK(micros("1d") == 86'400'000'000);
  CHECK(micros("10min + 1sec") == 601'000'000);
  auto t = tokenize("5s");
  CHECK(t[0].kind == token_kind::duration);
  CHECK(t[0].spelling == "5s");
}

TEST_CASE("INTERVAL literals name their unit after or inside the string") {
  CHECK(micros("INTERVAL '5' SECOND") == 5'000'000);
  CHECK(micros("interval '250' millisecond") == 250'000);
  CHECK(micros("INTERVAL '1' MINUTE") == 60'000'000);
  CHECK(micros("INTERVAL '1.5' HOUR") == 5'400'000'000);
  CHECK(micros("INTERVAL '2' DAYS") == 172'800'000'000);
  CHECK(micros("INTERVAL 3 SECONDS") == 3'000'000);
  CHECK(micros("INTERVAL '10 minutes'") == 600'000'000);
  CHECK(micros("INTERVAL '-1' SECOND") == -1'000'000);
}

TEST_CASE("timestamps move by durations") {
  auto b = table().timestamps("ts", {60'000'000, null}).build();
  CHECK(ints_of(*eval("ts + 5s", b)) == col<std::int64_t>{65'000'000, null});
  CHECK(ints_of(*eval("ts - INTERVAL '1' MINUTE", b)) == col<std::int64_t>{0, null});
  CHECK(bools_of(*eval("ts - 30s > '1970-01-01T00:00:20Z'", b)) == col<bool>{true, null});
  CHECK(compiled_expression::compile("ts + 250ms", b->fields()).type() == value_type::timestamp);
  CHECK(bools_of(*eval("ts - ts < 1m", b)) == col<bool>{true, null});
}

TEST_CASE("a field named interval is still a field") {
  auto b = table().ints("interval", {7}).build();
  CHECK(ints_of(*eval("interval + 1", b)) == col<std::int64_t>{8});
}

TEST_CASE("time functions report bad parts, units and types at compile time") {
  auto e = compile_error("extract(fortnight FROM ts)");
  CHECK(e.position == 9);
  CHECK(e.message
        == "unknown part 'fortnight' (parts: year, quarter, month, day, hour, minute, "
           "second, millisecond, microsecond, dow, doy, epoch)");
  auto f = compile_error("extract(hour FROM seq)");
  CHECK(f.position == 1);
  CHECK(f.message
        == "extract() needs a timestamp, got int; expected extract(part FROM timestamp) "
           "-> int (double for epoch)");
  auto g = compile_error("extract(hour ts)");
  CHECK(g.position == 14);
  CHECK(g.message == "expected FROM in EXTRACT, got 'ts'");
  auto h = compile_error("date_trunc('decade', ts)");
  CHECK(h.position == 12);
  CHECK(h.message
        == "unknown unit 'decade' (units: millisecond, second, minute, hour, day, week, "
           "month, year)");
  auto i = compile_error("date_trunc(key, ts)");
  CHECK(i.position == 12);
  CHECK(i.message == "date_trunc() needs the unit as a constant string");
  CHECK(compile_error("to_timestamp(true)").message
        == "to_timestamp() does not take (bool); expected to_timestamp(string ISO-8601 | number "
           "seconds) -> timestamp");
}

TEST_CASE("bad durations and intervals are errors where they are written") {
  auto e = compile_error("ts + 5x");
  CHECK(e.position == 6);
  CHECK(e.message == "malformed number '5x'");
  auto f = compile_error("ts + 999999999999999d");
  CHECK(f.position == 6);
  CHECK(f.message == "duration 999999999999999d is out of range");
  auto g = compile_error("ts + INTERVAL '5'");
  CHECK(g.position == 18);
  CHECK(g.message
        == "expected a unit after INTERVAL '5' (MICROSECOND, MILLISECOND, SECOND, "
           "MINUTE, HOUR, DAY, WEEK), got end of expression");
  auto h = compile_error("ts + INTERVAL 'five' SECOND");
  CHECK(h.position == 15);
  CHECK(h.message == "INTERVAL value 'five' is not a number");
  auto i = compile_error("ts + INTERVAL '5 fortnights'");
  CHECK(i.position == 15);
  CHECK(i.message
        == "unknown INTERVAL unit 'fortnights' (units: MICROSECOND, MILLISECOND, "
           "SECOND, MINUTE, HOUR, DAY, WEEK)");
}

TEST_CASE("extract and date_trunc of the lowest timestamps neither overflow nor fail") {
  // Found by fuzzing: floor(t / step) * step overflowed within a day of the
  // lowest int64 timestamp (and constant folding ran it in `validate`).
  constexpr std::int64_t lowest = std::numeric_limits<std::int64_t>::min() + 1;
  CHECK(micros("extract(hour FROM CAST(-9223372036854775807 AS timestamp))") >= 0);
  auto b = table().timestamps("ts", {lowest}).build();
  for (const char* unit : {"millisecond", "second", "minute", "hour", "day", "week"}) {
    INFO(unit);
    auto v = ints_of(*eval("date_trunc('" + std::string(unit) + "', ts)", b))[0];
    REQUIRE(v);
    CHECK(*v <= lowest);
  }
}
