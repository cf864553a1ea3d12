#include "run_helpers.hpp"

using namespace sluice;
using namespace sluice::test;

TEST_CASE("an input silent for idle_timeout stops holding a window's event time back") {
  // `busy` covers 100 s of event time; `quiet` sends one record and then
  // nothing for a long while, without ending. Only idle detection lets the
  // window close its 1 s windows while `quiet` is silent.
  exec::pipeline_run run(checked(R"J({"schemaVersion": 1, "nodes": [
      {"id": "busy", "kind": "source.generator", "params": {"count": 100000}},
      {"id": "quiet", "kind": "source.generator", "params": {"count": 0, "rate": 0.001}},
      {"id": "per_second", "kind": "window.tumbling",
       "params": {"size": "1s", "timestamp": "ts", "idle_timeout": "50ms",
                  "aggregates": [{"fn": "count", "as": "n"}]}},
      {"id": "out", "kind": "sink.null"}],
    "edges": [{"from": "busy", "to": "per_second"}, {"from": "quiet", "to": "per_second"},
              {"from": "per_second", "to": "out"}]})J"));
  std::uint64_t windows = 0;
  for (int i = 0; i < 6000 && windows < 99; ++i) {
    REQUIRE(!run.wait_for(std::chrono::milliseconds(10)));
    windows = counts_of(run.snapshot(), "out").in;
  }
  CHECK(windows >= 99);
  run.stop();
  REQUIRE(run.wait_for(std::chrono::seconds(30)));
  CHECK(run.status() == exec::run_status::stopped);
}
