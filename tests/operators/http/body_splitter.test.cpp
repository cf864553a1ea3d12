#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "sluice/ops/http/body_splitter.hpp"

using namespace sluice::ops::http;

namespace {

std::vector<std::string> texts(const std::vector<body_piece>& pieces) {
  std::vector<std::string> out;
  for (const auto& p : pieces) out.emplace_back(p.text);
  return out;
}

} // namespace

TEST_CASE("a JSON array body is cut into its elements, strings and nesting kept whole") {
  std::vector<body_piece> pieces;
  std::string reason;
  REQUIRE(split_json_array(R"( [ {"a": "x, ] }"}, {"b": [1, {"c": 2}]} ,{"d": "\"]"}] )", pieces,
                           reason));
  CHECK(texts(pieces)
        == std::vector<std::string>{R"({"a": "x, ] }"})", R"({"b": [1, {"c": 2}]})",
                                    R"({"d": "\"]"})"});
  CHECK(pieces[2].number == 3);
  pieces.clear();
  CHECK(split_json_array("[]", pieces, reason));
  CHECK(pieces.empty());
}

TEST_CASE("a broken JSON array is refused, naming the element") {
  std::vector<body_piece> pieces;
  std::string reason;
  CHECK_FALSE(split_json_array(R"([{"a": 1}, {"a": 2})", pieces, reason));
  CHECK(reason == "element 2: the array is not closed");
  CHECK_FALSE(split_json_array(R"([{"a": 1},, {"a": 2}])", pieces, reason));
  CHECK(reason == "element 2: empty element");
  CHECK_FALSE(split_json_array(R"([{"a": 1}}])", pieces, reason));
  CHECK(reason == "element 1: '}' without its '{'");
  CHECK_FALSE(split_json_array(R"([{"a": 1}] x)", pieces, reason));
  CHECK(reason == "text after the array");
}

TEST_CASE("a body of lines is cut at \\n and \\r\\n, blank lines skipped but counted") {
  std::vector<body_piece> pieces;
  split_lines("a\r\n\n  \nb\nc", pieces);
  REQUIRE(texts(pieces) == std::vector<std::string>{"a", "b", "c"});
  CHECK(pieces[1].number == 4);
  CHECK(pieces[2].number == 5);
  CHECK(is_json_array("  \n[1]"));
  CHECK_FALSE(is_json_array("{\"a\": [1]}"));
}
