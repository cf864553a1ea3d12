#include <catch2/catch.hpp>

#include "core/pipeline/check_helpers.hpp"

using namespace sluice::test;

namespace {

// gen -> f -> sp -> out, sp.late -> late_out, gen + nums -> j -> j_out, f.errors -> dead
const char* const valid_nodes = R"([
  {"id": "gen", "kind": "fake.source", "params": {"count": 5}},
  {"id": "f", "kind": "fake.filter", "params": {"where": "seq + seq"}, "parallelism": 2},
  {"id": "sp", "kind": "fake.split"},
  {"id": "out", "kind": "fake.sink"},
  {"id": "late_out", "kind": "fake.sink"},
  {"id": "nums", "kind": "fake.numbers"},
  {"id": "j", "kind": "fake.join"},
  {"id": "j_out", "kind": "fake.sink"},
  {"id": "dead", "kind": "fake.sink", "on_error": "fail"}
])";

const char* const valid_edges = R"([
  {"from": "sp", "to": "out"},
  {"from": "sp.late", "to": "late_out", "capacity": 16},
  {"from": "f", "to": "sp.in", "partition": "hash:key"},
  {"from": "gen", "to": "f", "partition": "rebalance"},
  {"from": "gen.out", "to": "j.left", "partition": "broadcast"},
  {"from": "nums", "to": "j.right"},
  {"from": "j", "to": "j_out", "partition": "forward"},
  {"from": "f.errors", "to": "dead"}
])";

std::size_t position_of(const std::vector<std::size_t>& order, std::size_t node) {
  for (std::size_t i = 0; i < order.size(); ++i)
    if (order[i] == node) return i;
  return order.size();
}

} // namespace

TEST_CASE("a valid pipeline resolves ports, partitions, schemas and a topological order",
          "[validator]") {
  auto p = check_parts(valid_nodes, valid_edges);
  INFO(all_messages(p));
  REQUIRE(p.ok());
  REQUIRE(p.nodes.size() == 9);
  REQUIRE(p.edges.size() == 8);

  for (std::size_t i = 0; i < p.nodes.size(); ++i) {
    CHECK(p.nodes[i].spec == &p.doc.nodes[i]);
    REQUIRE(p.nodes[i].desc != nullptr);
    CHECK(p.nodes[i].desc->kind == p.doc.nodes[i].kind);
    // Every node has its declared outputs plus the errors port, last.
    REQUIRE(p.nodes[i].output_schemas.size() == p.nodes[i].desc->outputs.size() + 1);
    CHECK(p.nodes[i].output_schemas.back() == error_schema());
  }
  CHECK(*p.nodes[0].output_schemas[0] == *fake_source_schema());
  CHECK(p.nodes[1].input_schemas.size() == 1);
  CHECK(*p.nodes[1].input_schemas[0] == *fake_source_schema());
  CHECK(p.nodes[6].output_schemas[0]->to_string() == "seq:int, key:string, n:int");
  CHECK(p.nodes[0].input_schemas.empty());

  const auto& sp_out = p.edges[0];
  CHECK(sp_out.from_node == 2);
  CHECK(sp_out.from_port == 0);
  CHECK(sp_out.to_node == 3);
  CHECK(sp_out.to_port == 0);
  CHECK(sp_out.capacity == default_edge_capacity);
  CHECK(sp_out.partition == partition_kind::forward);

  const auto& late = p.edges[1];
  CHECK(late.from_port == 1);
  CHECK(late.capacity == 16);

  const auto& hashed = p.edges[2];
  CHECK(hashed.partition == partition_kind::hash);
  CHECK(hashed.hash_field == "key");
  CHECK(hashed.hash_field_index == 1);
  CHECK(*hashed.schema == *fake_source_schema());

  CHECK(p.edges[3].partition == partition_kind::rebalance);
  CHECK(p.edges[4].partition == partition_kind::broadcast);
  CHECK(p.edges[4].to_port == 0);
  CHECK(p.edges[5].to_node == 6);
  CHECK(p.edges[5].to_port == 1);
  CHECK(*p.edges[5].schema == *fake_numbers_schema());

  const auto& errors = p.edges[7];
  CHECK(errors.from_node == 1);
  CHECK(errors.from_port == 1); // == outputs.size()
  CHECK(errors.schema == error_schema());

  REQUIRE(p.order.size() == 9);
  CHECK(p.order[0] == 0); // the sources first, in document order
  CHECK(p.order[1] == 5);
  for (std::size_t e = 0; e < p.edges.size(); ++e)
    CHECK(position_of(p.order, p.edges[e].from_node) < position_of(p.order, p.edges[e].to_node));
}

TEST_CASE("an empty pipeline is valid", "[validator]") {
  auto p = check_parts("[]");
  CHECK(p.ok());
  CHECK(p.order.empty());
}

TEST_CASE("a diagnostic prints its node, param and column, or its edge", "[validator]") {
  diagnostic d;
  d.message = "unknown field 'pricee'";
  CHECK(d.to_string() == "unknown field 'pricee'");
  d.node = "f";
  CHECK(d.to_string() == "node 'f': unknown field 'pricee'");
  d.param = "where";
  CHECK(d.to_string() == "node 'f': param 'where': unknown field 'pricee'");
  d.position = 7;
  CHECK(d.to_string() == "node 'f': param 'where' at column 7: unknown field 'pricee'");

  diagnostic e;
  e.edge = "gen -> nope";
  e.message = "unknown node 'nope'";
  CHECK(e.to_string() == "edge 'gen -> nope': unknown node 'nope'");
}

TEST_CASE("a checked pipeline keeps its node specs valid when copied or moved", "[validator]") {
  auto p = check_parts(valid_nodes, valid_edges);
  REQUIRE(p.ok());
  checked_pipeline copy = p;
  for (std::size_t i = 0; i < copy.nodes.size(); ++i)
    CHECK(copy.nodes[i].spec == &copy.doc.nodes[i]);
  checked_pipeline assigned;
  assigned = copy;
  CHECK(assigned.nodes[3].spec == &assigned.doc.nodes[3]);
  checked_pipeline moved = std::move(copy);
  CHECK(moved.nodes[3].spec == &moved.doc.nodes[3]);
  CHECK(moved.nodes[3].spec->id == "out");
}

TEST_CASE("a node's errors port carries the error schema to the node it feeds", "[validator]") {
  auto p = check_parts(R"([{"id": "gen", "kind": "fake.source"},
    {"id": "pk", "kind": "fake.pick", "params": {"field": "reason"}},
    {"id": "out", "kind": "fake.sink"}, {"id": "sink", "kind": "fake.sink"}])",
                       R"([{"from": "gen.errors", "to": "pk"}, {"from": "pk", "to": "out"},
    {"from": "gen", "to": "sink"}])");
  INFO(all_messages(p));
  REQUIRE(p.ok());
  CHECK(p.nodes[1].output_schemas[0]->to_string() == "reason:string");
}

TEST_CASE("a sink's errors port can be connected by name", "[validator]") {
  auto p = check_parts(R"([{"id": "gen", "kind": "fake.source"}, {"id": "out", "kind": "fake.sink"},
    {"id": "dead", "kind": "fake.sink"}])",
                       R"([{"from": "gen", "to": "out"}, {"from": "out.errors", "to": "dead"}])");
  INFO(all_messages(p));
  CHECK(p.ok());
  CHECK(p.edges[1].from_port == 0);
}
