#include "expr_test_support.hpp"

#include "sluice/core/hashing.hpp"

using namespace sluice::core;
using namespace sluice::core::expr;
using namespace sluice::core::expr::test;

namespace {

const std::nullopt_t null = std::nullopt;

} // namespace

TEST_CASE("coalesce gives the first argument that is not null") {
  auto b = table().ints("a", {1, null, null}).ints("b", {2, 3, null}).build();
  CHECK(ints_of(*eval("coalesce(a, b, 0)", b)) == col<std::int64_t>{1, 3, 0});
  CHECK(ints_of(*eval("coalesce(a, b)", b)) == col<std::int64_t>{1, 3, null});
  CHECK(doubles_of(*eval("coalesce(a, 0.5)", b)) == col<double>{1.0, 0.5, 0.5});
  CHECK(ints_of(*eval("COALESCE(NULL, a)", b)) == col<std::int64_t>{1, null, null});
  auto s = table().strings("s", {null, "x"}).build();
  CHECK(strings_of(*eval("coalesce(s, 'none')", s)) == col<std::string>{"none", "x"});
}

TEST_CASE("coalesce reports row errors only of the arguments it reaches") {
  auto b = table().ints("a", {1, null}).ints("z", {0, 0}).build();
  row_errors errors;
  CHECK(ints_of(*eval("coalesce(a, 10 / z)", b, &errors)) == col<std::int64_t>{1, null});
  CHECK(errors.rows == std::vector<std::uint32_t>{1});
}

TEST_CASE("coalesce of different types is an error at the call") {
  auto e = compile_error("coalesce(seq, key)");
  CHECK(e.position == 1);
  CHECK(e.message == "coalesce() does not take (int, string); expected coalesce(T, T, ...) -> T");
}

TEST_CASE("if chooses between two values, null conditions choosing the second") {
  auto b = table().bools("c", {true, false, null}).ints("x", {1, 2, 3}).build();
  CHECK(ints_of(*eval("if(c, x, -x)", b)) == col<std::int64_t>{1, -2, -3});
  CHECK(doubles_of(*eval("IF(c, x, 0.5)", b)) == col<double>{1.0, 0.5, 0.5});
  CHECK(compile_error("if(seq, 1, 2)").message
        == "if() does not take (int, int, int); expected if(condition bool, then T, else T) -> T");
}

TEST_CASE("nullif turns a value into null where it equals the second") {
  auto b = table().ints("x", {0, 5, null}).build();
  CHECK(ints_of(*eval("nullif(x, 0)", b)) == col<std::int64_t>{null, 5, null});
  row_errors errors;
  CHECK(ints_of(*eval("10 / nullif(x, 0)", b, &errors)) == col<std::int64_t>{null, 2, null});
  CHECK(errors.empty());
}

TEST_CASE("hash of one value is the key hash of its column") {
  auto b = table().ints("i", {1, 2, null}).strings("s", {"a", "b", null}).build();
  std::vector<std::uint64_t> expected;
  hash_column(b->col(0), expected);
  auto c = eval("hash(i)", b);
  CHECK_FALSE(c->has_nulls());
  for (std::size_t k = 0; k < 3; ++k) CHECK(static_cast<std::uint64_t>(c->ints[k]) == expected[k]);
  hash_column(b->col(1), expected);
  CHECK(static_cast<std::uint64_t>(eval("hash(s)", b)->ints[0]) == expected[0]);
}

TEST_CASE("hash combines several values in order and is stable across runs") {
  auto b = table().ints("i", {1, 1}).strings("s", {"a", "b"}).build();
  auto ab = ints_of(*eval("hash(i, s)", b));
  CHECK(ab[0] != ab[1]);
  CHECK(ab[0] != ints_of(*eval("hash(s, i)", b))[0]);
  CHECK(ints_of(*eval("hash(1, 'a')", b))[0] == ab[0]);
  // XXH3_64bits("sluice") as xxhsum computes it: the same in every process.
  CHECK(ints_of(*eval("hash('sluice')", b))[0] == static_cast<std::int64_t>(0x7e13095f1588691dULL));
  CHECK(ints_of(*eval("hash(NULL)", b))[0] == static_cast<std::int64_t>(0x9e3779b97f4a7c15ULL));
}
