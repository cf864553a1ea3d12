#include "expr_test_support.hpp"

#include "sluice/core/errors.hpp"

using namespace sluice::core;
using namespace sluice::core::expr;
using namespace sluice::core::expr::test;

namespace {

// Every combination of two three-valued bools.
batch_ptr truth_table() {
  const std::optional<bool> n;
  return table()
    .bools("p", {true, true, true, false, false, false, n, n, n})
    .bools("q", {true, false, n, true, false, n, true, false, n})
    .build();
}

} // namespace

TEST_CASE("AND, OR and NOT combine bools") {
  auto b =
    table().bools("p", {true, true, false, false}).bools("q", {true, false, true, false}).build();
  CHECK(bools_of(*eval("p AND q", b)) == col<bool>{true, false, false, false});
  CHECK(bools_of(*eval("p OR q", b)) == col<bool>{true, true, true, false});
  CHECK(bools_of(*eval("NOT p", b)) == col<bool>{false, false, true, true});
  CHECK(bools_of(*eval("p AND true", b)) == col<bool>{true, true, false, false});
  CHECK(bools_of(*eval("false OR q", b)) == col<bool>{true, false, true, false});
}

TEST_CASE("AND follows SQL three-valued logic: false wins over null") {
  const std::optional<bool> n;
  CHECK(bools_of(*eval("p AND q", truth_table()))
        == col<bool>{true, false, n, false, false, false, n, false, n});
}

TEST_CASE("OR follows SQL three-valued logic: true wins over null") {
  const std::optional<bool> n;
  CHECK(bools_of(*eval("p OR q", truth_table()))
        == col<bool>{true, true, true, true, false, n, true, n, n});
}

TEST_CASE("NOT keeps nulls null") {
  const std::optional<bool> n;
  auto b = table().bools("p", {true, n, false}).build();
  CHECK(bools_of(*eval("NOT p", b)) == col<bool>{false, n, true});
  CHECK(bools_of(*eval("NOT NOT p", b)) == col<bool>{true, n, false});
}

TEST_CASE("AND drops division errors on rows its left side already makes false") {
  auto b = table().ints("x", {0, 5, 2}).build();
  row_errors errors;
  auto c = eval("x <> 0 AND 10 / x > 1", b, &errors);
  CHECK(errors.empty());
  CHECK(bools_of(*c) == col<bool>{false, true, true});
  CHECK_NOTHROW(eval("x <> 0 AND 10 / x > 1", b));
}

TEST_CASE("OR drops division errors on rows its left side already makes true") {
  auto b = table().ints("x", {0, 5}).build();
  row_errors errors;
  CHECK(bools_of(*eval("x = 0 OR 10 / x > 1", b, &errors)) == col<bool>{true, true});
  CHECK(errors.empty());
}

TEST_CASE("AND keeps division errors on rows its left side does not decide") {
  auto b = table().ints("x", {0, 0}).bools("p", {true, false}).build();
  row_errors errors;
  CHECK(bools_of(*eval("p AND 10 / x > 1", b, &errors)) == col<bool>{std::nullopt, false});
  CHECK(errors.rows == std::vector<std::uint32_t>{0});
  CHECK_THROWS_AS(eval("p AND 10 / x > 1", b), record_error);
}

TEST_CASE("keywords are case-insensitive") {
  auto b = table().bools("p", {true}).bools("q", {false}).build();
  CHECK(bools_of(*eval("p and q", b)) == col<bool>{false});
  CHECK(bools_of(*eval("p Or q", b)) == col<bool>{true});
  CHECK(bools_of(*eval("not q", b)) == col<bool>{true});
  CHECK(bools_of(*eval("TRUE = True", b)) == col<bool>{true});
  CHECK(bools_of(*eval("fAlSe", b)) == col<bool>{false});
}

TEST_CASE("AND or OR on a non-bool is an error at the keyword") {
  auto e = compile_error("seq > 1 AND seq");
  CHECK(e.position == 9);
  CHECK(e.message == "operator 'AND' needs bools, got bool and int");
  auto o = compile_error("key or seq > 1");
  CHECK(o.position == 5);
  CHECK(o.message == "operator 'OR' needs bools, got string and bool");
}

TEST_CASE("NOT of a non-bool is an error at the NOT") {
  auto e = compile_error("seq > 1 AND NOT seq");
  CHECK(e.position == 13);
  CHECK(e.message == "operator 'NOT' needs a bool, got int");
}
