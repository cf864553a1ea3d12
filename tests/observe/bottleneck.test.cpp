#include <catch2/catch.hpp>

#include "observe/observe_helpers.hpp"

using namespace sluice;
using observe::activity;
using test::node;

namespace {

// gen -> a -> b -> out
const char* const line4 = R"J({"schemaVersion": 1, "nodes": [
    {"id": "gen", "kind": "source.generator", "params": {"count": 0}},
    {"id": "a", "kind": "transform.throttle", "params": {"rate": 1}},
    {"id": "b", "kind": "transform.throttle", "params": {"rate": 1}},
    {"id": "out", "kind": "sink.null"}],
  "edges": [{"from": "gen", "to": "a"}, {"from": "a", "to": "b"}, {"from": "b", "to": "out"}]})J";

// gen -> fast -> out1, gen -> slow -> out2 (broadcast), other -> side -> out3
const char* const fork = R"J({"schemaVersion": 1, "nodes": [
    {"id": "gen", "kind": "source.generator", "params": {"count": 0}},
    {"id": "fast", "kind": "transform.throttle", "params": {"rate": 1}},
    {"id": "slow", "kind": "transform.throttle", "params": {"rate": 1}},
    {"id": "out1", "kind": "sink.null"},
    {"id": "out2", "kind": "sink.null"},
    {"id": "other", "kind": "source.generator", "params": {"count": 0}},
    {"id": "side", "kind": "transform.throttle", "params": {"rate": 1}},
    {"id": "out3", "kind": "sink.null"}],
  "edges": [{"from": "gen", "to": "fast"}, {"from": "gen", "to": "slow"},
            {"from": "fast", "to": "out1"}, {"from": "slow", "to": "out2"},
            {"from": "other", "to": "side"}, {"from": "side", "to": "out3"}]})J";

} // namespace

TEST_CASE("nothing back-pressured means no bottleneck") {
  auto p = test::checked(line4);
  CHECK(observe::find_bottleneck(
          p, {node("gen", 100, 0), node("a", 900, 0), node("b", 800, 0), node("out", 10, 0)})
        == "");
}

TEST_CASE(
  "the bottleneck is the first node below a back-pressured source that is not back-pressured") {
  auto p = test::checked(line4);
  CHECK(observe::find_bottleneck(
          p, {node("gen", 20, 970), node("a", 990, 0), node("b", 30, 0), node("out", 10, 0)})
        == "a");
}

TEST_CASE("back-pressure is followed through a chain of back-pressured nodes") {
  auto p = test::checked(line4);
  CHECK(observe::find_bottleneck(
          p, {node("gen", 20, 970), node("a", 100, 880), node("b", 990, 0), node("out", 10, 0)})
        == "b");
}

TEST_CASE("a node whose state is back-pressured counts even under the threshold") {
  auto p = test::checked(line4);
  CHECK(observe::find_bottleneck(p, {node("gen", 100, 450, activity::backpressured),
                                     node("a", 600, 0), node("b", 900, 0), node("out", 0, 0)})
        == "a");
}

TEST_CASE("among the nodes below back-pressure the busiest one is the bottleneck") {
  auto p = test::checked(fork);
  CHECK(observe::find_bottleneck(
          p, {node("gen", 10, 980), node("fast", 200, 0), node("slow", 995, 0), node("out1", 5, 0),
              node("out2", 5, 0), node("other", 50, 0), node("side", 999, 0), node("out3", 0, 0)})
        == "slow");
}

TEST_CASE("a busy node that nothing back-pressured feeds is not the bottleneck") {
  auto p = test::checked(fork);
  CHECK(observe::find_bottleneck(
          p, {node("gen", 10, 10), node("fast", 200, 0), node("slow", 300, 0), node("out1", 5, 0),
              node("out2", 5, 0), node("other", 50, 0), node("side", 999, 0), node("out3", 0, 0)})
        == "");
}

TEST_CASE("finished nodes are never the bottleneck") {
  auto p = test::checked(line4);
  CHECK(observe::find_bottleneck(p, {node("gen", 10, 900), node("a", 0, 0, activity::finished),
                                     node("b", 0, 0), node("out", 0, 0)})
        == "");
}

TEST_CASE("the sampler names the bottleneck in its frame") {
  auto p = test::checked(test::chain_json);
  observe::metrics_sampler sampler(p);
  using test::ms;
  const auto& f = sampler.sample({test::snap("gen", 0, 0, 1000, 50, 900, 1000),
                                  test::snap("slow", 0, 1000, 1000, 990, 0, 1000),
                                  test::snap("out", 0, 1000, 0, 5, 0, 1000)},
                                 1000 * ms, 0);
  CHECK(f.bottleneck == "slow");
  CHECK(f.nodes[0].state == activity::backpressured);
}
