#include "expr_test_support.hpp"

using namespace sluice::core;
using namespace sluice::core::expr;
using namespace sluice::core::expr::test;

TEST_CASE("plus on two strings concatenates") {
  auto b = table().strings("a", {"foo", "", "x"}).strings("b", {"bar", "baz", ""}).build();
  CHECK(strings_of(*eval("a + b", b)) == col<std::string>{"foobar", "baz", "x"});
  CHECK(strings_of(*eval("a + '-' + b", b)) == col<std::string>{"foo-bar", "-baz", "x-"});
  CHECK(strings_of(*eval("'<' + a", b)) == col<std::string>{"<foo", "<", "<x"});
}

TEST_CASE("concatenating a null string gives null") {
  auto b =
    table().strings("a", {"foo", std::nullopt, "x"}).strings("b", {std::nullopt, "y", "z"}).build();
  auto c = eval("a + b", b);
  CHECK(strings_of(*c) == col<std::string>{std::nullopt, std::nullopt, "xz"});
  CHECK(c->bytes == "xz");
}

TEST_CASE("a string literal holds a doubled quote as one quote") {
  auto b = table().strings("a", {"it"}).build();
  CHECK(strings_of(*eval("a + '''s'", b)) == col<std::string>{"it's"});
  CHECK(strings_of(*eval("''''", b)) == col<std::string>{"'"});
  CHECK(strings_of(*eval("'a \"quoted\" word'", b)) == col<std::string>{"a \"quoted\" word"});
}

TEST_CASE("concatenated strings compare like any string") {
  auto b = table().strings("a", {"ab", "a"}).strings("b", {"c", "bc"}).build();
  CHECK(bools_of(*eval("a + b = 'abc'", b)) == col<bool>{true, true});
}

TEST_CASE("plus on a string and an int is an error at the plus") {
  auto e = compile_error("key + 1");
  CHECK(e.position == 5);
  CHECK(e.message
        == "operator '+' needs numbers, strings, or a timestamp and an int, got string and int");
}
