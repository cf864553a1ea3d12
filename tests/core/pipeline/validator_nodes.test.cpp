#include <catch2/catch.hpp>

#include "core/pipeline/check_helpers.hpp"

using namespace sluice::test;
using Catch::Matchers::Contains;

TEST_CASE("a node id outside letters, digits, '_' and '-' is reported", "[validator]") {
  auto p = check_parts(R"([{"id": "my gen", "kind": "fake.source"},
    {"id": "", "kind": "fake.source"}, {"id": "ok_id-2", "kind": "fake.source"}])");
  REQUIRE(p.errors.size() == 2);
  CHECK(p.errors[0].node == "my gen");
  CHECK_THAT(p.errors[0].to_string(), Contains("node 'my gen': invalid id"));
  CHECK(p.errors[1].to_string() == "nodes[1]: empty node id");
}

TEST_CASE("a duplicate node id is reported on the second node", "[validator]") {
  auto p = check_parts(R"([{"id": "gen", "kind": "fake.source"},
    {"id": "gen", "kind": "fake.numbers"}])");
  REQUIRE(p.errors.size() == 1);
  CHECK(p.errors[0].to_string() == "node 'gen': duplicate node id (also nodes[0])");
}

TEST_CASE("an unknown kind is reported with the closest registered kind", "[validator]") {
  auto p = check_parts(R"([{"id": "a", "kind": "fake.sourc"}, {"id": "b", "kind": "source"},
    {"id": "c", "kind": "numbers"}])");
  REQUIRE(p.errors.size() == 3);
  CHECK(p.errors[0].to_string()
        == "node 'a': unknown kind 'fake.sourc' (did you mean 'fake.source'?)");
  CHECK(p.errors[1].to_string() == "node 'b': unknown kind 'source' (did you mean 'fake.source'?)");
  CHECK(p.errors[2].to_string()
        == "node 'c': unknown kind 'numbers' (did you mean 'fake.numbers'?)");
  auto far = check_parts(R"([{"id": "a", "kind": "kafka.consumer"}])");
  REQUIRE(far.errors.size() == 1);
  CHECK(far.errors[0].to_string() == "node 'a': unknown kind 'kafka.consumer'");
}

TEST_CASE("a param out of range, of the wrong type or unknown names the node and param",
          "[validator]") {
  auto p = check_parts(R"([{"id": "a", "kind": "fake.source", "params": {"count": -1}},
    {"id": "b", "kind": "fake.source", "params": {"count": "many"}},
    {"id": "c", "kind": "fake.source", "params": {"cuont": 3}}])");
  REQUIRE(p.errors.size() == 3);
  CHECK(p.errors[0].node == "a");
  CHECK(p.errors[0].param == "count");
  CHECK_THAT(p.errors[0].to_string(), Contains("node 'a': param 'count': must be at least 0"));
  CHECK(p.errors[1].to_string() == "node 'b': param 'count': must be an integer, got a string");
  CHECK_THAT(p.errors[2].to_string(), Contains("node 'c': param 'cuont': unknown param"));
}

TEST_CASE("a missing required param names the node and param", "[validator]") {
  auto p = check_parts(R"([{"id": "gen", "kind": "fake.source"}, {"id": "pk", "kind": "fake.pick"},
    {"id": "out", "kind": "fake.sink"}])",
                       R"([{"from": "gen", "to": "pk"}, {"from": "pk", "to": "out"}])");
  REQUIRE(p.errors.size() == 1);
  CHECK(p.errors[0].to_string() == "node 'pk': param 'field': missing required param");
}

TEST_CASE("an expression naming a field absent from the input names its column", "[validator]") {
  auto p = check_parts(R"([{"id": "gen", "kind": "fake.source"},
    {"id": "f", "kind": "fake.filter", "params": {"where": "seq + pricee"}},
    {"id": "out", "kind": "fake.sink"}])",
                       R"([{"from": "gen", "to": "f"}, {"from": "f", "to": "out"}])");
  REQUIRE(p.errors.size() == 1);
  CHECK(p.errors[0].node == "f");
  CHECK(p.errors[0].param == "where");
  CHECK(p.errors[0].position == 7);
  CHECK(p.errors[0].to_string() == "node 'f': param 'where' at column 7: unknown field 'pricee'");
}

TEST_CASE("a param naming a field absent from the input is reported against that input",
          "[validator]") {
  auto p = check_parts(R"([{"id": "nums", "kind": "fake.numbers"},
    {"id": "pk", "kind": "fake.pick", "params": {"field": "seq"}},
    {"id": "out", "kind": "fake.sink"}])",
                       R"([{"from": "nums", "to": "pk"}, {"from": "pk", "to": "out"}])");
  REQUIRE(p.errors.size() == 1);
  CHECK(p.errors[0].to_string() == "node 'pk': param 'field' at column 1: unknown field 'seq'");
}

