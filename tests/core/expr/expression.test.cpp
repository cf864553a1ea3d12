#include "expr_test_support.hpp"

#include <stdexcept>

using namespace sluice::core;
using namespace sluice::core::expr;
using namespace sluice::core::expr::test;

TEST_CASE("a compiled expression keeps its text and reports its result type") {
  schema s = events_schema();
  auto e = compiled_expression::compile("value * 2 > 10", s);
  CHECK(e.text() == "value * 2 > 10");
  CHECK(e.type() == value_type::boolean);
  CHECK(compiled_expression::compile("seq * 2", s).type() == value_type::int64);
  CHECK(compiled_expression::compile("seq * 2.0", s).type() == value_type::float64);
  CHECK(compiled_expression::compile("key + 'x'", s).type() == value_type::string);
  CHECK(compiled_expression::compile("ts + 1", s).type() == value_type::timestamp);
}

TEST_CASE("a plain field reference returns the input column itself without copying") {
  auto b = table().ints("seq", {1, 2}).strings("key", {"a", std::nullopt}).build();
  CHECK(eval("seq", b) == b->col_ptr(0));
  CHECK(eval("key", b) == b->col_ptr(1));
  CHECK(eval("((key))", b) == b->col_ptr(1));
  CHECK(eval("\"key\"", b) == b->col_ptr(1));
}

TEST_CASE("an expression of constants is computed once and broadcast to every row") {
  auto b = table().ints("seq", {1, 2, 3}).build();
  CHECK(ints_of(*eval("1 + 2 * 3", b)) == col<std::int64_t>{7, 7, 7});
  CHECK(strings_of(*eval("'a' + 'b'", b)) == col<std::string>{"ab", "ab", "ab"});
  CHECK(bools_of(*eval("NOT false", b)) == col<bool>{true, true, true});
  CHECK(doubles_of(*eval("-1.5", b)) == col<double>{-1.5, -1.5, -1.5});
}

TEST_CASE("an empty batch evaluates to an empty column of the expression's type") {
  auto b = table().ints("seq", {}).strings("key", {}).build();
  auto c = eval("seq * 2 > 3 AND key + 'x' = 'ax'", b);
  CHECK(c->type() == value_type::boolean);
  CHECK(c->size() == 0);
  CHECK(eval("key + 'x'", b)->size() == 0);
}

TEST_CASE("one compiled expression evaluates every batch of its schema") {
  auto first = table().ints("seq", {1, 2}).build();
  auto second = table().ints("seq", {10, 20, 30}).build();
  auto e = compiled_expression::compile("seq + 1", first->fields());
  CHECK(ints_of(*e.evaluate(*first)) == col<std::int64_t>{2, 3});
  CHECK(ints_of(*e.evaluate(*second)) == col<std::int64_t>{11, 21, 31});
}

TEST_CASE("evaluating on a batch whose schema does not match is a logic error") {
  auto ints = table().ints("x", {1}).build();
  auto strings = table().strings("x", {"a"}).build();
  auto e = compiled_expression::compile("x", ints->fields());
  CHECK_THROWS_AS(e.evaluate(*strings), std::logic_error);
}

TEST_CASE("a large batch is evaluated in full") {
  col<std::int64_t> seq;
  for (std::int64_t i = 0; i < 4096; ++i) seq.push_back(i);
  auto b = table().ints("seq", seq).build();
  auto c = eval("seq % 3 = 0", b);
  REQUIRE(c->size() == 4096);
  std::size_t hits = 0;
  for (std::size_t i = 0; i < c->size(); ++i) hits += c->bools[i];
  CHECK(hits == 1366);
  CHECK_FALSE(c->has_nulls());
}
