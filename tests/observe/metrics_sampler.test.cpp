#include <catch2/catch.hpp>

#include "observe/observe_helpers.hpp"

using namespace sluice;
using test::ms;
using test::snap;

TEST_CASE("the sampler turns two snapshots into rates whose time split adds up to a second") {
  observe::metrics_sampler sampler(test::checked(test::chain_json));
  std::vector<core::instance_snapshot> first{snap("gen", 0, 0, 1000, 100, 800, 1000),
                                             snap("slow", 0, 1000, 900, 950, 0, 1000),
                                             snap("out", 0, 900, 0, 10, 0, 1000)};
  sampler.sample(first, 1000 * ms, 1700000000000);
  std::vector<core::instance_snapshot> second{snap("gen", 0, 0, 3000, 200, 1700, 3000),
                                              snap("slow", 0, 3000, 2900, 2900, 0, 3000),
                                              snap("out", 0, 2900, 0, 30, 0, 3000)};
  const auto& f = sampler.sample(second, 3000 * ms, 1700000002000);
  REQUIRE(f.instances.size() == 3);
  for (const auto& i : f.instances) {
    INFO(i.node);
    CHECK(i.busy_ms_per_second + i.idle_ms_per_second + i.backpressured_ms_per_second
          == Approx(1000));
  }
  const auto& gen = f.instances[0];
  CHECK(gen.records_out_per_second == Approx(1000)); // 2000 records in 2 s
  CHECK(gen.busy_ms_per_second == Approx(50));
  CHECK(gen.backpressured_ms_per_second == Approx(450));
  CHECK(gen.idle_ms_per_second == Approx(500));
  const auto& slow = f.instances[1];
  CHECK(slow.records_in_per_second == Approx(1000));
  CHECK(slow.busy_ms_per_second == Approx(975));
  CHECK(slow.state == observe::activity::busy);
  CHECK(f.nodes.size() == 3);
  CHECK(f.nodes[0].is_source);
  CHECK(f.nodes[2].is_sink);
  CHECK(f.pipeline == "chain");
  CHECK(f.t_seconds == Approx(3.0));
}

TEST_CASE("the first sample averages the rates since each instance started") {
  observe::metrics_sampler sampler(test::checked(test::chain_json));
  const auto& f = sampler.sample({snap("gen", 0, 0, 5000, 500, 0, 2000)}, 2000 * ms, 0);
  REQUIRE(f.instances.size() == 1);
  CHECK(f.instances[0].records_out_per_second == Approx(2500));
  CHECK(f.instances[0].busy_ms_per_second == Approx(250));
  CHECK(f.instances[0].idle_ms_per_second == Approx(750));
}

TEST_CASE("totals never go down between samples even when a counter is read low once") {
  observe::metrics_sampler sampler(test::checked(test::chain_json));
  sampler.sample({snap("gen", 0, 0, 100, 100, 800, 1000)}, 1000 * ms, 0);
  // back-pressured time read before the pending period was charged
  const auto& f = sampler.sample({snap("gen", 0, 0, 200, 150, 700, 2000)}, 2000 * ms, 0);
  const auto& t = f.instances[0].totals;
  CHECK(t.backpressured_ns == 800 * ms);
  CHECK(t.busy_ns == 150 * ms);
  CHECK(t.idle_ns >= 0);
  CHECK(f.instances[0].backpressured_ms_per_second >= 0);
  CHECK(f.instances[0].busy_ms_per_second + f.instances[0].idle_ms_per_second
          + f.instances[0].backpressured_ms_per_second
        == Approx(1000));
}

TEST_CASE("a node sums its instances' records and averages their time split") {
  auto p = test::checked(R"J({"schemaVersion": 1, "nodes": [
      {"id": "gen", "kind": "source.generator", "params": {"count": 0}},
      {"id": "slow", "kind": "transform.throttle", "params": {"rate": 1000}, "parallelism": 2},
      {"id": "out", "kind": "sink.null"}],
    "edges": [{"from": "gen", "to": "slow"}, {"from": "slow", "to": "out"}]})J");
  observe::metrics_sampler sampler(p);
  const auto& f = sampler.sample(
    {snap("slow", 0, 1000, 1000, 1000, 0, 1000), snap("slow", 1, 3000, 3000, 0, 0, 1000)},
    1000 * ms, 0);
  REQUIRE(f.nodes.size() == 3);
  const auto& slow = f.nodes[1];
  CHECK(slow.parallelism == 2);
  CHECK(slow.records_in == 4000);
  CHECK(slow.records_in_per_second == Approx(4000));
  CHECK(slow.busy_ms_per_second == Approx(500));
  CHECK(slow.idle_ms_per_second == Approx(500));
}

