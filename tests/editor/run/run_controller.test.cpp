#include <catch2/catch.hpp>

#include <QCoreApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QSignalSpy>
#include <QTest>

#include <chrono>
#include <cstdio>

#include "run/run_controller.hpp"
#include "sluice/ops/builtin.hpp"

using namespace sluice;
using editor::run::RunController;
using editor::run::RunState;

namespace {

core::pipeline::checked_pipeline checkedText(const std::string& text) {
  auto c =
    core::pipeline::check(core::pipeline::pipeline_document::parse(text), ops::builtin_registry());
  std::string errors;
  for (const auto& e : c.errors) errors += e.to_string() + "\n";
  INFO(errors);
  REQUIRE(c.ok());
  return c;
}

std::string generatorToNull(long count, double rate) {
  return R"({"schemaVersion": 1, "name": "small", "nodes": [
    {"id": "gen", "kind": "source.generator", "params": {"count": )"
         + std::to_string(count) + R"(, "rate": )" + std::to_string(rate) + R"(}},
    {"id": "hi", "kind": "transform.filter", "params": {"where": "value > 50"}},
    {"id": "out", "kind": "sink.null"}],
    "edges": [{"from": "gen", "to": "hi"}, {"from": "hi", "to": "out"}]})";
}

std::vector<RunState> states(const QSignalSpy& spy) {
  std::vector<RunState> out;
  for (const auto& args : spy) out.push_back(args.at(0).value<RunState>());
  return out;
}

} // namespace

TEST_CASE("a small finite pipeline runs in-process, emits frames and finishes", "[run]") {
  RunController run;
  run.setSampleInterval(20);
  QSignalSpy status(&run, &RunController::statusChanged);
  QSignalSpy frames(&run, &RunController::frameSampled);
  QSignalSpy errors(&run, &RunController::runError);

  REQUIRE(run.start(checkedText(generatorToNull(20000, 0))));
  CHECK(run.isActive());
  REQUIRE(QTest::qWaitFor([&] { return run.state() == RunState::Finished; }, 30000));
  CHECK(errors.isEmpty());
  CHECK(states(status)
        == std::vector<RunState>{RunState::Starting, RunState::Running, RunState::Finished});
  REQUIRE(frames.count() >= 2); // one at the start, one at the end at least
  auto last = frames.last().at(0).value<observe::metrics_frame>();
  REQUIRE(last.nodes.size() == 3);
  CHECK(last.nodes[0].node == "gen");
  CHECK(last.nodes[0].records_out == 20000);
  CHECK(last.nodes[1].records_in == 20000);
  CHECK(last.nodes[2].records_in == last.nodes[1].records_out);
  CHECK(!run.history().empty());
  CHECK(!run.isActive());
}

TEST_CASE("an endless pipeline stops gracefully on request", "[run]") {
  RunController run;
  run.setSampleInterval(20);
  QSignalSpy frames(&run, &RunController::frameSampled);
  REQUIRE(run.start(checkedText(generatorToNull(0, 2000))));
  REQUIRE(QTest::qWaitFor([&] { return frames.count() >= 3; }, 30000));
  CHECK(run.state() == RunState::Running);
  CHECK(!run.start(checkedText(generatorToNull(1, 0)))); // one run at a time
  run.stop();
  REQUIRE(QTest::qWaitFor([&] { return run.state() == RunState::Stopped; }, 30000));
  auto last = frames.last().at(0).value<observe::metrics_frame>();
  CHECK(last.nodes[0].records_out > 0);
  CHECK(last.nodes[1].records_in == last.nodes[0].records_out);
}

TEST_CASE("an in-process run that takes checkpoints carries them in its frames", "[run]") {
  auto dir = QDir(SLUICE_BINARY_DIR "/test-output/editor-checkpoints")
               .filePath(QString::number(QCoreApplication::applicationPid()));
  QDir(dir).removeRecursively();
  exec::run_options options;
  options.checkpoints.emplace();
  options.checkpoints->dir = dir.toStdString();
  options.checkpoints->interval = std::chrono::milliseconds(50);
  RunController run;
  run.setSampleInterval(20);
  run.setRunOptions(options);
  QSignalSpy frames(&run, &RunController::frameSampled);
  REQUIRE(run.start(checkedText(R"({"schemaVersion": 1, "name": "keys", "nodes": [
    {"id": "gen", "kind": "source.generator", "params": {"count": 0, "rate": 2000, "keys": 20}},
    {"id": "dedupe", "kind": "transform.dedupe", "params": {"key": ["key"], "within": "1h"}},
    {"id": "out", "kind": "sink.null"}],
    "edges": [{"from": "gen", "to": "dedupe"}, {"from": "dedupe", "to": "out"}]})")));
  observe::checkpoint_figures seen;
  REQUIRE(QTest::qWaitFor(
    [&] {
      if (frames.isEmpty()) return false;
      seen = frames.last().at(0).value<observe::metrics_frame>().checkpoints;
      return seen.last_id > 0 && seen.state_bytes.count("dedupe") > 0;
    },
    30000));
  CHECK(seen.enabled);
  CHECK(seen.completed >= 1);
  CHECK(seen.last_bytes > 0);
  CHECK(seen.last_completed_ms > 0);
  CHECK(seen.state_bytes.at("dedupe") > 0);
  CHECK(seen.restarts == 0);
  CHECK(run.history().back().checkpoints.enabled);
  run.stop();
  REQUIRE(QTest::qWaitFor([&] { return !run.isActive(); }, 30000));
  QDir(dir).removeRecursively();
}

