#include "expr_test_support.hpp"

using namespace sluice::core;
using namespace sluice::core::expr;
using namespace sluice::core::expr::test;

TEST_CASE("every comparison operator works on ints") {
  auto b = table().ints("i", {1, 2, 3}).build();
  CHECK(bools_of(*eval("i = 2", b)) == col<bool>{false, true, false});
  CHECK(bools_of(*eval("i == 2", b)) == col<bool>{false, true, false});
  CHECK(bools_of(*eval("i != 2", b)) == col<bool>{true, false, true});
  CHECK(bools_of(*eval("i <> 2", b)) == col<bool>{true, false, true});
  CHECK(bools_of(*eval("i < 2", b)) == col<bool>{true, false, false});
  CHECK(bools_of(*eval("i <= 2", b)) == col<bool>{true, true, false});
  CHECK(bools_of(*eval("i > 2", b)) == col<bool>{false, false, true});
  CHECK(bools_of(*eval("i >= 2", b)) == col<bool>{false, true, true});
}

TEST_CASE("a constant may stand on either side of a comparison") {
  auto b = table().ints("i", {1, 2, 3}).ints("j", {3, 2, 1}).build();
  CHECK(bools_of(*eval("2 < i", b)) == col<bool>{false, false, true});
  CHECK(bools_of(*eval("i < j", b)) == col<bool>{true, false, false});
  CHECK(bools_of(*eval("i * 10 >= j + 19", b)) == col<bool>{false, false, true});
  CHECK(bools_of(*eval("1 < 2", b)) == col<bool>{true, true, true});
}

TEST_CASE("ints and doubles compare as numbers") {
  auto b = table().ints("i", {1, 2, 3}).doubles("x", {1.5, 2.0, 2.5}).build();
  CHECK(bools_of(*eval("i < x", b)) == col<bool>{true, false, false});
  CHECK(bools_of(*eval("i = x", b)) == col<bool>{false, true, false});
  CHECK(bools_of(*eval("x > 2", b)) == col<bool>{false, false, true});
  CHECK(bools_of(*eval("i > 1.5", b)) == col<bool>{false, true, true});
}

TEST_CASE("strings compare byte by byte") {
  auto b = table().strings("s", {"apple", "banana", "", "b"}).build();
  CHECK(bools_of(*eval("s = 'banana'", b)) == col<bool>{false, true, false, false});
  CHECK(bools_of(*eval("s < 'b'", b)) == col<bool>{true, false, true, false});
  CHECK(bools_of(*eval("s >= 'b'", b)) == col<bool>{false, true, false, true});
  CHECK(bools_of(*eval("'b' <> s", b)) == col<bool>{true, true, true, false});
  CHECK(bools_of(*eval("s = ''", b)) == col<bool>{false, false, true, false});
}

TEST_CASE("bools compare with false before true") {
  auto b = table().bools("p", {false, true}).bools("q", {true, true}).build();
  CHECK(bools_of(*eval("p = q", b)) == col<bool>{false, true});
  CHECK(bools_of(*eval("p < q", b)) == col<bool>{true, false});
  CHECK(bools_of(*eval("p <> true", b)) == col<bool>{true, false});
}

TEST_CASE("timestamps compare with timestamps") {
  auto b = table().timestamps("a", {1, 5, 9}).timestamps("b", {5, 5, 5}).build();
  CHECK(bools_of(*eval("a < b", b)) == col<bool>{true, false, false});
  CHECK(bools_of(*eval("a - b > 0", b)) == col<bool>{false, false, true});
  CHECK(bools_of(*eval("a + 4 = b", b)) == col<bool>{true, false, false});
}

TEST_CASE("a string constant compared with a timestamp is read as ISO-8601 time") {
  // 2026-01-01T00:00:00Z is 1767225600 s after the epoch.
  constexpr std::int64_t new_year = 1'767'225'600'000'000;
  auto b = table().timestamps("ts", {new_year - 1, new_year, new_year + 1}).build();
  CHECK(bools_of(*eval("ts >= '2026-01-01T00:00:00Z'", b)) == col<bool>{false, true, true});
  CHECK(bools_of(*eval("'2026-01-01' = ts", b)) == col<bool>{false, true, false});
}

TEST_CASE("a string that is not a timestamp, compared with one, is an error at the string") {
  auto e = compile_error("ts > 'yesterday'");
  CHECK(e.position == 6);
  CHECK(e.message
        == "'yesterday' is not a timestamp (expected ISO-8601, e.g. '2026-01-01T00:00:00Z')");
}

TEST_CASE("a comparison with a null is null") {
  auto b = table().ints("i", {1, std::nullopt, 3}).strings("s", {std::nullopt, "x", "y"}).build();
  CHECK(bools_of(*eval("i > 1", b)) == col<bool>{false, std::nullopt, true});
  CHECK(bools_of(*eval("s = 'y'", b)) == col<bool>{std::nullopt, false, true});
}

TEST_CASE("comparing a string field with a number is an error at the operator's position") {
  auto e = compile_error("key > 5");
  CHECK(e.position == 5);
  CHECK(e.message == "operator '>' needs comparable types, got string and int");
  CHECK(compile_error("seq <> key").message
        == "operator '<>' needs comparable types, got int and string");
  CHECK(compile_error("seq <> key").position == 5);
}

TEST_CASE("timestamps and bools compare only with their own type") {
  CHECK(compile_error("ts > 0").message
        == "operator '>' needs comparable types, got timestamp and int");
  CHECK(compile_error("true = 1").message
        == "operator '=' needs comparable types, got bool and int");
  CHECK(compile_error("seq = 1 = 1").position == 9);
}
