#include "expr_test_support.hpp"

using namespace sluice::core;
using namespace sluice::core::expr;
using namespace sluice::core::expr::test;

// Found by fuzzing: some nodes computed a value for a row they also
// reported as failed, and transform.filter then kept the record and sent it
// to `errors` as well.

TEST_CASE("a row that fails is null in the result even where coalesce falls back past it") {
  auto b = table().strings("s", {std::string("7"), std::string("x")}).build();
  row_errors errors;
  auto out = eval("coalesce(CAST(s AS int) > 0, true)", b, &errors);
  REQUIRE(errors.rows == std::vector<std::uint32_t>{1});
  auto v = bools_of(*out);
  CHECK(v[0] == true);
  CHECK_FALSE(v[1].has_value());
}

TEST_CASE("a row that fails is null in the result even where IN matches a later item") {
  auto b = table().ints("x", {0, 5}).ints("j", {1, 2}).build();
  row_errors errors;
  auto out = eval("x IN (j % 0, 0)", b, &errors);
  REQUIRE(errors.rows.size() == 2);
  auto v = bools_of(*out);
  CHECK_FALSE(v[0].has_value());
  CHECK_FALSE(v[1].has_value());
}
