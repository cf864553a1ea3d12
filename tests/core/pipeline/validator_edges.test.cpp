#include <catch2/catch.hpp>

#include "core/pipeline/check_helpers.hpp"

using namespace sluice::test;
using Catch::Matchers::Contains;

namespace {

const char* const gen_filter_sink = R"([{"id": "gen", "kind": "fake.source"},
  {"id": "f", "kind": "fake.filter"}, {"id": "out", "kind": "fake.sink"}])";

} // namespace

TEST_CASE("an edge to or from an unknown node is reported on the edge", "[validator]") {
  auto p = check_parts(gen_filter_sink, R"([{"from": "gen", "to": "f"}, {"from": "f", "to": "out"},
    {"from": "gen", "to": "nope"}, {"from": "ghost.out", "to": "out"}])");
  INFO(all_messages(p));
  REQUIRE(p.errors.size() == 2);
  CHECK(p.errors[0].edge == "gen -> nope");
  CHECK(p.errors[0].to_string() == "edge 'gen -> nope': unknown node 'nope'");
  CHECK(p.errors[1].to_string() == "edge 'ghost.out -> out': unknown node 'ghost'");
}

TEST_CASE("an edge naming a port the node lacks lists the ports it has", "[validator]") {
  auto p = check_parts(R"([{"id": "gen", "kind": "fake.source"}, {"id": "j", "kind": "fake.join"},
    {"id": "nums", "kind": "fake.numbers"}, {"id": "out", "kind": "fake.sink"}])",
                       R"([{"from": "gen.data", "to": "j.left"}, {"from": "nums", "to": "j.middle"},
    {"from": "j", "to": "out"}])");
  INFO(all_messages(p));
  REQUIRE(p.errors.size() == 2);
  CHECK(p.errors[0].to_string()
        == "edge 'gen.data -> j.left': node 'gen' has no output port 'data' (it has: out, errors)");
  CHECK(p.errors[1].to_string()
        == "edge 'nums -> j.middle': node 'j' has no input port 'middle' (it has: left, right)");
}

TEST_CASE("an edge into a source or from a sink's data output is reported", "[validator]") {
  auto p = check_parts(gen_filter_sink, R"([{"from": "gen", "to": "f"}, {"from": "f", "to": "out"},
    {"from": "out", "to": "gen"}])");
  INFO(all_messages(p));
  REQUIRE(p.errors.size() == 2);
  CHECK(p.errors[0].to_string()
        == "edge 'out -> gen': node 'out' has no data output; take its error records from "
           "'out.errors'");
  CHECK(p.errors[1].to_string()
        == "edge 'out -> gen': node 'gen' is a source and has no input ports");
}

TEST_CASE("an edge into a node with several inputs must name the port", "[validator]") {
  auto p = check_parts(R"([{"id": "gen", "kind": "fake.source"},
    {"id": "nums", "kind": "fake.numbers"}, {"id": "j", "kind": "fake.join"},
    {"id": "out", "kind": "fake.sink"}])",
                       R"([{"from": "gen", "to": "j"}, {"from": "nums", "to": "j.right"},
    {"from": "j", "to": "out"}])");
  INFO(all_messages(p));
  // The unnamed edge is the one problem: 'left' is not reported unconnected on top.
  REQUIRE(p.errors.size() == 1);
  CHECK(p.errors[0].to_string()
        == "edge 'gen -> j': node 'j' has several input ports (left, right): name one, "
           "e.g. 'j.left'");
}

TEST_CASE("a duplicate edge is reported, also when spelled differently", "[validator]") {
  auto p = check_parts(gen_filter_sink, R"([{"from": "gen", "to": "f"}, {"from": "f", "to": "out"},
    {"from": "gen.out", "to": "f.in"}, {"from": "f", "to": "out"}])");
  INFO(all_messages(p));
  REQUIRE(p.errors.size() == 2);
  CHECK(p.errors[0].to_string()
        == "edge 'gen.out -> f.in': duplicate edge (same ports as edges[0] 'gen -> f')");
  CHECK(p.errors[1].to_string()
        == "edge 'f -> out': duplicate edge (same ports as edges[1] 'f -> out')");
}

TEST_CASE("an edge capacity below 1 is reported on the edge", "[validator]") {
  auto p = check_parts(gen_filter_sink, R"([{"from": "gen", "to": "f", "capacity": 0},
    {"from": "f", "to": "out"}])");
  REQUIRE(p.errors.size() == 1);
  CHECK(p.errors[0].to_string() == "edge 'gen -> f': capacity must be at least 1, got 0");
}

TEST_CASE("an unknown partition is reported on the edge", "[validator]") {
  auto p = check_parts(gen_filter_sink, R"([{"from": "gen", "to": "f", "partition": "random"},
    {"from": "f", "to": "out", "partition": "hash:"}])");
  REQUIRE(p.errors.size() == 2);
  CHECK(p.errors[0].to_string()
        == "edge 'gen -> f': unknown partition \"random\" (use forward, rebalance, broadcast or "
           "hash:<field>)");
  CHECK_THAT(p.errors[1].to_string(), Contains("edge 'f -> out': unknown partition \"hash:\""));
}

