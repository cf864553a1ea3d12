#include "expr_test_support.hpp"

using namespace sluice::core;
using namespace sluice::core::expr;
using namespace sluice::core::expr::test;

namespace {

batch_ptr small() { return table().ints("a", {2}).ints("b", {3}).ints("c", {4}).build(); }

std::int64_t int_result(std::string_view text) { return ints_of(*eval(text, small()))[0].value(); }
bool bool_result(std::string_view text) { return bools_of(*eval(text, small()))[0].value(); }

} // namespace

TEST_CASE("multiplication, division and modulo bind tighter than addition and subtraction") {
  CHECK(int_result("a + b * c") == 14);
  CHECK(int_result("a * b + c") == 10);
  CHECK(int_result("c - b % a") == 3);
  CHECK(int_result("(a + b) * c") == 20);
}

TEST_CASE("operators of one level associate to the left") {
  CHECK(int_result("c - b - a") == -1);
  CHECK(int_result("100 / c / a") == 12);
  CHECK(int_result("c - (b - a)") == 3);
}

TEST_CASE("unary minus binds tighter than multiplication") {
  CHECK(int_result("-a * b") == -6);
  CHECK(int_result("-(a + b) * c") == -20);
  CHECK(int_result("c--a") == 6);
}

TEST_CASE("arithmetic binds tighter than comparison") {
  CHECK(bool_result("a + b > c"));
  CHECK_FALSE(bool_result("a * b < c"));
}

TEST_CASE("comparison binds tighter than NOT, NOT than AND, and AND than OR") {
  CHECK_FALSE(bool_result("NOT a = 2"));
  CHECK(bool_result("NOT a = 3 AND b = 3"));
  CHECK(bool_result("a = 2 OR b = 0 AND c = 0"));
  CHECK_FALSE(bool_result("(a = 2 OR b = 0) AND c = 0"));
  CHECK_FALSE(bool_result("NOT false AND false"));
  CHECK(bool_result("NOT (false AND false)"));
}

TEST_CASE("whitespace is free between tokens and not needed around operators") {
  CHECK(int_result("a+b*c") == 14);
  CHECK(int_result("  a\t+\n b ") == 5);
  CHECK(bool_result("a<>b"));
}

TEST_CASE("quoted field names may hold spaces, keywords and doubled quotes") {
  auto b = table()
             .ints("unit price", {3})
             .ints("and", {4})
             .ints("say \"hi\"", {5})
             .ints("AND", {6})
             .build();
  CHECK(ints_of(*eval("\"unit price\" * 2", b)) == col<std::int64_t>{6});
  CHECK(ints_of(*eval("\"and\" + \"AND\"", b)) == col<std::int64_t>{10});
  CHECK(ints_of(*eval("\"say \"\"hi\"\"\"", b)) == col<std::int64_t>{5});
}

TEST_CASE("field names are case-sensitive") {
  auto e = compile_error("Seq > 1");
  CHECK(e.position == 1);
  CHECK(e.message == "unknown field 'Seq' (fields: seq, ts, key, value)");
}

TEST_CASE("an unknown field is an error at the field, listing the fields there are") {
  auto e = compile_error("value > 1 AND pricee > 2");
  CHECK(e.position == 15);
  CHECK(e.message == "unknown field 'pricee' (fields: seq, ts, key, value)");
  auto q = compile_error("seq + \"odd name\"");
  CHECK(q.position == 7);
  CHECK(q.message == "unknown field 'odd name' (fields: seq, ts, key, value)");
  CHECK(compile_error("x", schema()).message == "unknown field 'x' (fields: none)");
}

TEST_CASE("an empty expression is an error at column 1") {
  for (const char* text : {"", "   "}) {
    auto e = compile_error(text);
    CHECK(e.position == 1);
    CHECK(e.message == "empty expression");
  }
}

TEST_CASE("trailing tokens after a complete expression are an error where they start") {
  auto e = compile_error("value > 1 2");
  CHECK(e.position == 11);
  CHECK(e.message == "unexpected '2' after a complete expression");
  auto f = compile_error("seq key");
  CHECK(f.position == 5);
  CHECK(f.message == "unexpected 'key' after a complete expression");
}

TEST_CASE("an unmatched closing parenthesis is an error at it") {
  auto e = compile_error("(seq + 1)) * 2");
  CHECK(e.position == 10);
  CHECK(e.message == "unmatched ')'");
}

TEST_CASE("an unclosed parenthesis is an error at the opening one") {
  auto e = compile_error("seq * ((seq + 1) * 2");
  CHECK(e.position == 7);
  CHECK(e.message == "'(' is never closed");
}

TEST_CASE("a parenthesis closed by something else is an error at that token") {
  auto e = compile_error("(seq + 1 seq)");
  CHECK(e.position == 10);
  CHECK(e.message == "expected ')' to close the '(' at column 1, got 'seq'");
}

TEST_CASE("a missing operand is an error where the operand should start") {
  auto e = compile_error("value >");
  CHECK(e.position == 8);
  CHECK(e.message == "expected a value after '>', got end of expression");
  auto f = compile_error("value > * 2");
  CHECK(f.position == 9);
  CHECK(f.message == "expected a value after '>', got '*'");
  auto g = compile_error("()");
  CHECK(g.position == 2);
  CHECK(g.message == "expected a value after '(', got ')'");
  auto h = compile_error(")");
  CHECK(h.position == 1);
  CHECK(h.message == "expected a value, got ')'");
  CHECK(compile_error("seq > 1 AND").position == 12);
  CHECK(compile_error("NOT").position == 4);
}

TEST_CASE("positions count characters, not bytes") {
  auto e = compile_error("'héllo' > seq");
  CHECK(e.position == 9);
  CHECK(compile_error("\"ñame\"").position == 1);
  CHECK(compile_error("'ü' + 'x' +").position == 12);
}

TEST_CASE("very deep nesting is an error instead of a stack overflow") {
  std::string deep(1000, '(');
  deep += "1";
  deep += std::string(1000, ')');
  CHECK(compile_error(deep).message == "expression nested too deeply");
  std::string ok = std::string(50, '(') + "seq" + std::string(50, ')');
  CHECK_NOTHROW(compiled_expression::compile(ok, events_schema()));
}
