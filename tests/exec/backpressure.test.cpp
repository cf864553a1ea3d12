#include "run_helpers.hpp"

using namespace sluice;
using namespace sluice::test;

namespace {

// An unbounded generator feeding a throttle (the slow consumer) over an edge
// of small capacity.
const char* slow_consumer = R"J({"schemaVersion": 1, "nodes": [
    {"id": "gen", "kind": "source.generator", "params": {"count": 0}},
    {"id": "slow", "kind": "transform.throttle", "params": {"rate": 50000}},
    {"id": "out", "kind": "sink.null"}],
  "edges": [{"from": "gen", "to": "slow", "capacity": 1000},
            {"from": "slow", "to": "out", "capacity": 1000}]})J";

} // namespace

TEST_CASE("records in flight on an edge never exceed its capacity") {
  exec::pipeline_run run(checked(slow_consumer));
  std::uint64_t samples = 0;
  while (counts_of(run.snapshot(), "out").in < 20000) {
    REQUIRE(!run.wait_for(std::chrono::milliseconds(1)));
    // Read the producer first: whatever the consumer has taken by the later
    // read, the producer cannot be more than one capacity ahead of it.
    auto sent = counts_of(run.snapshot(), "gen").sent;
    auto snap = run.snapshot();
    auto taken = counts_of(snap, "slow").in;
    CHECK(sent <= taken + 1000);
    for (const auto& s : snap) CHECK(s.queue_fill <= 1.0);
    ++samples;
  }
  run.stop();
  REQUIRE(run.wait_for(std::chrono::seconds(30)));
  CHECK(samples > 10);
}

TEST_CASE("a slow consumer slows a fast producer instead of growing a queue") {
  exec::pipeline_run run(checked(slow_consumer));
  while (counts_of(run.snapshot(), "out").in < 20000)
    REQUIRE(!run.wait_for(std::chrono::milliseconds(2)));
  run.stop();
  REQUIRE(run.wait_for(std::chrono::seconds(30)));
  auto snap = run.snapshot();
  auto gen = counts_of(snap, "gen");
  auto out = counts_of(snap, "out");
  // Unthrottled, the generator makes millions of records in this time; held
  // back, it is ahead of the sink by at most what the two edges and the
  // throttle's one held batch can hold.
  CHECK(gen.out == out.in);
  std::int64_t gen_bp = 0;
  for (const auto& s : snap)
    if (s.node == "gen") gen_bp = s.backpressured_ns;
  CHECK(gen_bp > 0);
  CHECK(gen.out < 20000 + 3000 + 50000);
}
