// The tap dock on a live run: in-process, and attached to a real headless run.
#include <catch2/catch.hpp>

#include <QAction>
#include <QDir>
#include <QFile>
#include <QLabel>
#include <QLineEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QRegularExpression>
#include <QTableView>
#include <QTemporaryDir>

#include "app/main_window.hpp"
#include "run/attach_controller.hpp"
#include "run/run_controller.hpp"
#include "run/tap_records_model.hpp"
#include "run/tap_session.hpp"
#include "view/edge_item.hpp"
#include "view/tap_dock.hpp"
#include "view_helpers.hpp"

#ifdef SLUICE_BIN
#include "app/child_process.hpp"
#endif

using namespace sluice;
using namespace sluice::editor::app;
using namespace sluice::editor::run;
using sluice::editor::view::TapDock;

namespace {

/// Endless and held back, with event time: the tap has records, a
/// watermark and a queue to show.
const char* tappedRun = R"({"schemaVersion": 1, "name": "tapped", "description": "",
  "nodes": [
    {"id": "gen", "kind": "source.generator", "params": {"count": 0, "rate": 400, "keys": 20}},
    {"id": "hi", "kind": "transform.filter", "params": {"where": "value > 10"}},
    {"id": "out", "kind": "sink.null"}],
  "edges": [{"from": "gen", "to": "hi"}, {"from": "hi", "to": "out"}],
  "layout": {"gen": {"x": 0, "y": 0}, "hi": {"x": 280, "y": 0}, "out": {"x": 560, "y": 0}}})";

void selectEdge(MainWindow& w, const QString& from, const QString& to) {
  auto* edge = w.scene()->edgeItem({from, to});
  REQUIRE(edge);
  w.scene()->clearSelection();
  edge->setSelected(true);
}

void typeFilter(TapDock& dock, const QString& text) {
  dock.filterEdit()->clear();
  QTest::keyClicks(dock.filterEdit(), text);
  QTest::keyClick(dock.filterEdit(), Qt::Key_Return);
}

} // namespace

