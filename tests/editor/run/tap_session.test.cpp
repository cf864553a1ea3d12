#include <catch2/catch.hpp>

#include <QSignalSpy>
#include <QTest>

#include "run/run_controller.hpp"
#include "run/tap_records_model.hpp"
#include "run/tap_session.hpp"
#include "sluice/ops/builtin.hpp"

#ifdef SLUICE_HAVE_OBSERVE_HTTP
#include "run/attach_controller.hpp"
#include "sluice/observe/metrics_server.hpp"
#endif

using namespace sluice;
using editor::run::RunController;
using editor::run::RunState;
using editor::run::TapSession;

namespace {

/// Endless at a modest rate: it runs until it is stopped.
const char* endless = R"({"schemaVersion": 1, "name": "endless", "nodes": [
    {"id": "gen", "kind": "source.generator", "params": {"count": 0, "rate": 2000}},
    {"id": "hi", "kind": "transform.filter", "params": {"where": "value > 10"}},
    {"id": "out", "kind": "sink.null"}],
    "edges": [{"from": "gen", "to": "hi"}, {"from": "hi", "to": "out"}]})";

core::pipeline::checked_pipeline checked(const char* text) {
  auto c =
    core::pipeline::check(core::pipeline::pipeline_document::parse(text), ops::builtin_registry());
  REQUIRE(c.ok());
  return c;
}

int column(const TapSession& s, const QString& field) { return s.fieldNames().indexOf(field); }

/// Starts `run` on the endless pipeline and waits until it is Running.
void startEndless(RunController& run) {
  run.setSampleInterval(50);
  REQUIRE(run.start(checked(endless)));
  REQUIRE(QTest::qWaitFor([&] { return run.state() == RunState::Running; }, 30000));
}

} // namespace

TEST_CASE("a tap on an edge of a live in-process run fills its table with the edge's records",
          "[tap]") {
  RunController run;
  TapSession tap;
  tap.setPollInterval(20);
  tap.setFeed(&run);
  tap.setEdge("gen", "hi");
  // Nothing runs yet: nothing is tapped.
  CHECK(tap.state() == TapSession::State::Waiting);
  CHECK_FALSE(tap.isTapping());

  startEndless(run); // the session opens the tap once the run is live
  REQUIRE(QTest::qWaitFor([&] { return tap.records()->rowCount() > 5; }, 30000));
  CHECK(tap.state() == TapSession::State::Live);
  CHECK(tap.isTapping());
  CHECK(tap.edgeName() == "gen.out -> hi");
  CHECK(tap.fieldNames() == QStringList{"seq", "ts", "key", "value"});
  CHECK(tap.fieldTypes().value(column(tap, "key")) == "string");
  CHECK(tap.records()->fieldNames() == tap.fieldNames());
  CHECK(tap.records()->cell(0, column(tap, "key")).startsWith("k"));
  REQUIRE(QTest::qWaitFor([&] { return tap.figures().known && tap.figures().watermark; }, 30000));
  CHECK(tap.figures().capacity > 0);
  CHECK(tap.figures().seen >= tap.figures().sampled);
  CHECK(tap.error().isEmpty());

  // Bounded: the oldest rows go.
  tap.records()->setMaxRows(10);
  CHECK(tap.records()->rowCount() <= 10);
  REQUIRE(QTest::qWaitFor([&] { return tap.records()->appended() > 40; }, 30000));
  CHECK(tap.records()->rowCount() == 10);
  run.stop();
  REQUIRE(QTest::qWaitFor([&] { return !run.isActive(); }, 30000));
}

TEST_CASE("a paused tap adds no rows while its counters go on, and resumes", "[tap]") {
  RunController run;
  TapSession tap;
  tap.setPollInterval(20);
  tap.setFeed(&run);
  startEndless(run);
  tap.setEdge("gen", "hi");
  REQUIRE(QTest::qWaitFor([&] { return tap.records()->rowCount() > 0; }, 30000));

  tap.setPaused(true);
  CHECK(tap.paused());
  const qint64 appended = tap.records()->appended();
  const quint64 seen = tap.figures().seen;
  REQUIRE(QTest::qWaitFor([&] { return tap.figures().seen > seen + 200; }, 30000));
  CHECK(tap.records()->appended() == appended);
  CHECK(tap.isTapping()); // paused, not closed

  tap.clear();
  CHECK(tap.records()->rowCount() == 0);
  tap.setPaused(false);
  REQUIRE(QTest::qWaitFor([&] { return tap.records()->appended() > appended; }, 30000));
  run.stop();
  REQUIRE(QTest::qWaitFor([&] { return !run.isActive(); }, 30000));
}

TEST_CASE("a filter reopens the tap; one the run refuses is reported and the tap goes on",
          "[tap]") {
  RunController run;
  TapSession tap;
  tap.setPollInterval(20);
  tap.setFeed(&run);
  startEndless(run);
  tap.setEdge("gen", "hi");
  REQUIRE(QTest::qWaitFor([&] { return tap.records()->rowCount() > 0; }, 30000));
  const auto unfiltered = tap.inProcessTap();

  REQUIRE(tap.setFilter("value >= 90"));
  CHECK(tap.filter() == "value >= 90");
  CHECK(unfiltered->closed());
  REQUIRE(tap.inProcessTap());
  CHECK(tap.inProcessTap()->filter() == "value >= 90");
  REQUIRE(QTest::qWaitFor([&] { return tap.records()->rowCount() > 3; }, 30000));
  const int value = column(tap, "value");
  for (int r = 0; r < tap.records()->rowCount(); ++r)
    CHECK(tap.records()->cell(r, value).toDouble() >= 90);

  const auto filtered = tap.inProcessTap();
  CHECK_FALSE(tap.setFilter("no_such_field > 1"));
  CHECK(tap.error().contains("no_such_field"));
  CHECK(tap.filter() == "value >= 90"); // the open tap is untouched
  CHECK(tap.inProcessTap() == filtered);
  CHECK_FALSE(filtered->closed());
  CHECK(tap.state() == TapSession::State::Live);

  CHECK_FALSE(tap.setFilter("value + 1"));
  CHECK_FALSE(tap.error().isEmpty());

  REQUIRE(tap.setFilter("")); // every record again, and the error is gone
  CHECK(tap.error().isEmpty());
  CHECK(tap.filter().isEmpty());
  run.stop();
  REQUIRE(QTest::qWaitFor([&] { return !run.isActive(); }, 30000));
}

