#include "expr_test_support.hpp"

#include "sluice/core/expr/lexer.hpp"

using namespace sluice::core;
using namespace sluice::core::expr;
using namespace sluice::core::expr::test;

namespace {

std::vector<token_kind> kinds(std::string_view text) {
  std::vector<token_kind> out;
  for (const auto& t : tokenize(text)) out.push_back(t.kind);
  return out;
}

} // namespace

TEST_CASE("the lexer reads every operator, the longest spelling first") {
  using k = token_kind;
  CHECK(kinds("= == != <> < <= > >= + - * / % ( )")
        == std::vector<k>{k::eq, k::eq, k::ne, k::ne, k::lt, k::le, k::gt, k::ge, k::plus, k::minus,
                          k::star, k::slash, k::percent, k::lparen, k::rparen, k::end});
  CHECK(kinds("a<=-b") == std::vector<k>{k::identifier, k::le, k::minus, k::identifier, k::end});
}

TEST_CASE("the lexer tells keywords from names, ignoring case for keywords only") {
  using k = token_kind;
  CHECK(kinds("and OR Not TRUE false")
        == std::vector<k>{k::kw_and, k::kw_or, k::kw_not, k::kw_true, k::kw_false, k::end});
  CHECK(kinds("android \"and\" _x1")
        == std::vector<k>{k::identifier, k::identifier, k::identifier, k::end});
}

TEST_CASE("the lexer reads integers and doubles") {
  auto t = tokenize("42 1.5 1e3 2.5E-2 7. 9223372036854775807");
  REQUIRE(t.size() == 7);
  CHECK(t[0].kind == token_kind::integer);
  CHECK(t[0].int_value == 42);
  CHECK(t[1].kind == token_kind::real);
  CHECK(t[1].real_value == 1.5);
  CHECK(t[2].kind == token_kind::real);
  CHECK(t[2].real_value == 1000.0);
  CHECK(t[3].real_value == 0.025);
  CHECK(t[4].real_value == 7.0);
  CHECK(t[5].int_value == INT64_MAX);
}

TEST_CASE("the lexer keeps each token's offset and spelling") {
  auto t = tokenize("  seq >= 'a''b'");
  REQUIRE(t.size() == 4);
  CHECK(t[0].offset == 2);
  CHECK(t[1].spelling == ">=");
  CHECK(t[2].offset == 9);
  CHECK(t[2].spelling == "'a''b'");
  CHECK(t[2].text == "a'b");
  CHECK(t[3].offset == 15);
}

TEST_CASE("an unterminated string is an error at its opening quote") {
  auto e = compile_error("key = 'abc");
  CHECK(e.position == 7);
  CHECK(e.message == "unterminated string");
  CHECK(compile_error("key = 'it''s").position == 7);
}

TEST_CASE("an unterminated or empty quoted field name is an error at its opening quote") {
  auto e = compile_error("seq + \"odd");
  CHECK(e.position == 7);
  CHECK(e.message == "unterminated quoted field name");
  auto f = compile_error("seq + \"\"");
  CHECK(f.position == 7);
  CHECK(f.message == "empty field name");
}

TEST_CASE("an unexpected character is an error at it") {
  auto e = compile_error("seq # 2");
  CHECK(e.position == 5);
  CHECK(e.message == "unexpected character '#'");
  CHECK(compile_error("seq ! 2").message == "unexpected character '!'");
  CHECK(compile_error("seq = .5").message == "unexpected character '.'");
  CHECK(compile_error("seq € 2").message == "unexpected character '€'");
}

TEST_CASE("a malformed number is an error at its first digit") {
  auto e = compile_error("seq + 1e");
  CHECK(e.position == 7);
  CHECK(e.message == "malformed number '1e'");
  CHECK(compile_error("seq + 12abc").message == "malformed number '12abc'");
  CHECK(compile_error("seq + 1.2.3").message == "malformed number '1.2.3'");
}

TEST_CASE("a number out of range is an error at its first digit") {
  auto e = compile_error("seq > 9223372036854775808");
  CHECK(e.position == 7);
  CHECK(e.message == "integer 9223372036854775808 is out of range (int64)");
  CHECK(compile_error("value > 1e999").message == "number 1e999 is out of range");
}

TEST_CASE("the lexer reads commas, || and the SQL reserved words in any case") {
  using k = token_kind;
  CHECK(
    kinds("a, b || c")
    == std::vector<k>{k::identifier, k::comma, k::identifier, k::concat, k::identifier, k::end});
  CHECK(kinds("NULL is In between LIKE case When THEN else END")
        == std::vector<k>{k::kw_null, k::kw_is, k::kw_in, k::kw_between, k::kw_like, k::kw_case,
                          k::kw_when, k::kw_then, k::kw_else, k::kw_end, k::end});
  CHECK(kinds("cast extract interval escape as from")
        == std::vector<k>{k::identifier, k::identifier, k::identifier, k::identifier, k::identifier,
                          k::identifier, k::end});
  CHECK(compile_error("seq | 1").message == "unexpected character '|'");
}

TEST_CASE("the lexer reads a number followed by a unit as a duration in microseconds") {
  auto t = tokenize("10us 250ms 1.5s 2sec 1m 5min 2h 1d 3");
  REQUIRE(t.size() == 10);
  std::vector<std::int64_t> expected{10,         250'000,     1'500'000,     2'000'000,
                                     60'000'000, 300'000'000, 7'200'000'000, 86'400'000'000};
  for (std::size_t i = 0; i < expected.size(); ++i) {
    CHECK(t[i].kind == token_kind::duration);
    CHECK(t[i].int_value == expected[i]);
  }
  CHECK(t[8].kind == token_kind::integer);
  CHECK(compile_error("seq + 5sx").message == "malformed number '5sx'");
  CHECK(compile_error("seq + 5s.2").message == "malformed number '5s.2'");
}
