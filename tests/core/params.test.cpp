#include <catch2/catch.hpp>

#include "sluice/core/errors.hpp"
#include "sluice/core/params.hpp"

using namespace sluice::core;
using nlohmann::json;

namespace {

std::vector<property_spec> specs() {
  std::vector<property_spec> s(5);
  s[0].name = "count";
  s[0].type = param_type::integer;
  s[0].min = 0;
  s[0].default_value = 100;
  s[1].name = "path";
  s[1].type = param_type::path;
  s[1].required = true;
  s[2].name = "every";
  s[2].type = param_type::duration;
  s[2].default_value = "1s";
  s[3].name = "format";
  s[3].type = param_type::choice;
  s[3].choices = {"jsonl", "csv"};
  s[3].default_value = "jsonl";
  s[4].name = "fields";
  s[4].type = param_type::string_list;
  return s;
}

std::string error_of(const json& raw, std::string* param = nullptr) {
  try {
    params p(specs(), raw);
  } catch (const param_error& e) {
    if (param) *param = e.param();
    return e.what();
  }
  return "";
}

} // namespace

TEST_CASE("params fill in defaults and parse durations") {
  params p(specs(), json{{"path", "x.jsonl"}});
  CHECK(p.integer("count") == 100);
  CHECK(p.string("path") == "x.jsonl");
  CHECK(p.duration("every") == 1000000);
  CHECK(p.string("format") == "jsonl");
  CHECK_FALSE(p.has("fields"));
  CHECK(p.strings("fields").empty());
}

TEST_CASE("a missing required param is named") {
  std::string param;
  CHECK_THAT(error_of(json::object(), &param), Catch::Contains("missing required"));
  CHECK(param == "path");
}

TEST_CASE("an unknown param is named with the known ones") {
  std::string param;
  auto msg = error_of(json{{"path", "p"}, {"cuont", 3}}, &param);
  CHECK(param == "cuont");
  CHECK_THAT(msg, Catch::Contains("unknown param") && Catch::Contains("count"));
}

TEST_CASE("ill-typed and out-of-range params say what was expected and what came") {
  std::string param;
  CHECK_THAT(error_of(json{{"path", "p"}, {"count", "many"}}, &param),
             Catch::Contains("must be an integer, got a string"));
  CHECK(param == "count");
  CHECK_THAT(error_of(json{{"path", "p"}, {"count", -1}}), Catch::Contains("at least 0, got -1"));
  CHECK_THAT(error_of(json{{"path", "p"}, {"every", "soon"}}), Catch::Contains("not a duration"));
  CHECK_THAT(error_of(json{{"path", "p"}, {"format", "xml"}}),
             Catch::Contains("one of jsonl, csv"));
  CHECK_THAT(error_of(json{{"path", "p"}, {"fields", json::array({1})}}),
             Catch::Contains("array of strings"));
}

TEST_CASE("an unknown param with an empty name says so") {
  std::string param = "?";
  CHECK_THAT(error_of(json{{"path", "p"}, {"", 3}}, &param),
             Catch::Contains("unknown param with an empty name"));
  CHECK(param.empty());
}
