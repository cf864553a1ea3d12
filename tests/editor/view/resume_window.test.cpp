#include <catch2/catch.hpp>

#include <QAction>
#include <QLabel>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QPushButton>

#include <filesystem>
#include <fstream>

#include "app/main_window.hpp"
#include "modal_answers.hpp"
#include "run/resume_check.hpp"
#include "run/run_controller.hpp"
#include "sluice/checkpoint/store.hpp"
#include "view/log_dock.hpp"
#include "view/node_item.hpp"
#include "view_helpers.hpp"

using namespace sluice;
using namespace sluice::editor::app;
using editor::run::ResumeBadge;
using editor::run::RunState;

namespace {

namespace fs = std::filesystem;

fs::path freshDir(const std::string& name) {
  auto dir = fs::path(SLUICE_BINARY_DIR) / "test-output" / "editor-resume-window" / name;
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

/// gen -> window -> top -> out, checkpoints into `chk`.
nlohmann::json pipeline(const fs::path& chk, long count = 2000, double rate = 0) {
  auto j = nlohmann::json::parse(R"J({
    "schemaVersion": 1,
    "name": "resume",
    "nodes": [
      {"id": "gen", "kind": "source.generator", "params": {}},
      {"id": "window", "kind": "window.tumbling",
       "params": {"size": "10ms", "timestamp": "ts", "key": ["key"],
                  "aggregates": [{"fn": "count"}]}},
      {"id": "top", "kind": "synopsis.heavy_hitters", "params": {"key": "key", "k": 5}},
      {"id": "out", "kind": "sink.null"}
    ],
    "edges": [{"from": "gen", "to": "window"}, {"from": "window", "to": "top"},
              {"from": "top", "to": "out"}],
    "layout": {"gen": {"x": 0, "y": 0}, "window": {"x": 240, "y": 0},
               "top": {"x": 480, "y": 0}, "out": {"x": 720, "y": 0}}
  })J");
  j["nodes"][0]["params"] = {{"count", count}, {"rate", rate}};
  j["checkpoint"] = {{"dir", chk.string()}, {"interval", "100ms"}};
  return j;
}

QString writePipeline(const fs::path& dir, const nlohmann::json& doc) {
  auto file = dir / "pipeline.json";
  std::ofstream(file) << doc.dump(2);
  return QString::fromStdString(file.string());
}

/// A complete checkpoint written by hand (its parts are not real state).
void takeByHand(const fs::path& chk, std::uint64_t id, const nlohmann::json& doc) {
  checkpoint::store s(chk);
  checkpoint::checkpoint_info info;
  info.id = id;
  info.taken_ms = 1765116677000;
  info.pipeline = doc;
  for (const auto& n : doc["nodes"]) {
    s.write_part(id, n["id"], 0, std::string(64, 'x'));
    info.nodes.push_back({n["id"], n["kind"], 1, {64}});
  }
  s.complete(info);
}

/// Clicks the dialog's button named `name` ("resume", "fresh") and keeps its
/// text; any other dialog is closed.
test::ModalAnswers::Step clickNamed(const QString& name, QString* text = nullptr) {
  return [name, text](QWidget* w) {
    auto* box = qobject_cast<QMessageBox*>(w);
    if (text && box) *text = box->text();
    if (auto* b = w->findChild<QPushButton*>(name)) b->click();
    else w->close();
  };
}

} // namespace

TEST_CASE("a pipeline opened with a checkpoint wears resume badges and names removed nodes",
          "[view][resume]") {
  auto dir = freshDir("badges");
  auto before = pipeline(dir / "chk");
  before["nodes"].push_back({{"id", "old"}, {"kind", "sink.null"}});
  before["edges"].push_back({{"from", "window"}, {"to", "old"}});
  takeByHand(dir / "chk", 3, before);
  auto now = pipeline(dir / "chk");
  now["nodes"][2]["params"]["k"] = 10;
  now["nodes"].push_back({{"id", "extra"}, {"kind", "sink.null"}});
  now["edges"].push_back({{"from", "gen"}, {"to", "extra"}});

  MainWindow w(test::registry());
  REQUIRE(w.openFile(writePipeline(dir, now), true));
  CHECK(w.scene()->nodeItem("gen")->resumeBadge() == ResumeBadge::StateKept);
  CHECK(w.scene()->nodeItem("window")->resumeBadge() == ResumeBadge::StateKept);
  CHECK(w.scene()->nodeItem("top")->resumeBadge() == ResumeBadge::WillReset);
  CHECK(w.scene()->nodeItem("extra")->resumeBadge() == ResumeBadge::New);
  CHECK(w.scene()->nodeItem("top")->toolTip().contains("param 'k' changed from 5 to 10"));
  CHECK(w.resumeLabel()->isVisibleTo(&w));
  CHECK(w.resumeLabel()->text().contains("removed (state dropped): old"));

  // An edit that makes it compatible again takes the badge off at once.
  w.model().setParam("top", "k", 5);
  CHECK(w.scene()->nodeItem("top")->resumeBadge() == ResumeBadge::StateKept);

  // A pipeline without a checkpoint directory has neither.
  REQUIRE(w.openFile(SLUICE_SOURCE_DIR "/pipelines/quickstart.json", true));
  CHECK(w.scene()->nodeItem("readings")->resumeBadge() == ResumeBadge::None);
  CHECK_FALSE(w.resumeLabel()->isVisibleTo(&w));
}

