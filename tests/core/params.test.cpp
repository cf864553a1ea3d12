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

namespace {

/// One spec of `type`, named `name`, required.
std::string error_of_one(param_type type, const json& value, const std::string& name = "p") {
  property_spec s;
  s.name = name;
  s.type = type;
  s.required = true;
  try {
    params p({s}, json{{name, value}});
  } catch (const param_error& e) {
    CHECK(e.param() == name);
    return e.what();
  }
  return "";
}

} // namespace

TEST_CASE("a field param is a string and a field list an array of strings") {
  CHECK(error_of_one(param_type::field, "ts") == "");
  CHECK(error_of_one(param_type::field, 3) == "must be a string, got an integer");
  CHECK(error_of_one(param_type::field_list, json::array()) == "");
  CHECK(error_of_one(param_type::field_list, json::array({"a", "b"})) == "");
  CHECK(error_of_one(param_type::field_list, "a") == "must be an array of strings, got a string");
  CHECK(error_of_one(param_type::field_list, json::array({"a", 1}))
        == "must be an array of strings, but holds an integer");
  // Whether the fields exist is the operator's to say, with the input's schema.
  property_spec key;
  key.name = "key";
  key.type = param_type::field_list;
  params p({key}, json{{"key", {"nowhere"}}});
  CHECK(p.strings("key") == std::vector<std::string>{"nowhere"});
}

TEST_CASE("an aggregate list is checked for its shape in the words of the window operators") {
  const json count = {{"fn", "count"}};
  CHECK(error_of_one(param_type::aggregate_list, json::array({count}), "aggregates") == "");
  // Extra members and unknown functions are the operator's to judge.
  CHECK(error_of_one(param_type::aggregate_list,
                     json::array({{{"fn", "approx_percentile"}, {"field", "v"}, {"p", 0.5}},
                                  {{"fn", "medain"}, {"as", "m"}}}),
                     "aggregates")
        == "");
  const std::string list_message = "aggregates must be a non-empty list of {\"fn\": ..., "
                                   "\"field\": ..., \"as\": ...}, e.g. [{\"fn\": \"count\"}]";
  CHECK(error_of_one(param_type::aggregate_list, json::array(), "aggregates") == list_message);
  CHECK(error_of_one(param_type::aggregate_list, count, "aggregates") == list_message);
  CHECK(error_of_one(param_type::aggregate_list, json::array({count, "sum"}), "aggregates")
        == "aggregates[1]: must be an object like {\"fn\": \"sum\", \"field\": \"price\"}, got "
           "\"sum\"");
  CHECK(error_of_one(param_type::aggregate_list, json::array({{{"field", "v"}}}), "aggregates")
        == "aggregates[0]: needs \"fn\", the function name");
  CHECK(error_of_one(param_type::aggregate_list, json::array({{{"fn", 1}}}), "aggregates")
        == "aggregates[0]: needs \"fn\", the function name");
  CHECK(error_of_one(param_type::aggregate_list, json::array({{{"fn", "sum"}, {"field", 3}}}),
                     "aggregates")
        == "aggregates[0]: \"field\" must be a string, got 3");
  CHECK(error_of_one(param_type::aggregate_list, json::array({{{"fn", "count"}, {"as", ""}}}),
                     "aggregates")
        == "aggregates[0]: \"as\" must be a non-empty string, got \"\"");
}

TEST_CASE("a secret param is a string, and a message about it never holds its value") {
  CHECK(error_of_one(param_type::secret, "hunter2") == "");
  CHECK(error_of_one(param_type::secret, 1234)
        == R"(must be a string, {"env": "VARIABLE"} or {"file": "/path"}, got an integer)");
  CHECK(error_of_one(param_type::secret, json::array({"hunter2"}))
        == R"(must be a string, {"env": "VARIABLE"} or {"file": "/path"}, got an array)");
}

TEST_CASE("the new param types have their catalog names") {
  CHECK(name_of(param_type::field) == "field");
  CHECK(name_of(param_type::field_list) == "field_list");
  CHECK(name_of(param_type::aggregate_list) == "aggregate_list");
  CHECK(name_of(param_type::secret) == "secret");
}