TEST_CASE("a bind failing with another exception is reported on its node", "[validator]") {
  auto p = check_parts(R"([{"id": "gen", "kind": "fake.source"}, {"id": "b", "kind": "fake.broken"},
    {"id": "out", "kind": "fake.sink"}])",
                       R"([{"from": "gen", "to": "b"}, {"from": "b", "to": "out"}])");
  REQUIRE(p.errors.size() == 1);
  CHECK(p.errors[0].to_string() == "node 'b': cannot be bound: out of widgets");
}

TEST_CASE("parallelism below 1 is reported on the node", "[validator]") {
  auto p = check_parts(R"([{"id": "gen", "kind": "fake.source", "parallelism": 0}])");
  REQUIRE(p.errors.size() == 1);
  CHECK(p.errors[0].to_string() == "node 'gen': parallelism must be at least 1, got 0");
}

TEST_CASE("parallelism above the maximum is reported on the node before anything is built",
          "[validator]") {
  // 100 000 instances used to validate, then take minutes and gigabytes to start.
  auto p = check_parts(R"([{"id": "gen", "kind": "fake.source", "parallelism": 100000}])");
  REQUIRE(p.errors.size() == 1);
  CHECK(p.errors[0].to_string() == "node 'gen': parallelism must be at most 256, got 100000");
  CHECK(check_parts(R"([{"id": "gen", "kind": "fake.source", "parallelism": 256}])").ok());
}

TEST_CASE("an unknown on_error policy is reported on the node", "[validator]") {
  auto p = check_parts(R"([{"id": "gen", "kind": "fake.source", "on_error": "retry"},
    {"id": "n", "kind": "fake.numbers", "on_error": "dead_letter"},
    {"id": "n2", "kind": "fake.numbers", "on_error": "skip"}])");
  REQUIRE(p.errors.size() == 1);
  CHECK(p.errors[0].to_string()
        == "node 'gen': on_error must be one of fail, skip, dead_letter, got \"retry\"");
}

TEST_CASE("an unconnected input port of a non-source node is reported", "[validator]") {
  auto p = check_parts(R"([{"id": "gen", "kind": "fake.source"}, {"id": "j", "kind": "fake.join"},
    {"id": "out", "kind": "fake.sink"}, {"id": "lonely", "kind": "fake.sink"}])",
                       R"([{"from": "gen", "to": "j.left"}, {"from": "j", "to": "out"}])");
  INFO(all_messages(p));
  REQUIRE(p.errors.size() == 2);
  CHECK(p.errors[0].to_string() == "node 'j': input port 'right' is not connected");
  CHECK(p.errors[1].to_string() == "node 'lonely': input port 'in' is not connected");
}

TEST_CASE("nodes downstream of a failed node are not reported again", "[validator]") {
  // `f` fails; `pk` would fail only for lack of an input schema, so it is
  // skipped; its own schema-free param check still runs on `pk2`.
  auto p = check_parts(R"([{"id": "gen", "kind": "fake.source"},
    {"id": "f", "kind": "fake.filter", "params": {"where": "nope"}},
    {"id": "pk", "kind": "fake.pick", "params": {"field": "whatever"}},
    {"id": "pk2", "kind": "fake.pick"},
    {"id": "out", "kind": "fake.sink"}, {"id": "out2", "kind": "fake.sink"}])",
                       R"([{"from": "gen", "to": "f"}, {"from": "f", "to": "pk"},
    {"from": "pk", "to": "out"}, {"from": "f", "to": "pk2"}, {"from": "pk2", "to": "out2"}])");
  INFO(all_messages(p));
  REQUIRE(p.errors.size() == 2);
  CHECK(p.errors[0].to_string() == "node 'pk2': param 'field': missing required param");
  CHECK(p.errors[1].to_string() == "node 'f': param 'where' at column 1: unknown field 'nope'");
  CHECK(p.nodes[2].output_schemas.empty());
  CHECK(p.edges[1].schema == nullptr);
}

TEST_CASE("nodes downstream of an unknown kind are not reported again", "[validator]") {
  auto p = check_parts(R"([{"id": "gen", "kind": "fake.sourze"},
    {"id": "f", "kind": "fake.filter", "params": {"where": "seq"}},
    {"id": "out", "kind": "fake.sink"}])",
                       R"([{"from": "gen", "to": "f"}, {"from": "f", "to": "out"}])");
  INFO(all_messages(p));
  REQUIRE(p.errors.size() == 1);
  CHECK(p.errors[0].node == "gen");
}

TEST_CASE("an input fed by a dangling edge is not reported unconnected as well", "[validator]") {
  auto p = check_parts(R"([{"id": "gen", "kind": "fake.source"}, {"id": "out", "kind": "fake.sink"},
    {"id": "f", "kind": "fake.filter"}])",
                       R"([{"from": "ghost", "to": "f"}, {"from": "gen.nope", "to": "out"},
    {"from": "f", "to": "out"}])");
  INFO(all_messages(p));
  REQUIRE(p.errors.size() == 2);
  CHECK(p.errors[0].to_string() == "edge 'ghost -> f': unknown node 'ghost'");
  CHECK(p.errors[1].edge == "gen.nope -> out");
}
