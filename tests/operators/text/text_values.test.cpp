#include <catch2/catch.hpp>

#include "sluice/core/column.hpp"
#include "sluice/ops/text/text_values.hpp"

using namespace sluice;
using core::value_type;

TEST_CASE("Text cells parse into columns of each type and refuse what does not fit") {
  core::column ints(value_type::int64);
  CHECK(ops::text::append_parsed(ints, "-12"));
  CHECK(ops::text::append_parsed(ints, "+7"));
  CHECK_FALSE(ops::text::append_parsed(ints, "1.5"));
  CHECK_FALSE(ops::text::append_parsed(ints, "12 "));
  REQUIRE(ints.size() == 2);

  core::column doubles(value_type::float64);
  CHECK(ops::text::append_parsed(doubles, "2e3"));
  CHECK_FALSE(ops::text::append_parsed(doubles, "abc"));
  CHECK(doubles.size() == 1);

  core::column bools(value_type::boolean);
  CHECK(ops::text::append_parsed(bools, "TRUE"));
  CHECK(ops::text::append_parsed(bools, "0"));
  CHECK_FALSE(ops::text::append_parsed(bools, "yes"));
  CHECK(bools.size() == 2);

  core::column times(value_type::timestamp);
  CHECK(ops::text::append_parsed(times, "2024-05-01T10:00:00Z"));
  CHECK_FALSE(ops::text::append_parsed(times, "yesterday"));
  CHECK(times.size() == 1);

  core::column strings(value_type::string);
  CHECK(ops::text::append_parsed(strings, "anything"));
  CHECK(strings.size() == 1);
}

TEST_CASE("Inferring a number type widens from integer to double to string") {
  auto t = value_type::int64;
  t = ops::text::widen_for(t, "42");
  CHECK(t == value_type::int64);
  t = ops::text::widen_for(t, "4.5");
  CHECK(t == value_type::float64);
  t = ops::text::widen_for(t, "7");
  CHECK(t == value_type::float64);
  t = ops::text::widen_for(t, "n/a");
  CHECK(t == value_type::string);
  CHECK(ops::text::widen_for(t, "1") == value_type::string);
}