TEST_CASE("a run without checkpoints says so in its frames", "[run]") {
  RunController run;
  run.setSampleInterval(20);
  QSignalSpy frames(&run, &RunController::frameSampled);
  REQUIRE(run.start(checkedText(generatorToNull(2000, 0))));
  REQUIRE(QTest::qWaitFor([&] { return run.state() == RunState::Finished; }, 30000));
  REQUIRE(!frames.isEmpty());
  CHECK_FALSE(frames.last().at(0).value<observe::metrics_frame>().checkpoints.enabled);
}

TEST_CASE("a run that cannot start reports the node and fails without blocking", "[run]") {
  RunController run;
  QSignalSpy errors(&run, &RunController::runError);
  auto pipeline = checkedText(R"({"schemaVersion": 1, "nodes": [
    {"id": "gen", "kind": "source.generator", "params": {"count": 10}},
    {"id": "sink", "kind": "sink.file", "params": {"path": "/proc/no/such/dir/out.jsonl"}}],
    "edges": [{"from": "gen", "to": "sink"}]})");
  REQUIRE(run.start(pipeline));
  REQUIRE(QTest::qWaitFor([&] { return run.state() == RunState::Failed; }, 30000));
  REQUIRE(errors.count() == 1);
  CHECK(errors[0].at(0).toString() == "sink");
  CHECK(errors[0].at(1).toString().contains("sink"));
}

TEST_CASE("a pipeline with problems is not started", "[run]") {
  RunController run;
  QSignalSpy errors(&run, &RunController::runError);
  auto bad = core::pipeline::check(
    core::pipeline::pipeline_document::parse(
      R"({"schemaVersion": 1, "nodes": [{"id": "f", "kind": "transform.filter"}]})"),
    ops::builtin_registry());
  CHECK(!run.start(bad));
  CHECK(errors.count() == 1);
  CHECK(run.state() == RunState::Idle);
}

TEST_CASE("the failing node is read from exec's failure text", "[run]") {
  CHECK(editor::run::failingNode("node 'parse' (transform.map): operator failed: boom; record: {}")
        == "parse");
  CHECK(editor::run::failingNode("node 'sink_2': param 'path': cannot create") == "sink_2");
  CHECK(editor::run::failingNode("something else").isEmpty());
}

TEST_CASE("sampling a running 50-node pipeline takes a tiny part of a second", "[run][speed]") {
  // 10 chains of gen -> filter -> map -> filter -> sink: what the timer
  // does once a second on the GUI thread, done 100 times.
  nlohmann::json doc = {
    {"schemaVersion", 1}, {"nodes", nlohmann::json::array()}, {"edges", nlohmann::json::array()}};
  for (int c = 0; c < 10; ++c) {
    auto id = [&](const char* stage) { return std::string(stage) + std::to_string(c); };
    doc["nodes"].push_back(
      {{"id", id("gen")}, {"kind", "source.generator"}, {"params", {{"count", 0}, {"rate", 500}}}});
    doc["nodes"].push_back(
      {{"id", id("hi")}, {"kind", "transform.filter"}, {"params", {{"where", "value > 10"}}}});
    doc["nodes"].push_back({{"id", id("map")},
                            {"kind", "transform.map"},
                            {"params", {{"set", {{"twice", "value * 2"}}}}}});
    doc["nodes"].push_back(
      {{"id", id("lo")}, {"kind", "transform.filter"}, {"params", {{"where", "twice < 150"}}}});
    doc["nodes"].push_back({{"id", id("out")}, {"kind", "sink.null"}});
    const char* stages[] = {"gen", "hi", "map", "lo", "out"};
    for (int s = 1; s < 5; ++s)
      doc["edges"].push_back({{"from", id(stages[s - 1])}, {"to", id(stages[s])}});
  }
  auto pipeline = checkedText(doc.dump());
  RunController run;
  run.setSampleInterval(1000);
  QSignalSpy frames(&run, &RunController::frameSampled);
  REQUIRE(run.start(pipeline));
  REQUIRE(QTest::qWaitFor([&] { return frames.count() >= 1; }, 30000));
  // The same work as the timer's tick: snapshot, rates, one frame.
  exec::pipeline_run direct(pipeline);
  observe::metrics_sampler sampler(pipeline);
  QElapsedTimer clock;
  clock.start();
  for (int i = 0; i < 100; ++i) {
    auto now = std::chrono::steady_clock::now().time_since_epoch();
    sampler.sample(direct.snapshot(),
                   std::chrono::duration_cast<std::chrono::nanoseconds>(now).count(), 0);
  }
  auto perSampleUs = static_cast<double>(clock.nsecsElapsed()) / 100 / 1000;
  std::printf("editor.run: one sample of a 50-node run takes %.0f us (%.3f %% of a core at 1 Hz)\n",
              perSampleUs, perSampleUs / 1e4);
  CHECK(sampler.latest().nodes.size() == 50);
  direct.stop();
  run.stop();
  REQUIRE(QTest::qWaitFor([&] { return run.state() == RunState::Stopped; }, 30000));
}
