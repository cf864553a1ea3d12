#include <catch2/catch.hpp>

#include "operators/harness.hpp"
#include "sluice/core/pipeline/validator.hpp"

using namespace sluice;
using core::value_type;
using sluice::test::make_batch;
using sluice::test::make_transform;
using sluice::test::output_schemas_of;
using sluice::test::param_error_of;
using sluice::test::recording_emitter;

namespace {

const core::schema_ptr events =
  core::make_schema({{"id", value_type::int64}, {"name", value_type::string}});

} // namespace

TEST_CASE("the union forwards every batch of every input unchanged, in arrival order") {
  auto op = make_transform("transform.union", nlohmann::json::object(), events);
  auto a = make_batch(events, R"([[1, "a"], [2, "b"]])");
  auto b = make_batch(events, R"([[10, "x"]])");
  auto c = make_batch(events, R"([[3, null]])");
  recording_emitter out;
  op->on_batch_from(0, 0, a, out);
  op->on_batch_from(0, 1, b, out);
  op->on_batch_from(0, 0, c, out);
  REQUIRE(out.batches[0].size() == 3);
  CHECK(out.batches[0][0] == a); // the same batch: no copy
  CHECK(out.batches[0][1] == b);
  CHECK(out.batches[0][2] == c);
  CHECK(out.json_rows()
        == std::vector<std::string>{R"({"id":1,"name":"a"})", R"({"id":2,"name":"b"})",
                                    R"({"id":10,"name":"x"})", R"({"id":3,"name":null})"});
  CHECK(out.filtered_count == 0);
  CHECK(out.errors.empty());
}

TEST_CASE("the union emits nothing for an empty batch") {
  auto op = make_transform("transform.union", nlohmann::json::object(), events);
  recording_emitter out;
  op->on_batch_from(0, 0, make_batch(events, "[]"), out);
  CHECK(out.batches[0].empty());
}

TEST_CASE("the union keeps its input schema and forwards watermarks") {
  auto op = make_transform("transform.union", nlohmann::json::object(), events);
  auto schemas = output_schemas_of("transform.union", nlohmann::json::object(), {events});
  REQUIRE(schemas.size() == 1);
  CHECK(*schemas[0] == *events);
  recording_emitter out;
  op->on_watermark(42, out);
  CHECK(out.watermarks == std::vector<core::timestamp>{42});
}

TEST_CASE("the union has one input port for many edges and no params") {
  const auto& d = sluice::test::descriptor_of("transform.union");
  REQUIRE(d.inputs.size() == 1);
  CHECK(d.inputs[0].name == "in");
  REQUIRE(d.outputs.size() == 1);
  CHECK(d.outputs[0].name == "out");
  auto e = param_error_of("transform.union", {{"inputs", 2}}, events);
  REQUIRE(e);
  CHECK(e->param() == "inputs");
}

TEST_CASE("a union without a connected input cannot be bound") {
  auto e = param_error_of("transform.union", nlohmann::json::object());
  REQUIRE(e);
  CHECK_THAT(e->what(), Catch::Contains("not connected"));
}

TEST_CASE("a pipeline may feed the union from several edges of one schema, not of two") {
  auto doc = core::pipeline::pipeline_document::from_json(nlohmann::json::parse(R"({
    "schemaVersion": 1,
    "nodes": [
      {"id": "g1", "kind": "source.generator", "params": {"count": 10}},
      {"id": "g2", "kind": "source.generator", "params": {"count": 10}},
      {"id": "u", "kind": "transform.union"},
      {"id": "out", "kind": "sink.null"}
    ],
    "edges": [{"from": "g1", "to": "u"}, {"from": "g2", "to": "u"}, {"from": "u", "to": "out"}]})"));
  auto checked = core::pipeline::check(doc, ops::builtin_registry());
  CHECK(checked.errors.empty());

  doc.nodes.push_back({"m", "transform.map", {{"set", {{"extra", "1"}}}}, 1, ""});
  doc.edges[1].to.node = "m";
  doc.edges.push_back({{"m", ""}, {"u", ""}, core::pipeline::default_edge_capacity, ""});
  checked = core::pipeline::check(doc, ops::builtin_registry());
  REQUIRE(checked.errors.size() == 1);
  CHECK_THAT(checked.errors[0].message, Catch::Contains("differs from"));
}
