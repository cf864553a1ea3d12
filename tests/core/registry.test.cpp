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

TEST_CASE("a descriptor resolves port names, with errors after the declared outputs") {
  auto d = sample("t.one");
  CHECK(d.input_index("in") == 0);
  CHECK(d.input_index("nope") == -1);
  CHECK(d.output_index("out") == 0);
  CHECK(d.output_index("errors") == 1);
}
