#include <catch2/catch.hpp>

#include <string>

#include "sluice/core/json_text.hpp"

using sluice::core::json_text_error;
using sluice::core::parse_json_text;

namespace {

/// The error parse_json_text throws for `text`, or none.
std::string error_of(const std::string& text, std::size_t max_depth = 64) {
  try {
    parse_json_text(text, max_depth);
  } catch (const json_text_error& e) {
    return e.what();
  }
  return "none";
}

std::string nested(std::size_t depth) {
  return std::string(depth, '[') + "1" + std::string(depth, ']');
}

} // namespace

TEST_CASE("JSON text within the limits parses to its value") {
  auto j = parse_json_text(R"({"a": [1, 2.5, "x"], "b": {"c": null}})");
  CHECK(j["a"][1] == 2.5);
  CHECK(j["b"]["c"].is_null());
  CHECK(parse_json_text(nested(64)).is_array());
}

TEST_CASE("numbers out of range are an error naming their line and column, not an abort") {
  CHECK(error_of("{\"x\": 1e400}")
        == "line 1, column 7: number out of range: number overflow "
           "parsing '1e400'");
  CHECK_THAT(error_of("{\n  \"x\": -1e400}"), Catch::StartsWith("line 2, column 8: number out of "
                                                                "range"));
  CHECK_THAT(error_of("[" + std::string(400, '9') + "]"),
             Catch::StartsWith("line 1, column 2: number out of range"));
}

TEST_CASE("nesting deeper than the limit is refused before parsing, at the bracket that is too "
          "deep") {
  CHECK(error_of(nested(65)) == "line 1, column 65: nested deeper than 64 levels");
  CHECK(error_of("{\"a\":" + nested(3) + "}", 3)
        == "line 1, column 8: nested deeper than 3 levels");
  // 100 000 levels: refused at once instead of overflowing the stack later.
  std::string deep;
  for (int i = 0; i < 100000; ++i) deep += "{\"a\":";
  deep += "1" + std::string(100000, '}');
  CHECK_THAT(error_of(deep), Catch::EndsWith("nested deeper than 64 levels"));
}

TEST_CASE("brackets inside strings do not count as nesting") {
  CHECK(parse_json_text(R"({"s": "[[[[[[[[[[ \" {{{{{{{{"})", 3)["s"] == "[[[[[[[[[[ \" {{{{{{{{");
}

TEST_CASE("a JSON syntax error names its line and column") {
  CHECK(error_of("{\n  \"a\": 1,,\n}")
        == "line 2, column 10: JSON syntax error: syntax error "
           "while parsing object key - unexpected ','; expected "
           "string literal");
}
