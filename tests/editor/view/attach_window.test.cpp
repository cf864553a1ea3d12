// MainWindow attached to a real headless run, and Run/Stop in-process.
#include <catch2/catch.hpp>

#include <QAction>
#include <QDir>
#include <QFile>
#include <QLabel>
#include <QPlainTextEdit>
#include <QRegularExpression>
#include <QStatusBar>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTimer>

#include <memory>

#include "app/main_window.hpp"
#include "run/attach_controller.hpp"
#include "run/run_controller.hpp"
#include "view/log_dock.hpp"
#include "view/metrics_dock.hpp"
#include "view/node_item.hpp"
#include "view_helpers.hpp"

#ifdef SLUICE_BIN
#include "app/child_process.hpp"
#endif

using namespace sluice;
using namespace sluice::editor::app;
using namespace sluice::editor::run;

namespace {

/// Endless, held back by a throttle: it runs until it is stopped.
const char* endlessRun = R"({"schemaVersion": 1, "name": "endless", "description": "",
  "nodes": [
    {"id": "gen", "kind": "source.generator", "params": {"count": 0}},
    {"id": "slow", "kind": "transform.throttle", "params": {"rate": 20000}},
    {"id": "out", "kind": "sink.null"}],
  "edges": [{"from": "gen", "to": "slow"}, {"from": "slow", "to": "out"}]})";

const char* smallRun = R"({"schemaVersion": 1, "name": "small", "description": "",
  "nodes": [
    {"id": "gen", "kind": "source.generator", "params": {"count": 1000}},
    {"id": "out", "kind": "sink.null"}],
  "edges": [{"from": "gen", "to": "out"}]})";

QString logText(const MainWindow& w) { return w.logDock()->text()->toPlainText(); }

} // namespace

#ifdef SLUICE_BIN
TEST_CASE("attaching the window to a headless run draws its pipeline and colours it live",
          "[view][attach]") {
  QTemporaryDir dir;
  const QString file = dir.filePath("endless.json");
  {
    QFile f(file);
    REQUIRE(f.open(QIODevice::WriteOnly));
    f.write(endlessRun);
  }
  // The child is ended (SIGTERM, then SIGKILL) by its destructor on every
  // path out of this test, failed REQUIREs included.
  test::child_process run({SLUICE_BIN, "run", file.toStdString(), "--metrics-port", "0", "--quiet"},
                          dir.filePath("run.log").toStdString());
  const QRegularExpression printed(R"(metrics: (http://127\.0\.0\.1:\d+)/metrics)");
  QString url;
  const bool started = QTest::qWaitFor(
    [&] {
      auto m = printed.match(QString::fromStdString(run.output()));
      if (m.hasMatch()) url = m.captured(1);
      return m.hasMatch() || !run.running();
    },
    60000);
  INFO(run.output());
  REQUIRE(started);
  REQUIRE_FALSE(url.isEmpty());

  MainWindow w(test::registry());
  w.show();
  w.attachController()->setPollInterval(200);
  w.attachTo(QUrl(url));
  CHECK(w.action("stop")->isEnabled());

  // The run's own pipeline is drawn...
  REQUIRE(QTest::qWaitFor([&] { return w.scene()->nodeItems().size() == 3; }, 60000));
  CHECK(w.model().nodeIds() == QStringList{"gen", "slow", "out"});
  CHECK(w.model().pipelineName() == "endless");
  CHECK(w.model().filePath().isEmpty()); // not the file of the run: Save asks where
  // ...and its frames colour it.
  REQUIRE(QTest::qWaitFor(
    [&] {
      auto* gen = w.scene()->nodeItem("gen");
      auto* out = w.scene()->nodeItem("out");
      return gen && out && gen->live().active && gen->live().outPerSecond > 0 && out->live().active;
    },
    60000));
  CHECK(w.runController()->state() == RunState::Idle); // nothing ran in-process
  CHECK(logText(w).contains(url));

  // Stop detaches; the run itself goes on until the child is ended.
  w.action("stop")->trigger();
  CHECK(w.action("run")->isEnabled());
  CHECK_FALSE(w.action("stop")->isEnabled());
  CHECK(run.running());
}

