#include <catch2/catch.hpp>

#include <QSignalSpy>
#include <QUndoStack>

#include <filesystem>

#include "model/model_helpers.hpp"
#include "run/resume_check.hpp"
#include "sluice/checkpoint/store.hpp"

using namespace sluice;
using editor::run::ResumeBadge;
using editor::run::ResumeCheck;
using editor::run::ResumeChoice;

namespace {

namespace fs = std::filesystem;

fs::path freshDir(const std::string& name) {
  auto dir = fs::path(SLUICE_BINARY_DIR) / "test-output" / "editor-resume" / name;
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

/// gen -> window -> top -> out, taking checkpoints into `dir`.
nlohmann::json pipeline(const fs::path& dir) {
  auto j = nlohmann::json::parse(R"J({
    "schemaVersion": 1,
    "name": "resume",
    "nodes": [
      {"id": "gen", "kind": "source.generator", "params": {"count": 1000}},
      {"id": "window", "kind": "window.tumbling",
       "params": {"size": "10s", "timestamp": "ts", "key": ["key"],
                  "aggregates": [{"fn": "count"}]}},
      {"id": "top", "kind": "synopsis.heavy_hitters", "params": {"key": "key", "k": 5}},
      {"id": "out", "kind": "sink.null"}
    ],
    "edges": [{"from": "gen", "to": "window"}, {"from": "window", "to": "top"},
              {"from": "top", "to": "out"}]
  })J");
  j["checkpoint"] = {{"dir", dir.string()}, {"interval", "2s"}};
  return j;
}

/// A complete checkpoint `id` of a run of `doc` in `dir` (each part 64 bytes).
void take(const fs::path& dir, std::uint64_t id, const nlohmann::json& doc) {
  checkpoint::store s(dir);
  checkpoint::checkpoint_info info;
  info.id = id;
  info.taken_ms = 1765116677000;
  info.duration_ms = 5;
  info.pipeline = doc;
  for (const auto& n : doc["nodes"]) {
    s.write_part(id, n["id"], 0, std::string(64, 'x'));
    info.nodes.push_back({n["id"], n["kind"], 1, {64}});
  }
  s.complete(info);
}

QString text(const nlohmann::json& j) { return QString::fromStdString(j.dump()); }

} // namespace

TEST_CASE("a pipeline whose checkpoint directory holds a checkpoint badges every node as kept",
          "[run][resume]") {
  auto dir = freshDir("kept");
  take(dir, 1, pipeline(dir));
  take(dir, 2, pipeline(dir));
  editor::model::PipelineModel model(test::registry());
  ResumeCheck check(model);
  REQUIRE(model.loadText(text(pipeline(dir))).isEmpty());
  REQUIRE(check.canResume());
  CHECK(check.checkpointId() == 2);
  for (const char* id : {"gen", "window", "top", "out"})
    CHECK(check.badge(id) == ResumeBadge::StateKept);
  CHECK(check.removedNodes().isEmpty());
  CHECK(check.resetNodes().isEmpty());
  CHECK(check.summary().startsWith("resume from checkpoint 2"));
  CHECK(check.checkpointText() == "checkpoint 2 (taken 2025-12-07 14:11:17 UTC, 256 B)");
}

TEST_CASE("edits re-plan at once: a new node, an incompatible param and a removed node",
          "[run][resume]") {
  auto dir = freshDir("edits");
  take(dir, 1, pipeline(dir));
  editor::model::PipelineModel model(test::registry());
  ResumeCheck check(model);
  REQUIRE(model.loadText(text(pipeline(dir))).isEmpty());
  QSignalSpy changed(&check, &ResumeCheck::changed);

  model.setParam("top", "k", 10);
  CHECK(changed.count() >= 1);
  CHECK(check.badge("top") == ResumeBadge::WillReset);
  CHECK(check.reasons("top") == "param 'k' changed from 5 to 10");
  CHECK(check.badge("window") == ResumeBadge::StateKept);

  const QString added = model.addNode("transform.filter", {100, 100});
  REQUIRE_FALSE(added.isEmpty());
  CHECK(check.badge(added) == ResumeBadge::New);

  model.removeNodes({"out"});
  CHECK(check.removedNodes() == QStringList{"out"});
  CHECK(check.badge("out") == ResumeBadge::None);
  CHECK(check.resetNodes() == QStringList{"top"});
  CHECK(check.summary().contains("will be reset: top"));
  CHECK(check.summary().contains("removed (state dropped): out"));
  CHECK(check.choiceText().contains("top: param 'k' changed from 5 to 10"));
  CHECK(check.choiceText().contains("The state of removed nodes is dropped: out."));

  // Undo brings the state back.
  model.undoStack()->undo();
  model.undoStack()->undo();
  model.undoStack()->undo();
  CHECK(check.badge("top") == ResumeBadge::StateKept);
  CHECK(check.removedNodes().isEmpty());
}

