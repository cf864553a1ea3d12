#include "expr_test_support.hpp"

#include <cmath>
#include <limits>

#include "sluice/core/errors.hpp"

using namespace sluice::core;
using namespace sluice::core::expr;
using namespace sluice::core::expr::test;

namespace {

batch_ptr numbers() {
  return table()
    .ints("i", {7, -7, 0, 12})
    .ints("j", {2, 2, 5, -5})
    .doubles("x", {1.5, -0.5, 2.0, 0.25})
    .build();
}

} // namespace

TEST_CASE("integer addition, subtraction and multiplication give ints") {
  auto b = numbers();
  CHECK(ints_of(*eval("i + j", b)) == col<std::int64_t>{9, -5, 5, 7});
  CHECK(ints_of(*eval("i - j", b)) == col<std::int64_t>{5, -9, -5, 17});
  CHECK(ints_of(*eval("i * j", b)) == col<std::int64_t>{14, -14, 0, -60});
  CHECK(ints_of(*eval("i * 2", b)) == col<std::int64_t>{14, -14, 0, 24});
  CHECK(ints_of(*eval("100 - i", b)) == col<std::int64_t>{93, 107, 100, 88});
}

TEST_CASE("integer division truncates toward zero and modulo keeps the dividend's sign") {
  auto b = numbers();
  CHECK(ints_of(*eval("i / j", b)) == col<std::int64_t>{3, -3, 0, -2});
  CHECK(ints_of(*eval("i % j", b)) == col<std::int64_t>{1, -1, 0, 2});
  CHECK(ints_of(*eval("i / -1", b)) == col<std::int64_t>{-7, 7, 0, -12});
  CHECK(ints_of(*eval("i % -1", b)) == col<std::int64_t>{0, 0, 0, 0});
}

TEST_CASE("an int with a double on either side gives a double") {
  auto b = numbers();
  CHECK(compiled_expression::compile("i + x", b->fields()).type() == value_type::float64);
  CHECK(doubles_of(*eval("i + x", b)) == col<double>{8.5, -7.5, 2.0, 12.25});
  CHECK(doubles_of(*eval("x * i", b)) == col<double>{10.5, 3.5, 0.0, 3.0});
  CHECK(doubles_of(*eval("i / 2.0", b)) == col<double>{3.5, -3.5, 0.0, 6.0});
  CHECK(doubles_of(*eval("x - 1", b)) == col<double>{0.5, -1.5, 1.0, -0.75});
  CHECK(doubles_of(*eval("i % 2.5", b)) == col<double>{2.0, -2.0, 0.0, 2.0});
  CHECK(doubles_of(*eval("1e1 + i", b)) == col<double>{17.0, 3.0, 10.0, 22.0});
}

TEST_CASE("double division by zero follows IEEE and is not a row error") {
  auto b = table().doubles("x", {1.0, -1.0, 0.0}).build();
  row_errors errors;
  auto c = eval("x / 0", b, &errors);
  CHECK(errors.empty());
  CHECK_FALSE(c->has_nulls());
  CHECK(c->doubles[0] == std::numeric_limits<double>::infinity());
  CHECK(c->doubles[1] == -std::numeric_limits<double>::infinity());
  CHECK(std::isnan(c->doubles[2]));
}

TEST_CASE("integer division by zero is a row error with its reason and a null value") {
  auto b = table().ints("i", {10, 20, 30, 40}).ints("j", {2, 0, 5, 0}).build();
  row_errors errors;
  auto c = eval("i / j", b, &errors);
  CHECK(ints_of(*c) == col<std::int64_t>{5, std::nullopt, 6, std::nullopt});
  CHECK(errors.rows == std::vector<std::uint32_t>{1, 3});
  CHECK(errors.reasons == std::vector<std::string>{"division by zero", "division by zero"});
}

TEST_CASE("modulo by zero is a row error too") {
  auto b = table().ints("i", {10, 20}).ints("j", {0, 3}).build();
  row_errors errors;
  CHECK(ints_of(*eval("i % j", b, &errors)) == col<std::int64_t>{std::nullopt, 2});
  CHECK(errors.rows == std::vector<std::uint32_t>{0});
  CHECK(errors.reasons == std::vector<std::string>{"division by zero"});
}

TEST_CASE("without an error list the first division by zero throws record_error for its row") {
  auto b = table().ints("i", {10, 20, 30}).ints("j", {1, 0, 0}).build();
  try {
    eval("i / j", b);
    FAIL("expected record_error");
  } catch (const record_error& e) {
    CHECK(e.row() == 1);
    CHECK(std::string(e.what()) == "division by zero");
  }
}

TEST_CASE("a null divisor gives null, not a division by zero") {
  auto b = table().ints("i", {10, std::nullopt}).ints("j", {std::nullopt, 0}).build();
  row_errors errors;
  CHECK(ints_of(*eval("i / j", b, &errors)) == col<std::int64_t>{std::nullopt, std::nullopt});
  CHECK(errors.empty());
  CHECK_NOTHROW(eval("i / j", b));
}

TEST_CASE("a constant division by zero fails on every row instead of at compile time") {
  auto b = table().ints("i", {1, 2}).build();
  row_errors errors;
  CHECK(ints_of(*eval("i + 1 / 0", b, &errors)) == col<std::int64_t>{std::nullopt, std::nullopt});
  CHECK(errors.rows == std::vector<std::uint32_t>{0, 1});
}

