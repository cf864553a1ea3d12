#include <catch2/catch.hpp>

#include "sluice/core/time.hpp"

using namespace sluice::core;

TEST_CASE("ISO-8601 timestamps parse to microseconds since the epoch") {
  CHECK(parse_iso8601("1970-01-01T00:00:00Z") == 0);
  CHECK(parse_iso8601("1970-01-01T00:00:01.5Z") == 1500000);
  CHECK(parse_iso8601("2026-01-01T00:00:00Z") == 1767225600000000LL);
  CHECK(parse_iso8601("2026-01-01") == 1767225600000000LL);
  CHECK(parse_iso8601("2026-01-01T01:00:00+01:00") == 1767225600000000LL);
  CHECK(parse_iso8601("1969-12-31T23:59:59Z") == -1000000);
}

TEST_CASE("malformed timestamps are refused") {
  CHECK_FALSE(parse_iso8601(""));
  CHECK_FALSE(parse_iso8601("2026-13-01"));
  CHECK_FALSE(parse_iso8601("2026-01-01T25:00:00Z"));
  CHECK_FALSE(parse_iso8601("yesterday"));
  CHECK_FALSE(parse_iso8601("2026-01-01T00:00:00Zjunk"));
}

TEST_CASE("timestamps format as UTC with milliseconds, also before 1970") {
  CHECK(format_iso8601(0) == "1970-01-01T00:00:00.000Z");
  CHECK(format_iso8601(1767225600001000LL) == "2026-01-01T00:00:00.001Z");
  CHECK(format_iso8601(-1000) == "1969-12-31T23:59:59.999Z");
}

TEST_CASE("durations parse with units and refuse anything else") {
  CHECK(parse_duration("250us") == 250);
  CHECK(parse_duration("500ms") == 500000);
  CHECK(parse_duration("10s") == 10000000);
  // Beyond int64 microseconds is no duration (the cast used to be undefined).
  CHECK_FALSE(parse_duration("1e30s"));
  CHECK_FALSE(parse_duration("300000000d"));
  CHECK(parse_duration("100000d") == 8640000000000000);
  CHECK(parse_duration("1.5s") == 1500000);
  CHECK(parse_duration("5m") == 300000000);
  CHECK(parse_duration("2h") == 7200000000LL);
  CHECK(parse_duration("1d") == 86400000000LL);
  CHECK(parse_duration("3") == 3000000);
  CHECK_FALSE(parse_duration("-1s"));
  CHECK_FALSE(parse_duration("10 parsecs"));
  CHECK_FALSE(parse_duration(""));
  CHECK(format_duration(10000000) == "10s");
  CHECK(format_duration(500) == "500us");
}
