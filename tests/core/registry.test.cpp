#include <catch2/catch.hpp>

#include "sluice/core/registry.hpp"

using namespace sluice::core;

namespace {

descriptor sample(const std::string& kind) {
  descriptor d;
  d.kind = kind;
  d.category = "transform";
  d.summary = "does things";
  d.inputs = {{"in", "records"}};
  d.outputs = {{"out", "records"}};
  property_spec p;
  p.name = "rate";
  p.type = param_type::number;
  p.help = "per second";
  p.default_value = 10;
  p.min = 0;
  d.properties = {p};
  return d;
}

} // namespace

TEST_CASE("a registry finds the kinds added to it and nothing else") {
  registry reg;
  reg.add(sample("t.one"));
  REQUIRE(reg.find("t.one") != nullptr);
  CHECK(reg.find("t.one")->summary == "does things");
  CHECK(reg.find("t.two") == nullptr);
}

TEST_CASE("adding a kind twice is refused") {
  registry reg;
  reg.add(sample("t.one"));
  CHECK_THROWS_AS(reg.add(sample("t.one")), std::logic_error);
}

TEST_CASE("the catalog lists ports including the errors port and every property spec") {
  registry reg;
  reg.add(sample("t.one"));
  auto c = reg.catalog();
  REQUIRE(c.size() == 1);
  CHECK(c[0]["kind"] == "t.one");
  CHECK(c[0]["inputs"][0]["name"] == "in");
  REQUIRE(c[0]["outputs"].size() == 2);
  CHECK(c[0]["outputs"][1]["name"] == "errors");
  CHECK(c[0]["properties"][0]["name"] == "rate");
  CHECK(c[0]["properties"][0]["type"] == "number");
  CHECK(c[0]["properties"][0]["default"] == 10);
  CHECK(c[0]["properties"][0]["min"] == 0);
}

TEST_CASE("the catalog says which params shape an operator's state") {
  registry reg;
  auto d = sample("t.one");
  property_spec size;
  size.name = "size";
  size.type = param_type::duration;
  size.shapes_state = true;
  d.properties.push_back(size);
  reg.add(std::move(d));
  auto c = reg.catalog();
  CHECK(c[0]["properties"][0]["shapes_state"] == false);
  CHECK(c[0]["properties"][1]["shapes_state"] == true);
}

TEST_CASE("a descriptor resolves port names, with errors after the declared outputs") {
  auto d = sample("t.one");
  CHECK(d.input_index("in") == 0);
  CHECK(d.input_index("nope") == -1);
  CHECK(d.output_index("out") == 0);
  CHECK(d.output_index("errors") == 1);
}

namespace {

/// Joins two inputs: a field of the right one, and a token with a default.
descriptor with_secret_and_right_field() {
  descriptor d = sample("t.secret");
  d.inputs = {{"left", "records"}, {"right", "records"}};
  property_spec token;
  token.name = "token";
  token.type = param_type::secret;
  token.default_value = "hunter2";
  property_spec right_ts;
  right_ts.name = "right_ts";
  right_ts.type = param_type::field;
  right_ts.input = 1;
  d.properties = {token, right_ts};
  return d;
}

} // namespace

TEST_CASE("the catalog masks a secret's default and names the input a field param is of") {
  registry reg;
  reg.add(with_secret_and_right_field());
  auto c = reg.catalog();
  const auto& props = c[0]["properties"];
  CHECK(props[0]["type"] == "secret");
  CHECK(props[0]["default"] == secret_mask);
  CHECK(c.dump().find("hunter2") == std::string::npos);
  CHECK(props[1]["type"] == "field");
  CHECK(props[1]["input"] == "right");
  CHECK_FALSE(c[0]["properties"][0].contains("input"));
}

TEST_CASE("masking a node's params replaces the values of its secret params only") {
  auto d = with_secret_and_right_field();
  auto masked = mask_secrets(d, {{"token", "hunter2"}, {"right_ts", "ts"}});
  CHECK(masked == nlohmann::json({{"token", secret_mask}, {"right_ts", "ts"}}));
  // Absent stays absent; a value of the wrong type is not shown either.
  CHECK(mask_secrets(d, {{"right_ts", "ts"}}) == nlohmann::json({{"right_ts", "ts"}}));
  CHECK(mask_secrets(d, {{"token", 42}})["token"] == secret_mask);
}