TEST_CASE("Run offers resume or a fresh start: cancel runs nothing, fresh resumes nothing",
          "[view][resume][run]") {
  auto dir = freshDir("choice");
  takeByHand(dir / "chk", 2, pipeline(dir / "chk"));
  MainWindow w(test::registry());
  REQUIRE(w.openFile(writePipeline(dir, pipeline(dir / "chk")), true));
  w.runController()->setSampleInterval(20);

  QString shown;
  {
    test::ModalAnswers answers({[&](QWidget* box) {
      if (auto* b = box->findChild<QPushButton*>("resume")) shown = b->text() + "\n";
      if (auto* b = box->findChild<QPushButton*>("fresh")) shown += b->text() + "\n";
      shown += qobject_cast<QMessageBox*>(box)->text();
      qobject_cast<QMessageBox*>(box)->button(QMessageBox::Cancel)->click();
    }});
    w.action("run")->trigger();
    CHECK(answers.answered() == 1);
  }
  CHECK(shown.contains("Resume from checkpoint 2"));
  CHECK(shown.contains("Start fresh"));
  CHECK(shown.contains("4 nodes get their state back"));
  CHECK(w.runController()->state() == RunState::Idle);

  {
    test::ModalAnswers answers({clickNamed("fresh")});
    w.action("run")->trigger();
    CHECK(answers.answered() == 1);
  }
  const auto& options = w.runController()->runOptions();
  REQUIRE(options.checkpoints);
  CHECK(options.checkpoints->dir == dir / "chk");
  CHECK_FALSE(options.checkpoints->resume_from);
  // While the run is on, the badges (what a resume would keep) are off.
  CHECK(w.scene()->nodeItem("gen")->resumeBadge() == ResumeBadge::None);
  REQUIRE(QTest::qWaitFor([&] { return !w.runController()->isActive(); }, 30000));
  CHECK(w.runController()->state() == RunState::Finished);
  CHECK(w.logDock()->text()->toPlainText().contains("Starting fresh"));
}

TEST_CASE("Resume starts the run from a real checkpoint with the incompatible nodes reset",
          "[view][resume][run]") {
  auto dir = freshDir("real");
  const auto chk = dir / "chk";
  {
    // A run that is stopped with a savepoint part way: a real checkpoint.
    auto c = core::pipeline::check(
      core::pipeline::pipeline_document::from_json(pipeline(chk, 200000, 20000)), test::registry());
    REQUIRE(c.ok());
    exec::run_options options;
    options.checkpoints = exec::checkpoint_settings{chk, std::chrono::milliseconds(100), {}, {}};
    exec::pipeline_run run(std::move(c), options);
    REQUIRE(QTest::qWaitFor([&] { return run.checkpoints().completed >= 1; }, 30000));
    REQUIRE(run.stop_with_savepoint(std::chrono::seconds(20)));
    REQUIRE(run.wait_for(std::chrono::seconds(20)));
  }
  REQUIRE(checkpoint::store(chk).latest());

  // Edited: top keeps more keys (incompatible), the generator is no longer
  // paced (a rate does not shape state).
  auto edited = pipeline(chk, 200000, 0);
  edited["nodes"][2]["params"]["k"] = 10;
  MainWindow w(test::registry());
  REQUIRE(w.openFile(writePipeline(dir, edited), true));
  w.runController()->setSampleInterval(20);
  REQUIRE(w.resumeCheck()->canResume());
  const auto id = w.resumeCheck()->checkpointId();
  CHECK(w.scene()->nodeItem("top")->resumeBadge() == ResumeBadge::WillReset);

  QString text;
  {
    test::ModalAnswers answers({clickNamed("resume", &text)});
    w.action("run")->trigger();
    CHECK(answers.answered() == 1);
  }
  CHECK(text.contains("top: param 'k' changed from 5 to 10"));
  const auto& options = w.runController()->runOptions();
  REQUIRE(options.checkpoints);
  REQUIRE(options.checkpoints->resume_from);
  CHECK(*options.checkpoints->resume_from == id);
  CHECK(options.checkpoints->reset_state == std::set<std::string>{"top"});
  REQUIRE(QTest::qWaitFor([&] { return !w.runController()->isActive(); }, 60000));
  INFO(w.logDock()->text()->toPlainText().toStdString());
  CHECK(w.runController()->state() == RunState::Finished);
  CHECK(
    w.logDock()->text()->toPlainText().contains(QString("Resuming from checkpoint %1").arg(id)));
  // The generator went on from where the savepoint left it: fewer than its
  // 200 000 records in this run.
  const auto* last = w.runController()->latest();
  REQUIRE(last);
  REQUIRE_FALSE(last->nodes.empty());
  CHECK(last->nodes.front().node == "gen");
  CHECK(last->nodes.front().records_out > 0);
  CHECK(last->nodes.front().records_out < 200000);
}
