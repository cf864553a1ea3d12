#include <catch2/catch.hpp>

#include <string>

#include <nlohmann/json.hpp>

#include "sluice/core/record_format.hpp"

using sluice::core::append_json_escaped;

namespace {

std::string escaped(const std::string& s) {
  std::string out;
  append_json_escaped(s, out);
  return out;
}

/// Whether `"` + escaped(s) + `"` is JSON that nlohmann accepts.
bool valid_json_string(const std::string& s) {
  return nlohmann::json::accept("\"" + escaped(s) + "\"");
}

} // namespace

TEST_CASE("well-formed UTF-8 is written into JSON strings as it is") {
  CHECK(escaped("caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80")
        == "caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80");
  CHECK(escaped("a\"b\\c\n\x01") == "a\\\"b\\\\c\\n\\u0001");
}

TEST_CASE("bytes that are not UTF-8 become U+FFFD, one per byte, and the JSON stays valid") {
  // A CSV field "\xff\xfe" used to go into JSON lines as it was, and Sluice
  // then refused to read its own output.
  CHECK(escaped("\xFF\xFE") == "\xEF\xBF\xBD\xEF\xBF\xBD");
  CHECK(escaped("a\xC3") == "a\xEF\xBF\xBD");                               // truncated
  CHECK(escaped("\xC0\xAF") == "\xEF\xBF\xBD\xEF\xBF\xBD");                 // overlong '/'
  CHECK(escaped("\xED\xA0\x80") == "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD"); // surrogate
  CHECK(escaped("\xF4\x90\x80\x80x") == "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBDx");
  CHECK(escaped("ok\x80ok") == "ok\xEF\xBF\xBDok"); // stray continuation byte
  for (const char* s : {"\xFF\xFE", "a\xC3", "\xC0\xAF", "\xED\xA0\x80", "\xF4\x90\x80\x80",
                        "\xE2\x82", "\xF0\x9F\x98"})
    CHECK(valid_json_string(s));
}
