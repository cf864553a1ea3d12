#include "expr_test_support.hpp"

#include <cmath>

using namespace sluice::core;
using namespace sluice::core::expr;
using namespace sluice::core::expr::test;

namespace {

const std::nullopt_t null = std::nullopt;

value_type type_of(std::string_view text) {
  return compiled_expression::compile(text, events_schema()).type();
}

batch_ptr numbers() {
  return table().ints("i", {-7, 0, 12, null}).doubles("d", {-2.5, 0.0, 2.4, null}).build();
}

} // namespace

TEST_CASE("abs, floor and ceil keep the type of their argument") {
  auto b = numbers();
  CHECK(ints_of(*eval("abs(i)", b)) == col<std::int64_t>{7, 0, 12, null});
  CHECK(doubles_of(*eval("abs(d)", b)) == col<double>{2.5, 0.0, 2.4, null});
  CHECK(doubles_of(*eval("floor(d)", b)) == col<double>{-3.0, 0.0, 2.0, null});
  CHECK(doubles_of(*eval("ceil(d)", b)) == col<double>{-2.0, 0.0, 3.0, null});
  CHECK(ints_of(*eval("ceiling(i)", b)) == col<std::int64_t>{-7, 0, 12, null});
  CHECK(type_of("floor(seq)") == value_type::int64);
  CHECK(type_of("floor(value)") == value_type::float64);
}

TEST_CASE("round goes half away from zero, optionally to some digits") {
  auto b = numbers();
  CHECK(doubles_of(*eval("round(d)", b)) == col<double>{-3.0, 0.0, 2.0, null});
  CHECK(doubles_of(*eval("round(d, 1)", b)) == col<double>{-2.5, 0.0, 2.4, null});
  CHECK(doubles_of(*eval("round(3.14159, 2)", b))[0] == Approx(3.14));
  CHECK(doubles_of(*eval("round(1234.5, -2)", b))[0] == 1200.0);
  CHECK(ints_of(*eval("round(i, -1)", b)) == col<std::int64_t>{-10, 0, 10, null});
  CHECK(ints_of(*eval("round(i)", b)) == col<std::int64_t>{-7, 0, 12, null});
  CHECK(ints_of(*eval("round(15, -1)", b))[0] == 20);
}

TEST_CASE("sqrt, ln, log10, exp and pow give doubles") {
  auto b = table().doubles("x", {4.0, 1.0, null}).ints("n", {2, 3, 1}).build();
  CHECK(doubles_of(*eval("sqrt(x)", b)) == col<double>{2.0, 1.0, null});
  CHECK(doubles_of(*eval("sqrt(n * 8)", b))[0] == 4.0);
  CHECK(doubles_of(*eval("ln(x)", b))[1] == 0.0);
  CHECK(doubles_of(*eval("ln(exp(x))", b))[0] == Approx(4.0));
  CHECK(doubles_of(*eval("log10(1000)", b))[0] == Approx(3.0));
  CHECK(doubles_of(*eval("pow(x, n)", b)) == col<double>{16.0, 1.0, null});
  CHECK(doubles_of(*eval("power(2, -1)", b))[0] == 0.5);
  CHECK(type_of("sqrt(seq)") == value_type::float64);
}

TEST_CASE("arguments outside a function's domain are row errors with their reason") {
  auto b = table().doubles("x", {-4.0, 0.0, 9.0}).build();
  row_errors errors;
  CHECK(doubles_of(*eval("sqrt(x)", b, &errors)) == col<double>{null, 0.0, 3.0});
  REQUIRE(errors.rows == std::vector<std::uint32_t>{0});
  CHECK(errors.reasons[0] == "sqrt() of a negative number: -4");
  row_errors logs;
  CHECK(doubles_of(*eval("ln(x)", b, &logs))[2] == Approx(std::log(9.0)));
  CHECK(logs.rows == std::vector<std::uint32_t>{0, 1});
  CHECK(logs.reasons[1] == "logarithm of zero or a negative number: 0");
  row_errors pows;
  eval("pow(x, -0.5)", b, &pows);
  CHECK(pows.rows == std::vector<std::uint32_t>{0, 1});
  CHECK(pows.reasons[0] == "pow(): a negative number raised to a non-integer power");
  CHECK(pows.reasons[1] == "pow(): zero raised to a negative power");
}

TEST_CASE("overflow in math functions gives infinity, as double arithmetic does") {
  auto b = table().ints("x", {1}).build();
  row_errors errors;
  CHECK(std::isinf(doubles_of(*eval("exp(1000)", b, &errors))[0].value()));
  CHECK(errors.empty());
}

TEST_CASE("greatest and least pick among their arguments, skipping nulls") {
  auto b = table().ints("a", {1, 5, null, null}).ints("b", {3, 2, 4, null}).build();
  CHECK(ints_of(*eval("greatest(a, b)", b)) == col<std::int64_t>{3, 5, 4, null});
  CHECK(ints_of(*eval("least(a, b, 2)", b)) == col<std::int64_t>{1, 2, 2, 2});
  CHECK(doubles_of(*eval("greatest(a, 2.5)", b)) == col<double>{2.5, 5.0, 2.5, 2.5});
  auto s = table().strings("s", {"pear", null}).build();
  CHECK(strings_of(*eval("least(s, 'apple')", s)) == col<std::string>{"apple", "apple"});
  CHECK(strings_of(*eval("greatest(s, 'apple')", s)) == col<std::string>{"pear", "apple"});
}

TEST_CASE("math functions on the wrong types are errors at the call") {
  auto e = compile_error("seq + sqrt(key)");
  CHECK(e.position == 7);
  CHECK(e.message == "sqrt() does not take (string); expected sqrt(number) -> double");
  CHECK(
    compile_error("round(value, 1.5)").message
    == "round() does not take (double, double); expected round(number[, digits int]) -> same type");
  CHECK(compile_error("greatest(seq, key)").message
        == "greatest() does not take (int, string); expected greatest(T, T, ...) -> T");
  CHECK(compile_error("pow(2)").message
        == "pow() takes 2 arguments, got 1; expected pow(number, number) -> double");
}
