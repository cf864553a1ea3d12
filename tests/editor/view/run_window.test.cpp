#include <catch2/catch.hpp>

#include <QAction>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QTimer>

#include "app/main_window.hpp"
#include "run/run_controller.hpp"
#include "view/log_dock.hpp"
#include "view/metrics_dock.hpp"
#include "view/node_item.hpp"
#include "view_helpers.hpp"

using namespace sluice;
using namespace sluice::editor::app;
using namespace sluice::editor::run;

namespace {
const char* smallRun = R"({"schemaVersion": 1, "name": "small", "description": "",
  "nodes": [
    {"id": "gen", "kind": "source.generator", "params": {"count": 50000}},
    {"id": "hi", "kind": "transform.filter", "params": {"where": "value > 50"}},
    {"id": "out", "kind": "sink.null"}],
  "edges": [{"from": "gen", "to": "hi"}, {"from": "hi", "to": "out"}],
  "layout": {"gen": {"x": 0, "y": 0}, "hi": {"x": 240, "y": 0}, "out": {"x": 480, "y": 0}}})";
} // namespace

TEST_CASE("Run runs the pipeline in-process and the canvas shows live rates", "[view][run]") {
  MainWindow w(test::registry());
  REQUIRE(w.model().loadText(smallRun).isEmpty());
  w.runController()->setSampleInterval(20);
  w.scene()->selectNode("hi");
  w.action("run")->trigger();
  CHECK_FALSE(w.action("run")->isEnabled());
  REQUIRE(QTest::qWaitFor([&] { return w.runController()->state() == RunState::Finished; }, 30000));
  CHECK(w.action("run")->isEnabled());
  CHECK_FALSE(w.action("stop")->isEnabled());
  CHECK(w.scene()->nodeItem("gen")->live().active);
  CHECK(w.scene()->nodeItem("out")->live().active);
  CHECK(w.metricsDock()->pointCount() > 0);
  CHECK(w.logDock()->text()->toPlainText().contains("finished"));
}

TEST_CASE("Run refuses a pipeline with problems and lists them", "[view][run]") {
  MainWindow w(test::registry());
  REQUIRE(w.model().loadText(smallRun).isEmpty());
  w.model().setParam("hi", "where", "nope > 1");
  QString shown;
  // The refusal is a modal message box: read and close it.
  QTimer::singleShot(0, [&] {
    if (auto* box = qobject_cast<QMessageBox*>(QApplication::activeModalWidget())) {
      shown = box->text();
      box->close();
    }
  });
  w.action("run")->trigger();
  CHECK(shown.contains("nope"));
  CHECK(w.runController()->state() == RunState::Idle);
}
