#include "expr_test_support.hpp"

#include "sluice/core/expr/functions.hpp"

using namespace sluice::core;
using namespace sluice::core::expr;
using namespace sluice::core::expr::test;

namespace {

const std::nullopt_t null = std::nullopt;

batch_ptr words() {
  return table().strings("s", {"Hello", "  spaced  ", "", "Ærø Ünïcode", null}).build();
}

} // namespace

TEST_CASE("lower and upper change ASCII and Latin-1 letters and keep nulls") {
  auto b = words();
  CHECK(strings_of(*eval("lower(s)", b))
        == col<std::string>{"hello", "  spaced  ", "", "ærø ünïcode", null});
  CHECK(strings_of(*eval("UPPER(s)", b))
        == col<std::string>{"HELLO", "  SPACED  ", "", "ÆRØ ÜNÏCODE", null});
}

TEST_CASE("length counts characters, not bytes") {
  auto b = words();
  CHECK(ints_of(*eval("length(s)", b)) == col<std::int64_t>{5, 10, 0, 11, null});
  CHECK(ints_of(*eval("char_length('ñ')", b)) == col<std::int64_t>{1, 1, 1, 1, 1});
}

TEST_CASE("substr counts from 1 and clips to the string like SQL") {
  auto b = table().strings("s", {"abcdef", "añb", null}).build();
  CHECK(strings_of(*eval("substr(s, 2)", b)) == col<std::string>{"bcdef", "ñb", null});
  CHECK(strings_of(*eval("substr(s, 2, 3)", b)) == col<std::string>{"bcd", "ñb", null});
  CHECK(strings_of(*eval("substr(s, 0, 2)", b)) == col<std::string>{"a", "a", null});
  CHECK(strings_of(*eval("substr(s, -5, 7)", b)) == col<std::string>{"a", "a", null});
  CHECK(strings_of(*eval("substring(s, 10)", b)) == col<std::string>{"", "", null});
  CHECK(strings_of(*eval("substr(s, 1, NULL)", b)) == col<std::string>{null, null, null});
}

TEST_CASE("a negative substr length is a row error") {
  auto b = table().strings("s", {"abc"}).ints("n", {-1}).build();
  row_errors errors;
  CHECK(strings_of(*eval("substr(s, 1, n)", b, &errors)) == col<std::string>{null});
  REQUIRE(errors.reasons.size() == 1);
  CHECK(errors.reasons[0] == "substr() length must not be negative, got -1");
}

TEST_CASE("concat joins any values as strings and skips nulls") {
  auto b = table().strings("s", {"a", null}).ints("i", {1, 2}).doubles("d", {0.5, null}).build();
  CHECK(strings_of(*eval("concat(s, '-', i, '-', d)", b)) == col<std::string>{"a-1-0.5", "-2-"});
  CHECK(strings_of(*eval("concat(s)", b)) == col<std::string>{"a", ""});
  CHECK(strings_of(*eval("concat(NULL, true)", b)) == col<std::string>{"true", "true"});
}

TEST_CASE("trim, ltrim and rtrim drop whitespace or the given characters") {
  auto b = words();
  CHECK(strings_of(*eval("trim(s)", b))
        == col<std::string>{"Hello", "spaced", "", "Ærø Ünïcode", null});
  CHECK(strings_of(*eval("ltrim(s)", b))[1] == "spaced  ");
  CHECK(strings_of(*eval("rtrim(s)", b))[1] == "  spaced");
  CHECK(strings_of(*eval("trim('xxhixyx', 'xy')", b))[0] == "hi");
  CHECK(strings_of(*eval("trim('ééaé', 'é')", b))[0] == "a");
  CHECK(strings_of(*eval("rtrim('ééaé', 'é')", b))[0] == "éé" + std::string("a"));
}

TEST_CASE("replace substitutes every occurrence") {
  auto b = table().strings("s", {"a-b-c", "none", null}).build();
  CHECK(strings_of(*eval("replace(s, '-', '+')", b)) == col<std::string>{"a+b+c", "none", null});
  CHECK(strings_of(*eval("replace(s, '-', '')", b)) == col<std::string>{"abc", "none", null});
  CHECK(strings_of(*eval("replace(s, '', 'x')", b)) == col<std::string>{"a-b-c", "none", null});
  CHECK(strings_of(*eval("replace('aaa', 'aa', 'b')", b))[0] == "ba");
}