TEST_CASE("attached to a run that takes checkpoints, the metrics dock shows the last one",
          "[view][attach]") {
  QTemporaryDir dir;
  const QString file = dir.filePath("keys.json");
  {
    QFile f(file);
    REQUIRE(f.open(QIODevice::WriteOnly));
    f.write(R"({"schemaVersion": 1, "name": "keys", "description": "",
      "nodes": [
        {"id": "gen", "kind": "source.generator", "params": {"count": 0, "rate": 2000, "keys": 50}},
        {"id": "dedupe", "kind": "transform.dedupe", "params": {"key": ["key"], "within": "1h"}},
        {"id": "out", "kind": "sink.null"}],
      "edges": [{"from": "gen", "to": "dedupe"}, {"from": "dedupe", "to": "out"}]})");
  }
  test::child_process run({SLUICE_BIN, "run", file.toStdString(), "--metrics-port", "0", "--quiet",
                           "--checkpoint-dir", dir.filePath("checkpoints").toStdString(),
                           "--checkpoint-interval", "200ms"},
                          dir.filePath("run.log").toStdString());
  const QRegularExpression printed(R"(metrics: (http://127\.0\.0\.1:\d+)/metrics)");
  QString url;
  const bool started = QTest::qWaitFor(
    [&] {
      auto m = printed.match(QString::fromStdString(run.output()));
      if (m.hasMatch()) url = m.captured(1);
      return m.hasMatch() || !run.running();
    },
    60000);
  INFO(run.output());
  REQUIRE(started);
  REQUIRE_FALSE(url.isEmpty());

  MainWindow w(test::registry());
  w.resize(1200, 800);
  w.show();
  w.attachController()->setPollInterval(200);
  w.attachTo(QUrl(url));
  QLabel* label = w.metricsDock()->checkpointLabel();
  const QRegularExpression summary(
    R"(^Checkpoint [1-9]\d* at \d\d:\d\d:\d\d \(\d+ s ago\) · took \d+ ms · [\d.]+ (kB|MB|bytes).* · )"
    R"(restarts 0\nState: .*dedupe [\d.]+ (kB|bytes))");
  REQUIRE(QTest::qWaitFor([&] { return summary.match(label->text()).hasMatch(); }, 60000));
  CHECK(label->isVisible());
  QApplication::processEvents(); // the dock's layout makes room for the label's second line
  // A picture of the window, to eyeball (build/editor-renders/attached-checkpoints.png).
  QDir(SLUICE_BINARY_DIR).mkpath("editor-renders");
  CHECK(w.grab().save(SLUICE_BINARY_DIR "/editor-renders/attached-checkpoints.png"));
  w.action("stop")->trigger();
}
#endif

TEST_CASE("attaching to a port where nothing listens says so and leaves the window usable",
          "[view][attach]") {
  QTcpServer probe; // a port that was free a moment ago
  REQUIRE(probe.listen(QHostAddress::LocalHost));
  const auto port = probe.serverPort();
  probe.close();

  MainWindow w(test::registry());
  w.show();
  REQUIRE(w.model().loadText(smallRun).isEmpty());
  w.attachTo(QUrl(QStringLiteral("http://127.0.0.1:%1").arg(port)));
  REQUIRE(
    QTest::qWaitFor([&] { return w.attachController()->state() == RunState::Failed; }, 60000));
  const QString status = w.statusBar()->currentMessage();
  CHECK(status.startsWith("Attach failed"));
  CHECK(status.contains(QString::number(port)));
  CHECK(logText(w).contains(QString::number(port)));
  CHECK(w.action("run")->isEnabled());
  CHECK(w.action("attach")->isEnabled());
  CHECK(w.scene()->nodeItems().size() == 2); // the canvas kept what it had

  // Usable: the same window runs a pipeline.
  w.runController()->setSampleInterval(20);
  w.action("run")->trigger();
  REQUIRE(QTest::qWaitFor([&] { return w.runController()->state() == RunState::Finished; }, 60000));
  CHECK(w.scene()->nodeItem("out")->live().active);
}

TEST_CASE(
  "Run then Stop on an endless pipeline ends Stopped while the window keeps handling events",
  "[view][run]") {
  MainWindow w(test::registry());
  w.show();
  REQUIRE(w.model().loadText(endlessRun).isEmpty());
  w.runController()->setSampleInterval(20);
  w.action("run")->trigger();
  REQUIRE(QTest::qWaitFor(
    [&] {
      auto* gen = w.scene()->nodeItem("gen");
      return w.runController()->state() == RunState::Running && gen && gen->live().active;
    },
    60000));

  // A timer on the GUI thread: it only ticks while the event loop runs.
  int ticks = 0;
  QTimer ticker;
  ticker.setInterval(5);
  QObject::connect(&ticker, &QTimer::timeout, [&] { ++ticks; });
  ticker.start();

  w.action("stop")->trigger(); // returns at once: the run winds down on its threads
  const int ticksAtStop = ticks;
  bool firedMeanwhile = false;
  QTimer::singleShot(0, [&] { firedMeanwhile = true; });
  REQUIRE(QTest::qWaitFor([&] { return w.runController()->state() == RunState::Stopped; }, 60000));
  QTest::qWait(20);
  CHECK(firedMeanwhile);
  CHECK(ticks > ticksAtStop);
  CHECK(w.action("run")->isEnabled());
  CHECK_FALSE(w.action("stop")->isEnabled());
  CHECK(logText(w).contains("Run stopped"));
}