TEST_CASE("a hash partition on a field absent from the edge's schema is reported", "[validator]") {
  auto p = check_parts(gen_filter_sink, R"([{"from": "gen", "to": "f", "partition": "hash:page"},
    {"from": "f", "to": "out", "partition": "hash:seq"}])");
  INFO(all_messages(p));
  REQUIRE(p.errors.size() == 1);
  CHECK(p.errors[0].to_string()
        == "edge 'gen -> f': partition \"hash:page\": no field 'page' in the edge's schema "
           "{seq:int, key:string}");
  CHECK(p.edges[1].hash_field_index == 0);
}

TEST_CASE("edges with different schemas into one port are reported naming both schemas",
          "[validator]") {
  auto p = check_parts(R"([{"id": "gen", "kind": "fake.source"},
    {"id": "gen2", "kind": "fake.source"}, {"id": "nums", "kind": "fake.numbers"},
    {"id": "out", "kind": "fake.sink"}])",
                       R"([{"from": "gen", "to": "out"}, {"from": "gen2", "to": "out"},
    {"from": "nums", "to": "out"}])");
  INFO(all_messages(p));
  REQUIRE(p.errors.size() == 1);
  CHECK(p.errors[0].to_string()
        == "edge 'nums -> out': its schema {n:int} differs from {seq:int, key:string} on edge "
           "'gen -> out' into the same port 'in'");
}

TEST_CASE("a cycle is reported naming the nodes on it", "[validator]") {
  auto p = check_parts(R"([{"id": "gen", "kind": "fake.source"}, {"id": "j", "kind": "fake.join"},
    {"id": "a", "kind": "fake.filter"}, {"id": "b", "kind": "fake.filter"},
    {"id": "out", "kind": "fake.sink"}])",
                       R"([{"from": "gen", "to": "j.left"}, {"from": "j", "to": "a"},
    {"from": "a", "to": "b"}, {"from": "b", "to": "j.right"}, {"from": "b.errors", "to": "out"}])");
  INFO(all_messages(p));
  REQUIRE(p.errors.size() == 1);
  CHECK(p.errors[0].to_string() == "node 'j': is part of a cycle: j -> a -> b -> j");
  CHECK(p.order == std::vector<std::size_t>{0});
}

TEST_CASE("a node feeding itself is a cycle", "[validator]") {
  auto p = check_parts(R"([{"id": "f", "kind": "fake.filter"}])", R"([{"from": "f", "to": "f"}])");
  INFO(all_messages(p));
  REQUIRE(p.errors.size() == 1);
  CHECK(p.errors[0].to_string() == "node 'f': is part of a cycle: f -> f");
}

TEST_CASE("several errors are all reported at once", "[validator]") {
  auto p = check_parts(R"([
    {"id": "gen", "kind": "fake.source", "params": {"count": -5}, "parallelism": 0},
    {"id": "nums", "kind": "fake.numbers", "on_error": "ignore"},
    {"id": "f", "kind": "fake.filter", "params": {"where": "n + m"}},
    {"id": "x", "kind": "fake.mystery"},
    {"id": "out", "kind": "fake.sink"},
    {"id": "c1", "kind": "fake.filter"}, {"id": "c2", "kind": "fake.filter"}
  ])",
                       R"([
    {"from": "gen", "to": "out"},
    {"from": "nums", "to": "f", "capacity": -1},
    {"from": "f", "to": "nowhere"},
    {"from": "nums.sideways", "to": "out"},
    {"from": "f", "to": "out", "partition": "hash:zzz"},
    {"from": "c1", "to": "c2"}, {"from": "c2", "to": "c1"}
  ])");
  auto all = all_messages(p);
  INFO(all);
  CHECK(count_containing(p, "node 'gen': parallelism must be at least 1") == 1);
  CHECK(count_containing(p, "node 'gen': param 'count': must be at least 0") == 1);
  CHECK(count_containing(p, "node 'nums': on_error must be one of") == 1);
  CHECK(count_containing(p, "node 'x': unknown kind 'fake.mystery'") == 1);
  CHECK(count_containing(p, "edge 'nums -> f': capacity must be at least 1, got -1") == 1);
  CHECK(count_containing(p, "edge 'f -> nowhere': unknown node 'nowhere'") == 1);
  CHECK(count_containing(p, "edge 'nums.sideways -> out': node 'nums' has no output port") == 1);
  CHECK(count_containing(p, "node 'c1': is part of a cycle: c1 -> c2 -> c1") == 1);
  CHECK(count_containing(p, "node 'f': param 'where' at column 5: unknown field 'm'") == 1);
  // `f` failed, so its hash field cannot be checked and is not reported.
  CHECK(count_containing(p, "zzz") == 0);
  CHECK(p.errors.size() == 9);
}