TEST_CASE("selecting an edge of a running pipeline opens the tap dock on its records",
          "[view][tap]") {
  MainWindow w(test::registry());
  w.resize(1400, 900);
  w.show();
  REQUIRE(w.model().loadText(tappedRun).isEmpty());
  TapDock* dock = w.tapDock();
  TapSession* tap = dock->session();
  tap->setPollInterval(50);

  // Not running: selecting an edge taps nothing.
  selectEdge(w, "gen", "hi");
  CHECK_FALSE(dock->isVisible());
  CHECK_FALSE(tap->isTapping());

  w.runController()->setSampleInterval(100);
  w.action("run")->trigger();
  REQUIRE(QTest::qWaitFor([&] { return w.runController()->state() == RunState::Running; }, 60000));
  selectEdge(w, "gen", "hi");
  CHECK(dock->isVisible());
  REQUIRE(QTest::qWaitFor([&] { return dock->table()->model()->rowCount() > 30; }, 60000));
  REQUIRE(QTest::qWaitFor([&] { return tap->figures().watermark.has_value(); }, 60000));
  CHECK(dock->titleLabel()->text() == "gen.out -> hi");
  CHECK(dock->stateLabel()->text().contains("live"));
  CHECK(dock->schemaLabel()->text().contains("key: string"));
  CHECK(dock->watermarkLabel()->text().contains(QRegularExpression(R"(20\d\d-\d\d-\d\d )")));
  CHECK(dock->countersLabel()->text().contains("seen"));
  CHECK(dock->queueBar()->isVisible());
  CHECK(dock->table()->model()->headerData(2, Qt::Horizontal).toString() == "key");

  // A filter the run refuses: said in red under the line, the tap goes on.
  typeFilter(*dock, "no_such_field > 1");
  CHECK(dock->errorLabel()->isVisible());
  CHECK(dock->errorLabel()->text().contains("no_such_field"));
  CHECK(dock->filterEdit()->text() == "no_such_field > 1"); // left to be fixed
  CHECK(dock->isVisible());
  CHECK(tap->state() == TapSession::State::Live);
  typeFilter(*dock, "value >= 50");
  CHECK_FALSE(dock->errorLabel()->isVisible());
  CHECK(tap->filter() == "value >= 50");
  REQUIRE(QTest::qWaitFor([&] { return dock->table()->model()->rowCount() > 30; }, 60000));

  // Pause keeps the table as it is.
  dock->pauseButton()->click();
  CHECK(dock->pauseButton()->text() == "Resume");
  CHECK(dock->stateLabel()->text().contains("paused"));
  dock->pauseButton()->click();
  CHECK(dock->pauseButton()->text() == "Pause");

  // A picture to eyeball (build/editor-renders/tap.png; docs/editor-tap.png is a copy).
  w.view()->fitToView();
  QApplication::processEvents();
  QDir(SLUICE_BINARY_DIR).mkpath("editor-renders");
  CHECK(w.grab().save(SLUICE_BINARY_DIR "/editor-renders/tap.png"));

  // Another edge switches the tap; closing the dock closes it.
  const auto first = tap->inProcessTap();
  selectEdge(w, "hi", "out");
  CHECK(first->closed());
  CHECK(dock->filterEdit()->text().isEmpty());
  REQUIRE(QTest::qWaitFor([&] { return dock->titleLabel()->text() == "hi.out -> out"; }, 60000));
  const auto second = tap->inProcessTap();
  REQUIRE(second);
  dock->close();
  CHECK(second->closed());
  CHECK_FALSE(tap->isTapping());

  // Tapped again, then the run stops: the dock says ended.
  selectEdge(w, "gen", "hi");
  CHECK(dock->isVisible());
  REQUIRE(QTest::qWaitFor([&] { return tap->isTapping(); }, 60000));
  w.action("stop")->trigger();
  REQUIRE(QTest::qWaitFor([&] { return !w.runController()->isActive(); }, 60000));
  CHECK(dock->stateLabel()->text().contains("ended"));
  CHECK_FALSE(tap->isTapping());
}

#ifdef SLUICE_BIN
TEST_CASE("attached to a headless run, the tap dock reads the edge's stream",
          "[view][tap][attach]") {
  QTemporaryDir dir;
  const QString file = dir.filePath("tapped.json");
  {
    QFile f(file);
    REQUIRE(f.open(QIODevice::WriteOnly));
    f.write(tappedRun);
  }
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

  MainWindow w(test::registry());
  w.resize(1400, 900);
  w.show();
  w.attachController()->setPollInterval(200);
  w.attachTo(QUrl(url));
  REQUIRE(QTest::qWaitFor(
    [&] {
      return w.attachController()->state() == RunState::Running
             && w.scene()->nodeItems().size() == 3;
    },
    60000));
  TapDock* dock = w.tapDock();
  selectEdge(w, "gen", "hi");
  CHECK(dock->isVisible());
  REQUIRE(QTest::qWaitFor([&] { return dock->table()->model()->rowCount() > 10; }, 60000));
  CHECK(dock->titleLabel()->text() == "gen.out -> hi");
  CHECK(dock->schemaLabel()->text().contains("value: double"));
  REQUIRE(QTest::qWaitFor([&] { return dock->countersLabel()->text().contains("seen"); }, 60000));

  typeFilter(*dock, "value >");
  REQUIRE(QTest::qWaitFor([&] { return dock->errorLabel()->isVisible(); }, 60000));
  CHECK(dock->errorLabel()->text().contains("400"));
  CHECK(dock->session()->state() == TapSession::State::Live);

  // Stop detaches: the tap ends with it.
  w.action("stop")->trigger();
  CHECK(dock->stateLabel()->text().contains("ended"));
  CHECK_FALSE(dock->session()->isTapping());
}
#endif
