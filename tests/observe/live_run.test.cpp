// The sampler over a real in-process run: the per-channel queue counters
// exec keeps, and a throttle's pacing counted as busy time.

#include <catch2/catch.hpp>

#include <chrono>
#include <thread>

#include "observe/observe_helpers.hpp"
#include "sluice/exec/pipeline_run.hpp"

using namespace sluice;
using namespace std::chrono_literals;

namespace {

const char* const fan = R"J({"schemaVersion": 1, "name": "fan", "nodes": [
    {"id": "gen", "kind": "source.generator", "params": {"count": 0}},
    {"id": "slow", "kind": "transform.throttle", "params": {"rate": 20000}, "parallelism": 2},
    {"id": "out", "kind": "sink.null"}],
  "edges": [{"from": "gen", "to": "slow", "capacity": 4096},
            {"from": "slow", "to": "out"}]})J";

std::int64_t steady_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
           std::chrono::steady_clock::now().time_since_epoch())
    .count();
}

} // namespace

TEST_CASE("a run's snapshot has one queue counter per input channel, named by its edge") {
  exec::pipeline_run run(test::checked(fan));
  auto snap = run.snapshot();
  run.stop();
  REQUIRE(snap.size() == 4);
  for (const auto& s : snap) {
    INFO(s.node << " " << s.instance);
    if (s.node == "gen") CHECK(s.input_queues.empty());
    if (s.node == "slow") {
      REQUIRE(s.input_queues.size() == 1);
      CHECK(s.input_queues[0].edge == 0);
      CHECK(s.input_queues[0].capacity == 4096);
    }
    if (s.node == "out") {
      REQUIRE(s.input_queues.size() == 2); // one channel per slow instance
      CHECK(s.input_queues[0].edge == 1);
      CHECK(s.input_queues[1].edge == 1);
    }
  }
  REQUIRE(run.wait_for(30s));
}

TEST_CASE("in a real run the throttle is busy, the source back-pressured and the bottleneck") {
  auto p = test::checked(fan);
  exec::pipeline_run run(p);
  observe::metrics_sampler sampler(p);
  // Samples a second apart until the run has settled (or a minute passed).
  observe::metrics_frame f;
  for (int k = 0; k < 60; ++k) {
    std::this_thread::sleep_for(1s);
    f = sampler.sample(run.snapshot(), steady_ns(), 0);
    if (k >= 2 && f.bottleneck == "slow") break;
  }
  run.stop();
  REQUIRE(run.wait_for(30s));
  CHECK(f.bottleneck == "slow");
  REQUIRE(f.nodes.size() == 3);
  CHECK(f.nodes[0].backpressured_ms_per_second > 500);
  CHECK(f.nodes[1].busy_ms_per_second > 500);
  for (const auto& i : f.instances)
    CHECK(i.busy_ms_per_second + i.idle_ms_per_second + i.backpressured_ms_per_second
          == Approx(1000));
  CHECK(f.edges[0].capacity == 2 * 4096);
  CHECK(f.edges[0].fill > 0);
  CHECK(f.edges[0].fill <= 1);
}