TEST_CASE("starts_with, ends_with and contains test substrings") {
  auto b = table().strings("s", {"foobar", "bar", null}).build();
  CHECK(bools_of(*eval("starts_with(s, 'foo')", b)) == col<bool>{true, false, null});
  CHECK(bools_of(*eval("ends_with(s, 'bar')", b)) == col<bool>{true, true, null});
  CHECK(bools_of(*eval("contains(s, 'oba')", b)) == col<bool>{true, false, null});
}

TEST_CASE("regexp_match finds the pattern anywhere in the string") {
  auto b = table().strings("s", {"order-123", "order-x", "ORDER-9", null}).build();
  CHECK(bools_of(*eval("regexp_match(s, 'order-[0-9]+')", b))
        == col<bool>{true, false, false, null});
  CHECK(bools_of(*eval("regexp_match(s, '(?i)^order-\\d$')", b))
        == col<bool>{false, false, true, null});
  CHECK(bools_of(*eval("regexp_match(s, '')", b)) == col<bool>{true, true, true, null});
}

TEST_CASE("a constant regular expression is compiled once, when the expression is") {
  auto b = table().strings("s", {"a1", "b"}).build();
  std::size_t before = regex_compilations();
  auto e = compiled_expression::compile("regexp_match(s, '[0-9]')", b->fields());
  CHECK(regex_compilations() == before + 1);
  for (int k = 0; k < 3; ++k) CHECK(bools_of(*e.evaluate(*b)) == col<bool>{true, false});
  CHECK(regex_compilations() == before + 1);
}

TEST_CASE("an invalid or non-constant pattern is an error at the pattern") {
  auto e = compile_error("regexp_match(key, 'a(b')");
  CHECK(e.position == 19);
  CHECK(e.message == "invalid regular expression: missing ): a(b");
  auto f = compile_error("regexp_match(key, key)");
  CHECK(f.position == 19);
  CHECK(f.message == "regexp_match() needs a constant pattern (a 'string' literal)");
}

TEST_CASE("function names ignore case") {
  auto b = table().strings("s", {"Ab"}).build();
  CHECK(strings_of(*eval("LOWER(s) || Upper(s) || lOwEr(s)", b)) == col<std::string>{"abABab"});
}

TEST_CASE("an unknown function is an error at its name listing close names") {
  auto e = compile_error("seq + lowr(key)");
  CHECK(e.position == 7);
  CHECK(e.message == "unknown function 'lowr' (did you mean lower?)");
  CHECK(compile_error("substrng(key, 1)").message
        == "unknown function 'substrng' (did you mean substring, substr?)");
  CHECK(compile_error("frobnicate(key)").message == "unknown function 'frobnicate'");
  CHECK(compile_error("now()").message == "unknown function 'now' (did you mean pow?)");
}

TEST_CASE("wrong arguments are an error at the call naming the signature") {
  auto e = compile_error("key = lower(seq)");
  CHECK(e.position == 7);
  CHECK(e.message == "lower() does not take (int); expected lower(string) -> string");
  auto f = compile_error("substr(key)");
  CHECK(f.position == 1);
  CHECK(f.message
        == "substr() takes 2 to 3 arguments, got 1; expected substr(string, start int[, "
           "length int]) -> string");
  CHECK(compile_error("lower(key, key)").message
        == "lower() takes 1 argument, got 2; expected lower(string) -> string");
  CHECK(compile_error("replace(key, 'a', 1)").message
        == "replace() does not take (string, string, int); expected replace(string, from string, "
           "to string) -> string");
  CHECK(compile_error("concat()").message
        == "concat() takes at least 1 argument, got 0; expected concat(any, ...) -> string");
}

TEST_CASE("malformed calls are errors where they go wrong") {
  auto e = compile_error("lower(key");
  CHECK(e.position == 6);
  CHECK(e.message == "'(' is never closed");
  auto f = compile_error("lower(key key)");
  CHECK(f.position == 11);
  CHECK(f.message == "expected ')' to close the '(' of lower() at column 6, got 'key'");
  auto g = compile_error("lower(key,)");
  CHECK(g.position == 11);
  CHECK(g.message == "expected a value after ',', got ')'");
}

TEST_CASE("string functions of constants are computed once") {
  auto b = table().ints("x", {1, 2}).build();
  auto e = compiled_expression::compile("upper(substr('hello', 2, 3))", b->fields());
  CHECK(strings_of(*e.evaluate(*b)) == col<std::string>{"ELL", "ELL"});
}
