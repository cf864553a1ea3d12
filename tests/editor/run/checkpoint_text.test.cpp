#include <catch2/catch.hpp>

#include <QDateTime>

#include "run/checkpoint_text.hpp"

using namespace sluice;
using namespace sluice::editor::run;

namespace {

/// The 17th checkpoint, completed at `at` in 12 ms, 1.2 MB; two restarts.
observe::checkpoint_figures figures(qint64 at) {
  observe::checkpoint_figures c;
  c.enabled = true;
  c.last_id = 17;
  c.last_completed_ms = at;
  c.last_duration_ms = 12;
  c.last_bytes = 1200000;
  c.completed = 16;
  c.abandoned = 1;
  c.restarts = 2;
  c.state_bytes = {{"gen", 64}, {"slow", 4100}, {"out", 0}, {"agg", 4100}};
  return c;
}

} // namespace

TEST_CASE("the checkpoint summary names the last checkpoint, its age, duration and size",
          "[run][checkpoints]") {
  const qint64 at = 1700000000000;
  const QString clock = QDateTime::fromMSecsSinceEpoch(at).toString("HH:mm:ss");
  CHECK(checkpointSummary(figures(at), at + 3400).toStdString()
        == ("Checkpoint 17 at " + clock
            + " (3 s ago) · took 12 ms · 1.2 MB · 16 completed, 1 abandoned · restarts 2")
             .toStdString());
  auto slow = figures(at);
  slow.last_duration_ms = 2500;
  CHECK(checkpointSummary(slow, at + 125000).contains("(2 min ago) · took 2.5 s ·"));
  // a frame sampled before the checkpoint completed (clocks apart) says 0 s
  CHECK(checkpointSummary(slow, at - 5000).contains("(0 s ago)"));
}

TEST_CASE("the checkpoint summary says when none has completed, and is empty without any",
          "[run][checkpoints]") {
  observe::checkpoint_figures c;
  CHECK(checkpointSummary(c, 0).isEmpty());
  c.restarts = 1;
  CHECK(checkpointSummary(c, 0) == "No checkpoints · restarts 1");
  c.enabled = true;
  c.abandoned = 2;
  CHECK(checkpointSummary(c, 0)
        == "Checkpoints on: none completed yet · 0 completed, 2 abandoned · restarts 1");
  CHECK(stateSummary(c, {}).isEmpty());
  CHECK(stateSummary(c, "gen").isEmpty());
}

TEST_CASE("the state line shows the selected node, or every node largest first",
          "[run][checkpoints]") {
  auto c = figures(0);
  CHECK(stateSummary(c, "slow") == "State of slow: 4.1 kB in checkpoint 17");
  CHECK(stateSummary(c, "gen") == "State of gen: 64 bytes in checkpoint 17");
  CHECK(stateSummary(c, "nope") == "State of nope: not in checkpoint 17");
  // equal sizes keep their order by name
  CHECK(stateSummary(c, {}) == "State: agg 4.1 kB · slow 4.1 kB · gen 64 bytes · out 0 bytes");
  CHECK(stateSummary(c, {}, 2) == "State: agg 4.1 kB · slow 4.1 kB · … 2 more");
  c.enabled = false;
  CHECK(stateSummary(c, "slow").isEmpty());
}

TEST_CASE("ages and sizes read at a glance", "[run][checkpoints]") {
  CHECK(ageText(0) == "0 s");
  CHECK(ageText(59999) == "59 s");
  CHECK(ageText(60000) == "1 min");
  CHECK(ageText(5400000) == "1.5 h");
  CHECK(byteSize(0) == "0 bytes");
  CHECK(byteSize(999) == "999 bytes");
  CHECK(byteSize(1200000) == "1.2 MB");
}