TEST_CASE("resume resets the incompatible nodes and starts from the checkpoint, fresh does not",
          "[run][resume]") {
  auto dir = freshDir("choice");
  take(dir, 4, pipeline(dir));
  editor::model::PipelineModel model(test::registry());
  ResumeCheck check(model);
  auto edited = pipeline(dir);
  edited["nodes"][2]["params"]["k"] = 7;
  REQUIRE(model.loadText(text(edited)).isEmpty());

  auto resume = check.settings(ResumeChoice::Resume);
  REQUIRE(resume);
  CHECK(resume->dir == dir);
  CHECK(resume->interval == std::chrono::milliseconds(2000));
  REQUIRE(resume->resume_from);
  CHECK(*resume->resume_from == 4);
  CHECK(resume->reset_state == std::set<std::string>{"top"});

  auto fresh = check.settings(ResumeChoice::Fresh);
  REQUIRE(fresh);
  CHECK(fresh->dir == dir);
  CHECK_FALSE(fresh->resume_from);
  CHECK(fresh->reset_state.empty());
}

TEST_CASE("nothing to resume: no directory, no complete checkpoint, or a finished run",
          "[run][resume]") {
  editor::model::PipelineModel model(test::registry());
  ResumeCheck check(model);
  REQUIRE(model.loadText(test::chainText()).isEmpty());
  CHECK_FALSE(check.hasCheckpointDir());
  CHECK_FALSE(check.canResume());
  CHECK(check.summary().isEmpty());
  CHECK_FALSE(check.settings(ResumeChoice::Resume));
  CHECK(check.badge("gen") == ResumeBadge::None);

  auto dir = freshDir("nothing");
  REQUIRE(model.loadText(text(pipeline(dir / "not-yet"))).isEmpty());
  CHECK(check.hasCheckpointDir());
  CHECK_FALSE(check.canResume());
  CHECK(check.summary().contains("no checkpoint in"));
  auto settings = check.settings(ResumeChoice::Resume);
  REQUIRE(settings); // the run takes checkpoints, from scratch
  CHECK_FALSE(settings->resume_from);

  // An incomplete checkpoint (no metadata) is nothing to resume from.
  checkpoint::store(dir).write_part(1, "gen", 0, "x");
  REQUIRE(model.loadText(text(pipeline(dir))).isEmpty());
  CHECK_FALSE(check.canResume());
  CHECK(check.summary().contains("no complete checkpoint"));

  // A checkpoint appears (a run elsewhere): refresh() reads the directory.
  take(dir, 2, pipeline(dir));
  CHECK_FALSE(check.canResume());
  check.refresh();
  CHECK(check.canResume());

  checkpoint::store(dir).mark_finished(1765116680000, 2);
  check.refresh();
  CHECK_FALSE(check.canResume());
  CHECK(check.summary().contains("finished"));
  CHECK(check.badge("gen") == ResumeBadge::None);
}

TEST_CASE("a checkpoint whose stored pipeline is damaged cannot be resumed and says why",
          "[run][resume]") {
  auto dir = freshDir("damaged");
  auto doc = pipeline(dir);
  checkpoint::store s(dir);
  checkpoint::checkpoint_info info;
  info.id = 1;
  info.pipeline = {{"schemaVersion", 1}};
  s.write_part(1, "gen", 0, "x");
  s.complete(info);
  editor::model::PipelineModel model(test::registry());
  ResumeCheck check(model);
  REQUIRE(model.loadText(text(doc)).isEmpty());
  CHECK_FALSE(check.canResume());
  CHECK(check.summary().contains("checkpoint 1"));
  CHECK(check.summary().contains("damaged"));
}
