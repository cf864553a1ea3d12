#include "expr_test_support.hpp"

using namespace sluice::core;
using namespace sluice::core::expr;
using namespace sluice::core::expr::test;

namespace {

const std::nullopt_t null = std::nullopt;

batch_ptr people() {
  return table()
    .ints("age", {17, 30, null, 65})
    .doubles("score", {1.5, 2.0, 3.0, null})
    .strings("name", {"ann", "bob", null, "Cy_%"})
    .timestamps("ts", {0, 60'000'000, null, 3'600'000'000})
    .build();
}

} // namespace

TEST_CASE("the NULL literal is null on every row and takes its type from its context") {
  auto b = people();
  CHECK(ints_of(*eval("age + NULL", b)) == col<std::int64_t>{null, null, null, null});
  CHECK(bools_of(*eval("age = NULL", b)) == col<bool>{null, null, null, null});
  CHECK(bools_of(*eval("NULL AND false", b)) == col<bool>{false, false, false, false});
  CHECK(bools_of(*eval("NULL OR true", b)) == col<bool>{true, true, true, true});
  CHECK(compiled_expression::compile("ts + NULL", b->fields()).type() == value_type::timestamp);
  CHECK(compiled_expression::compile("name + NULL", b->fields()).type() == value_type::string);
  CHECK(compiled_expression::compile("-NULL", b->fields()).type() == value_type::int64);
  CHECK(compiled_expression::compile("NOT NULL", b->fields()).type() == value_type::boolean);
  CHECK(compiled_expression::compile("null", b->fields()).type() == value_type::string);
}

TEST_CASE("IS NULL and IS NOT NULL test for nulls and are never null themselves") {
  auto b = people();
  CHECK(bools_of(*eval("age IS NULL", b)) == col<bool>{false, false, true, false});
  CHECK(bools_of(*eval("age is not null", b)) == col<bool>{true, true, false, true});
  CHECK(bools_of(*eval("score * 2 IS NULL", b)) == col<bool>{false, false, false, true});
  CHECK(bools_of(*eval("NULL IS NULL", b)) == col<bool>{true, true, true, true});
  CHECK(bools_of(*eval("1 IS NULL", b)) == col<bool>{false, false, false, false});
  CHECK(bools_of(*eval("NOT age IS NULL AND age > 18", b)) == col<bool>{false, true, false, true});
}

TEST_CASE("IS TRUE and IS FALSE treat null as neither") {
  auto b = table().bools("p", {true, false, null}).build();
  CHECK(bools_of(*eval("p IS TRUE", b)) == col<bool>{true, false, false});
  CHECK(bools_of(*eval("p IS NOT TRUE", b)) == col<bool>{false, true, true});
  CHECK(bools_of(*eval("p IS FALSE", b)) == col<bool>{false, true, false});
  CHECK(bools_of(*eval("p IS NOT FALSE", b)) == col<bool>{true, false, true});
}

TEST_CASE("IN matches any listed constant, with SQL's nulls") {
  auto b = people();
  CHECK(bools_of(*eval("age IN (17, 65)", b)) == col<bool>{true, false, null, true});
  CHECK(bools_of(*eval("age NOT IN (17, 65)", b)) == col<bool>{false, true, null, false});
  CHECK(bools_of(*eval("name IN ('bob', 'ann')", b)) == col<bool>{true, true, null, false});
  CHECK(bools_of(*eval("score IN (2, 3)", b)) == col<bool>{false, true, true, null});
  CHECK(bools_of(*eval("age IN (30.0, 17.5)", b)) == col<bool>{false, true, null, false});
  // A list with a null: no match gives null, a match stays true.
  CHECK(bools_of(*eval("age IN (17, NULL)", b)) == col<bool>{true, null, null, null});
  CHECK(bools_of(*eval("age NOT IN (17, NULL)", b)) == col<bool>{false, null, null, null});
}

TEST_CASE("IN on timestamps reads string constants as ISO-8601") {
  auto b = people();
  CHECK(bools_of(*eval("ts IN ('1970-01-01T00:01:00Z', '1970-01-01T01:00:00Z')", b))
        == col<bool>{false, true, null, true});
}

TEST_CASE("IN with computed items compares row by row") {
  auto b = table().ints("a", {1, 2, 3}).ints("b", {1, 5, null}).build();
  CHECK(bools_of(*eval("a IN (b, 2)", b)) == col<bool>{true, true, null});
  CHECK(bools_of(*eval("a NOT IN (b, b * 2)", b)) == col<bool>{false, true, null});
}

TEST_CASE("BETWEEN includes both bounds, and NOT BETWEEN excludes them") {
  auto b = people();
  CHECK(bools_of(*eval("age BETWEEN 18 AND 65", b)) == col<bool>{false, true, null, true});
  CHECK(bools_of(*eval("age NOT BETWEEN 18 AND 65", b)) == col<bool>{true, false, null, false});
  CHECK(bools_of(*eval("score BETWEEN 1 AND 2 AND age > 20", b))
        == col<bool>{false, true, false, null});
  CHECK(bools_of(*eval("ts BETWEEN '1970-01-01' AND '1970-01-01T00:30:00Z'", b))
        == col<bool>{true, true, null, false});
  CHECK(bools_of(*eval("name BETWEEN 'a' AND 'b'", b)) == col<bool>{true, false, null, false});
}

TEST_CASE("LIKE matches % as any run and _ as one character") {
  auto b = table().strings("s", {"apple", "apply", "maple", "", "añb", null}).build();
  CHECK(bools_of(*eval("s LIKE 'app%'", b)) == col<bool>{true, true, false, false, false, null});
  CHECK(bools_of(*eval("s LIKE '%ple'", b)) == col<bool>{true, false, true, false, false, null});
  CHECK(bools_of(*eval("s LIKE '%pl%'", b)) == col<bool>{true, true, true, false, false, null});
  CHECK(bools_of(*eval("s LIKE 'appl_'", b)) == col<bool>{true, true, false, false, false, null});
  CHECK(bools_of(*eval("s LIKE 'a_b'", b)) == col<bool>{false, false, false, false, true, null});
  CHECK(bools_of(*eval("s LIKE '%a%l_'", b)) == col<bool>{true, true, true, false, false, null});
  CHECK(bools_of(*eval("s LIKE ''", b)) == col<bool>{false, false, false, true, false, null});
  CHECK(bools_of(*eval("s LIKE '%'", b)) == col<bool>{true, true, true, true, true, null});
  CHECK(bools_of(*eval("s NOT LIKE 'a%'", b)) == col<bool>{false, false, true, true, false, null});
  CHECK(bools_of(*eval("s LIKE 'apple'", b)) == col<bool>{true, false, false, false, false, null});
}

TEST_CASE("LIKE escapes with a backslash by default, or with the ESCAPE character") {
  auto b = table().strings("s", {"100%", "100x", "a_b", "ab"}).build();
  CHECK(bools_of(*eval("s LIKE '100\\%'", b)) == col<bool>{true, false, false, false});
  CHECK(bools_of(*eval("s LIKE '100!%' ESCAPE '!'", b)) == col<bool>{true, false, false, false});
  CHECK(bools_of(*eval("s LIKE '%!_%' ESCAPE '!'", b)) == col<bool>{false, false, true, false});
  CHECK(bools_of(*eval("s LIKE 'a\\_b'", b)) == col<bool>{false, false, true, false});
  CHECK(bools_of(*eval("s LIKE '100\\%' ESCAPE ''", b)) == col<bool>{false, false, false, false});
}

TEST_CASE("LIKE takes its pattern from a column too") {
  auto b = table().strings("s", {"abc", "abc", "x"}).strings("p", {"a%", "b%", null}).build();
  CHECK(bools_of(*eval("s LIKE p", b)) == col<bool>{true, false, null});
}

TEST_CASE("a pattern column ending in the escape character is a row error") {
  auto b = table().strings("s", {"a", "a"}).strings("p", {"a", "a\\"}).build();
  row_errors errors;
  CHECK(bools_of(*eval("s LIKE p", b, &errors)) == col<bool>{true, null});
  REQUIRE(errors.rows == std::vector<std::uint32_t>{1});
  CHECK(errors.reasons[0] == "LIKE pattern 'a\\' ends with the escape character");
}

TEST_CASE("predicates on the wrong types are errors at the predicate") {
  auto e = compile_error("key LIKE 5");
  CHECK(e.position == 5);
  CHECK(e.message == "LIKE needs strings, got string and int");
  auto f = compile_error("seq BETWEEN 'a' AND 'b'");
  CHECK(f.position == 5);
  CHECK(f.message == "BETWEEN needs comparable types, got int and string");
  auto g = compile_error("seq IN (1, 'two', 3)");
  CHECK(g.position == 12);
  CHECK(g.message == "IN list value has type string, which does not compare with int");
  auto h = compile_error("seq IS TRUE");
  CHECK(h.position == 5);
  CHECK(h.message == "IS TRUE needs a bool, got int");
}

TEST_CASE("malformed predicates are errors where they go wrong") {
  auto e = compile_error("seq IN 1, 2");
  CHECK(e.position == 8);
  CHECK(e.message == "expected '(' after IN, got '1'");
  auto f = compile_error("seq IN ()");
  CHECK(f.position == 9);
  CHECK(f.message == "IN list is empty");
  auto g = compile_error("seq IN (1, 2");
  CHECK(g.position == 8);
  CHECK(g.message == "'(' is never closed");
  auto h = compile_error("seq BETWEEN 1 OR 2");
  CHECK(h.position == 15);
  CHECK(h.message == "expected AND between the bounds of BETWEEN, got 'OR'");
  auto i = compile_error("seq IS 5");
  CHECK(i.position == 8);
  CHECK(i.message == "expected NULL, TRUE or FALSE after IS, got '5'");
  auto j = compile_error("key LIKE 'a' ESCAPE 'ab'");
  CHECK(j.position == 21);
  CHECK(j.message == "ESCAPE needs a one-character string (or '' for none), got 'ab'");
  auto k = compile_error("key LIKE 'ab\\'");
  CHECK(k.position == 10);
  CHECK(k.message == "LIKE pattern ends with the escape character");
  CHECK(compile_error("seq NOT 5").message == "unexpected 'NOT' after a complete expression");
}

TEST_CASE("a reserved word used as a field name must be quoted") {
  schema s({{"end", value_type::int64}, {"in", value_type::int64}});
  auto e = compile_error("end > 1", s);
  CHECK(e.position == 1);
  CHECK(e.message == "expected a value, got 'end' (a reserved word: write \"end\" for the field)");
  auto b = table().ints("end", {1, 2}).ints("in", {2, 2}).build();
  CHECK(bools_of(*eval("\"end\" = \"in\"", b)) == col<bool>{false, true});
}

TEST_CASE("predicates bind tighter than NOT and AND, looser than arithmetic") {
  auto b = people();
  CHECK(bools_of(*eval("NOT age + 1 IN (18, 31)", b)) == col<bool>{false, false, null, true});
  CHECK(bools_of(*eval("age BETWEEN 10 + 5 AND 20 AND name LIKE 'a%'", b))
        == col<bool>{true, false, null, false});
  CHECK(bools_of(*eval("age IN (17) = true", b)) == col<bool>{true, false, null, false});
}
