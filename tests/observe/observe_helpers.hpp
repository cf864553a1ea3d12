#pragma once

#include <string>
#include <vector>

#include "sluice/core/metrics.hpp"
#include "sluice/core/pipeline/validator.hpp"
#include "sluice/observe/metrics_frame.hpp"
#include "sluice/ops/builtin.hpp"

namespace sluice::test {

inline core::pipeline::checked_pipeline checked(const std::string& json_text) {
  auto p = core::pipeline::check(core::pipeline::pipeline_document::parse(json_text),
                                 ops::builtin_registry());
  if (!p.ok()) throw std::runtime_error(p.errors.front().to_string());
  return p;
}

/// A node of a hand-made frame: only what the bottleneck rule looks at.
inline observe::node_rates node(const std::string& id, double busy, double bp,
                                observe::activity state = observe::activity::idle) {
  observe::node_rates n;
  n.node = id;
  n.busy_ms_per_second = busy;
  n.backpressured_ms_per_second = bp;
  n.idle_ms_per_second = 1000 - busy - bp;
  n.state = state;
  return n;
}

/// One instance's cumulative counters, as a run would report them.
inline core::instance_snapshot snap(const std::string& node, std::size_t instance, std::uint64_t in,
                                    std::uint64_t out, std::int64_t busy_ms, std::int64_t bp_ms,
                                    std::int64_t alive_ms) {
  core::instance_snapshot s;
  s.node = node;
  s.instance = instance;
  s.records_in = in;
  s.records_out = out;
  s.busy_ns = busy_ms * 1000000;
  s.backpressured_ns = bp_ms * 1000000;
  s.alive_ns = alive_ms * 1000000;
  s.idle_ns = s.alive_ns - s.busy_ns - s.backpressured_ns;
  return s;
}

constexpr std::int64_t ms = 1000000;

/// A run's checkpoints: the 17th completed at `completed_ms` in 12 ms,
/// 1.2 MB, of which the throttle's part is 4096 bytes; after 2 restarts.
inline observe::checkpoint_figures checkpoints(std::int64_t completed_ms) {
  observe::checkpoint_figures c;
  c.enabled = true;
  c.last_id = 17;
  c.last_completed_ms = completed_ms;
  c.last_duration_ms = 12;
  c.last_bytes = 1200000;
  c.completed = 16;
  c.abandoned = 1;
  c.restarts = 2;
  c.state_bytes = {{"gen", 64}, {"slow", 4096}, {"out", 0}};
  return c;
}

/// gen -> slow -> out: a generator, a throttle and a null sink.
inline const char* const chain_json = R"J({"schemaVersion": 1, "name": "chain",
  "nodes": [
    {"id": "gen", "kind": "source.generator", "params": {"count": 0}},
    {"id": "slow", "kind": "transform.throttle", "params": {"rate": 1000}},
    {"id": "out", "kind": "sink.null"}],
  "edges": [{"from": "gen", "to": "slow"}, {"from": "slow", "to": "out"}]})J";

} // namespace sluice::test