TEST_CASE("edge fill comes from the per-channel queue counters of the receiving instances") {
  observe::metrics_sampler sampler(test::checked(test::chain_json));
  auto slow = snap("slow", 0, 0, 0, 0, 0, 1000);
  slow.input_queues = {{0, 6144, 8192}};
  auto out = snap("out", 0, 0, 0, 0, 0, 1000);
  out.input_queues = {{1, 0, 8192}};
  const auto& f = sampler.sample({snap("gen", 0, 0, 0, 0, 0, 1000), slow, out}, 1000 * ms, 0);
  REQUIRE(f.edges.size() == 2);
  CHECK(f.edges[0].from == "gen");
  CHECK(f.edges[0].to == "slow");
  CHECK(f.edges[0].fill == Approx(0.75));
  CHECK(f.edges[0].queued == 6144);
  CHECK(f.edges[0].capacity == 8192);
  CHECK(f.edges[1].fill == Approx(0));
  CHECK(f.nodes[1].queue_fill == Approx(0.75));
}

TEST_CASE("without per-channel counters an edge gets its single-input receiver's queue fill") {
  observe::metrics_sampler sampler(test::checked(test::chain_json));
  auto slow = snap("slow", 0, 0, 0, 0, 0, 1000);
  slow.queue_fill = 0.5;
  const auto& f = sampler.sample({slow}, 1000 * ms, 0);
  CHECK(f.edges[0].fill == Approx(0.5));
}

TEST_CASE("watermark lag is wall clock minus the lowest instance watermark") {
  observe::metrics_sampler sampler(test::checked(test::chain_json));
  auto slow = snap("slow", 0, 0, 0, 0, 0, 1000);
  slow.watermark = 1700000000000000; // µs
  const auto& f = sampler.sample({slow}, 1000 * ms, 1700000003000);
  REQUIRE(f.nodes[1].watermark);
  REQUIRE(f.nodes[1].watermark_lag_seconds);
  CHECK(*f.nodes[1].watermark_lag_seconds == Approx(3.0));
  CHECK_FALSE(f.nodes[0].watermark);
}

TEST_CASE("a finished instance is reported finished") {
  observe::metrics_sampler sampler(test::checked(test::chain_json));
  auto gen = snap("gen", 0, 0, 10, 1, 0, 1000);
  gen.finished = true;
  sampler.sample({gen}, 1000 * ms, 0);
  const auto& f = sampler.sample({gen}, 2000 * ms, 0);
  CHECK(f.instances[0].state == observe::activity::finished);
  CHECK(f.nodes[0].state == observe::activity::finished);
  CHECK(f.instances[0].records_out_per_second == 0);
}

TEST_CASE("the history keeps about one frame a second for at most history_seconds") {
  observe::metrics_sampler sampler(test::checked(test::chain_json), 5);
  for (int k = 1; k <= 40; ++k) // every 250 ms for 10 s
    sampler.sample({snap("gen", 0, 0, 0, 0, 0, k * 250)}, k * 250 * ms, 0);
  const auto& h = sampler.history();
  CHECK(h.size() <= 5);
  CHECK(h.size() >= 4);
  for (std::size_t k = 1; k < h.size(); ++k) CHECK(h[k].t_seconds - h[k - 1].t_seconds >= 0.9);
  CHECK(h.back().t_seconds <= sampler.latest().t_seconds);
}

TEST_CASE("the sampler carries a run's checkpoint figures into the frame and its history") {
  observe::metrics_sampler sampler(test::checked(test::chain_json));
  sampler.sample({snap("gen", 0, 0, 0, 0, 0, 1000)}, 1000 * ms, 0);
  CHECK_FALSE(sampler.latest().checkpoints.enabled);
  auto c = test::checkpoints(1700000000000);
  const auto& f = sampler.sample({snap("gen", 0, 0, 0, 0, 0, 2000)}, 2000 * ms, 0, c);
  CHECK(f.checkpoints.enabled);
  CHECK(f.checkpoints.last_id == 17);
  CHECK(f.checkpoints.state_bytes == c.state_bytes);
  REQUIRE(sampler.history().size() == 2);
  CHECK_FALSE(sampler.history().front().checkpoints.enabled);
  CHECK(sampler.history().back().checkpoints.last_id == 17);
}
