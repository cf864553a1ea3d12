#include <catch2/catch.hpp>

#include <QDir>
#include <QLabel>

#include "view/edge_item.hpp"
#include "view/metrics_dock.hpp"
#include "view/node_item.hpp"
#include "view/node_style.hpp"
#include "view/scene_render.hpp"
#include "view_helpers.hpp"

using namespace sluice;
using namespace sluice::editor::view;

namespace {
observe::metrics_frame frame(double t) {
  observe::metrics_frame f;
  f.t_seconds = t;
  observe::node_rates gen;
  gen.node = "gen";
  gen.kind = "source.generator";
  gen.records_out_per_second = 12000;
  gen.backpressured_ms_per_second = 800;
  gen.idle_ms_per_second = 100;
  gen.busy_ms_per_second = 100;
  gen.state = observe::activity::backpressured;
  observe::node_rates filter;
  filter.node = "f";
  filter.kind = "transform.filter";
  filter.records_in_per_second = 12000;
  filter.records_out_per_second = 6000;
  filter.busy_ms_per_second = 950;
  filter.state = observe::activity::busy;
  f.nodes = {gen, filter};
  f.edges = {{"gen", "f", 0.9}, {"f", "out", 0.3}};
  f.bottleneck = "f";
  return f;
}
} // namespace

TEST_CASE("a metrics frame shows rates, activity, bottleneck and queue fill", "[view][live]") {
  test::Canvas c;
  c.scene->applyFrame(frame(1));
  const NodeLive& gen = c.scene->nodeItem("gen")->live();
  CHECK(gen.active);
  CHECK(gen.outPerSecond == 12000);
  CHECK(gen.state == int(observe::activity::backpressured));
  CHECK_FALSE(gen.bottleneck);
  CHECK(c.scene->nodeItem("f")->live().bottleneck);
  CHECK(c.scene->edgeItem({"gen", "f"})->fill() == Approx(0.9));
  CHECK(c.scene->edgeItem({"f", "out"})->fill() == Approx(0.3));
  CHECK_FALSE(c.scene->nodeItem("m")->live().active);
  // A picture of the live look, to eyeball (build/editor-renders/live.png).
  QDir(SLUICE_BINARY_DIR).mkpath("editor-renders");
  CHECK(renderScene(*c.scene).save(SLUICE_BINARY_DIR "/editor-renders/live.png"));

  c.scene->clearLive();
  CHECK_FALSE(c.scene->nodeItem("gen")->live().active);
  CHECK(c.scene->edgeItem({"gen", "f"})->fill() < 0);
}

TEST_CASE("a node whose server is gone says so on the canvas, and why in its tooltip",
          "[view][live]") {
  test::Canvas c;
  auto f = frame(1);
  observe::connector_figures down;
  down.up = false;
  down.reconnects = 2;
  down.last_error = "kafka: 3/3 brokers are down";
  f.nodes[0].connector = down;
  c.scene->applyFrame(f);
  NodeItem* gen = c.scene->nodeItem("gen");
  CHECK(gen->live().serverDown);
  CHECK(gen->toolTip().contains("server down: kafka: 3/3 brokers are down"));
  CHECK_FALSE(c.scene->nodeItem("f")->live().serverDown); // not a connector
  QDir(SLUICE_BINARY_DIR).mkpath("editor-renders");
  CHECK(renderScene(*c.scene).save(SLUICE_BINARY_DIR "/editor-renders/server-down.png"));
  f.nodes[0].connector->up = true; // back: the badge goes, the last error stays in the tooltip
  c.scene->applyFrame(f);
  CHECK_FALSE(gen->live().serverDown);
  CHECK(gen->toolTip().contains("last connector error: kafka: 3/3 brokers are down"));
}

TEST_CASE("queue fill colours follow NiFi's thresholds", "[view][live]") {
  CHECK(style::queueFillColor(0.3) == style::queueFillColor(0.59));
  CHECK(style::queueFillColor(0.6) != style::queueFillColor(0.59));
  CHECK(style::queueFillColor(0.6) == style::queueFillColor(0.84));
  CHECK(style::queueFillColor(0.85) != style::queueFillColor(0.84));
  CHECK(style::queueFillColor(0.85) == style::queueFillColor(1.0));
}

TEST_CASE("the metrics dock plots the selected node from history and new frames", "[view][live]") {
  MetricsDock dock;
  std::deque<observe::metrics_frame> history{frame(1), frame(2), frame(3)};
  dock.setNode("f", history);
  CHECK(dock.pointCount() == 3);
  dock.addFrame(frame(4));
  CHECK(dock.pointCount() == 4);
  dock.setNode("m", history); // not in the frames: nothing to plot
  CHECK(dock.pointCount() == 0);
}

TEST_CASE("the metrics dock shows the last checkpoint and the state of the selected node",
          "[view][live]") {
  MetricsDock dock;
  dock.resize(900, 300);
  CHECK(dock.checkpointLabel()->isHidden()); // no run, or a run without checkpoints
  dock.addFrame(frame(1));
  CHECK(dock.checkpointLabel()->isHidden());

  auto f = frame(2);
  f.wall_ms = 1700000004000;
  f.checkpoints.enabled = true;
  f.checkpoints.last_id = 17;
  f.checkpoints.last_completed_ms = 1700000001000;
  f.checkpoints.last_duration_ms = 12;
  f.checkpoints.last_bytes = 1200000;
  f.checkpoints.completed = 17;
  f.checkpoints.state_bytes = {{"gen", 64}, {"f", 4100}};
  dock.addFrame(f);
  CHECK_FALSE(dock.checkpointLabel()->isHidden());
  QString text = dock.checkpointLabel()->text();
  INFO(text.toStdString());
  CHECK(text.startsWith("Checkpoint 17 at "));
  CHECK(text.contains("(3 s ago) · took 12 ms · 1.2 MB · 17 completed, 0 abandoned · restarts 0"));
  CHECK(text.contains("\nState: f 4.1 kB · gen 64 bytes"));
  // A picture of the dock, to eyeball (build/editor-renders/metrics-dock-checkpoints.png).
  dock.show();
  QDir(SLUICE_BINARY_DIR).mkpath("editor-renders");
  CHECK(dock.grab().save(SLUICE_BINARY_DIR "/editor-renders/metrics-dock-checkpoints.png"));

  dock.setNode("f", {});
  CHECK(dock.checkpointLabel()->text().endsWith("\nState of f: 4.1 kB in checkpoint 17"));
  dock.clear();
  CHECK(dock.checkpointLabel()->isHidden());
}

TEST_CASE("runtime errors and problems mark the node", "[view][live]") {
  test::Canvas c;
  c.scene->setRuntimeError("f", "boom");
  CHECK(c.scene->nodeItem("f")->runtimeError() == "boom");
  CHECK(c.scene->nodeItem("f")->toolTip().contains("boom"));
  c.model.setParam("f", "where", "nope > 1");
  CHECK_FALSE(c.scene->nodeItem("f")->problems().isEmpty());
  CHECK(c.scene->nodeItem("f")->toolTip().contains("nope"));
}