TEST_CASE("switching edges closes the old tap; the run's end closes the tap and says ended",
          "[tap]") {
  RunController run;
  TapSession tap;
  tap.setPollInterval(20);
  tap.setFeed(&run);
  startEndless(run);
  tap.setEdge("gen", "hi");
  REQUIRE(QTest::qWaitFor([&] { return tap.records()->rowCount() > 0; }, 30000));
  const auto first = tap.inProcessTap();
  REQUIRE(first);

  tap.setEdge("hi", "out");
  CHECK(first->closed());
  CHECK(tap.records()->rowCount() == 0); // a new edge starts a new table
  REQUIRE(QTest::qWaitFor([&] { return tap.records()->rowCount() > 0; }, 30000));
  CHECK(tap.edgeName() == "hi.out -> out");
  // Only what passed the filter node flows on this edge.
  for (int r = 0; r < tap.records()->rowCount(); ++r)
    CHECK(tap.records()->cell(r, column(tap, "value")).toDouble() > 10);

  // An edge that is not there: said, and nothing is open.
  tap.setEdge("out", "gen");
  CHECK_FALSE(tap.isTapping());
  CHECK(tap.error().contains("out"));

  tap.setEdge("gen", "hi");
  REQUIRE(QTest::qWaitFor([&] { return tap.records()->rowCount() > 0; }, 30000));
  const auto last = tap.inProcessTap();
  QSignalSpy changed(&tap, &TapSession::changed);
  run.stop();
  REQUIRE(QTest::qWaitFor([&] { return tap.state() == TapSession::State::Ended; }, 30000));
  CHECK(tap.endReason() == "the run stopped");
  CHECK_FALSE(tap.isTapping());
  CHECK(last->closed());
  CHECK(tap.records()->rowCount() > 0); // what was seen stays to be read

  tap.close();
  CHECK(tap.state() == TapSession::State::Closed);
  CHECK(tap.edgeName().isEmpty());
}

#ifdef SLUICE_HAVE_OBSERVE_HTTP

TEST_CASE("a tap on an attached run reads the endpoint's stream and reports a refused filter",
          "[tap][attach]") {
  auto pipeline = checked(endless);
  exec::pipeline_run run(pipeline);
  observe::run_source source;
  source.snapshot = [&run] { return run.snapshot(); };
  source.health = [&run] {
    observe::run_health h;
    h.status = run.status() == exec::run_status::running ? "running" : "stopped";
    return h;
  };
  source.tap = [&run](const observe::tap_request& r) {
    return run.open_tap(r.from, r.to, r.options);
  };
  observe::server_options options;
  options.sample_every = std::chrono::milliseconds(50);
  options.tap_every = std::chrono::milliseconds(50);
  observe::metrics_server server(pipeline, source, options);

  editor::run::AttachController attach;
  attach.setPollInterval(50);
  TapSession tap;
  tap.setFeed(&attach);
  attach.attach(QUrl(QString::fromStdString(server.url())));
  tap.setEdge("gen", "hi");
  REQUIRE(QTest::qWaitFor([&] { return tap.records()->rowCount() > 3; }, 30000));
  CHECK(tap.state() == TapSession::State::Live);
  CHECK(tap.edgeName() == "gen.out -> hi");
  CHECK(tap.fieldNames() == QStringList{"seq", "ts", "key", "value"});
  REQUIRE(QTest::qWaitFor([&] { return tap.figures().known; }, 30000));
  CHECK(tap.figures().capacity > 0);

  // '+' and '>' travel percent-encoded.
  REQUIRE(tap.setFilter("value + 0 >= 90"));
  REQUIRE(QTest::qWaitFor([&] { return tap.filter() == "value + 0 >= 90"; }, 30000));
  REQUIRE(QTest::qWaitFor([&] { return tap.records()->rowCount() > 3; }, 30000));
  for (int r = 0; r < tap.records()->rowCount(); ++r)
    CHECK(tap.records()->cell(r, column(tap, "value")).toDouble() >= 90);

  tap.setFilter("no_such_field > 1");
  REQUIRE(QTest::qWaitFor([&] { return !tap.error().isEmpty(); }, 30000));
  CHECK(tap.error().contains("no_such_field"));
  CHECK(tap.error().contains("400"));
  CHECK(tap.filter() == "value + 0 >= 90"); // the open stream goes on
  CHECK(tap.state() == TapSession::State::Live);
  const qint64 appended = tap.records()->appended();
  REQUIRE(QTest::qWaitFor([&] { return tap.records()->appended() > appended; }, 30000));

  attach.detach();
  CHECK(tap.state() == TapSession::State::Ended);
  CHECK(tap.endReason() == "detached from the run");
  CHECK_FALSE(tap.isTapping());
  run.stop();
  run.wait();
}

#endif