TEST_CASE("a row failing in several places is reported once, and rows come in order") {
  auto b = table().ints("i", {1, 2, 3}).ints("j", {1, 0, 0}).ints("k", {0, 0, 1}).build();
  row_errors errors;
  auto c = eval("i / k + i / j", b, &errors);
  CHECK(ints_of(*c) == col<std::int64_t>{std::nullopt, std::nullopt, std::nullopt});
  CHECK(errors.rows == std::vector<std::uint32_t>{0, 1, 2});
  CHECK(errors.reasons.size() == 3);
}

TEST_CASE("integer overflow wraps around instead of being undefined") {
  constexpr auto max = std::numeric_limits<std::int64_t>::max();
  constexpr auto min = std::numeric_limits<std::int64_t>::min();
  auto b = table().ints("i", {max}).ints("m", {min}).build();
  CHECK(ints_of(*eval("i + 1", b)) == col<std::int64_t>{min});
  CHECK(ints_of(*eval("m - 1", b)) == col<std::int64_t>{max});
  CHECK(ints_of(*eval("m / -1", b)) == col<std::int64_t>{min});
  CHECK(ints_of(*eval("-m", b)) == col<std::int64_t>{min});
  CHECK(ints_of(*eval("i * 2", b)) == col<std::int64_t>{-2});
}

TEST_CASE("unary minus negates ints and doubles") {
  auto b = numbers();
  CHECK(ints_of(*eval("-i", b)) == col<std::int64_t>{-7, 7, 0, -12});
  CHECK(doubles_of(*eval("-x", b)) == col<double>{-1.5, 0.5, -2.0, -0.25});
  CHECK(ints_of(*eval("- -i", b)) == col<std::int64_t>{7, -7, 0, 12});
  CHECK(ints_of(*eval("2 - -i", b)) == col<std::int64_t>{9, -5, 2, 14});
}

TEST_CASE("a null operand gives a null result") {
  auto b = table()
             .ints("i", {1, std::nullopt, 3, std::nullopt})
             .ints("j", {10, 20, std::nullopt, std::nullopt})
             .doubles("x", {std::nullopt, 1.0, 1.0, 1.0})
             .build();
  CHECK(ints_of(*eval("i + j", b))
        == col<std::int64_t>{11, std::nullopt, std::nullopt, std::nullopt});
  CHECK(ints_of(*eval("i * 2", b)) == col<std::int64_t>{2, std::nullopt, 6, std::nullopt});
  CHECK(ints_of(*eval("-i", b)) == col<std::int64_t>{-1, std::nullopt, -3, std::nullopt});
  CHECK(doubles_of(*eval("i + x", b))
        == col<double>{std::nullopt, std::nullopt, 4.0, std::nullopt});
}

TEST_CASE("a timestamp plus or minus an int of microseconds is a timestamp") {
  auto b = table().timestamps("ts", {1'000'000, std::nullopt}).build();
  auto plus = compiled_expression::compile("ts + 500", b->fields());
  CHECK(plus.type() == value_type::timestamp);
  auto c = plus.evaluate(*b);
  CHECK(c->type() == value_type::timestamp);
  CHECK(ints_of(*c) == col<std::int64_t>{1'000'500, std::nullopt});
  CHECK(ints_of(*eval("10 + ts", b)) == col<std::int64_t>{1'000'010, std::nullopt});
  CHECK(ints_of(*eval("ts - 1000000", b)) == col<std::int64_t>{0, std::nullopt});
}

TEST_CASE("the difference of two timestamps is an int of microseconds") {
  auto b = table().timestamps("a", {5'000'000}).timestamps("b", {2'000'000}).build();
  auto e = compiled_expression::compile("a - b", b->fields());
  CHECK(e.type() == value_type::int64);
  CHECK(ints_of(*e.evaluate(*b)) == col<std::int64_t>{3'000'000});
}

TEST_CASE("arithmetic on the wrong types is an error at the operator's position") {
  auto s = events_schema();
  auto e = compile_error("key * 2", s);
  CHECK(e.position == 5);
  CHECK(e.message == "operator '*' needs numbers, got string and int");
  CHECK(compile_error("seq / key", s).message == "operator '/' needs numbers, got int and string");
  CHECK(compile_error("seq % true", s).message == "operator '%' needs numbers, got int and bool");
  auto plus = compile_error("ts + value", s);
  CHECK(plus.position == 4);
  CHECK(
    plus.message
    == "operator '+' needs numbers, strings, or a timestamp and an int, got timestamp and double");
  auto minus = compile_error("seq - ts", s);
  CHECK(minus.position == 5);
  CHECK(minus.message
        == "operator '-' needs numbers, timestamp - int, or timestamp - timestamp, got int and "
           "timestamp");
  CHECK(compile_error("ts + ts", s).position == 4);
  CHECK(compile_error("ts * 2", s).position == 4);
}

TEST_CASE("unary minus on a non-number is an error at the minus") {
  auto e = compile_error("seq + -key");
  CHECK(e.position == 7);
  CHECK(e.message == "operator '-' needs a number, got string");
  CHECK(compile_error("-ts").message == "operator '-' needs a number, got timestamp");
}
