#include <catch2/catch.hpp>

#include <QSignalSpy>
#include <QUndoStack>

#include "model/model_helpers.hpp"

using namespace sluice;
using namespace sluice::test;
using editor::model::EdgeKey;
using editor::model::PipelineModel;

namespace {

/// Undoes the last command and checks the document is `before`, then redoes
/// it and checks it is `after` again.
void checkUndoRedo(PipelineModel& model, const std::string& before) {
  auto after = dumpOf(model);
  REQUIRE(after != before);
  model.undoStack()->undo();
  CHECK(dumpOf(model) == before);
  model.undoStack()->redo();
  CHECK(dumpOf(model) == after);
}

} // namespace

TEST_CASE("adding a node gives it an id from its kind, a position and a signal, undoably",
          "[model]") {
  PipelineModel model(registry());
  REQUIRE(model.loadText(chainText()).isEmpty());
  QSignalSpy added(&model, &PipelineModel::nodeAdded);
  auto before = dumpOf(model);

  auto id = model.addNode("transform.filter", QPointF(100, 300));
  CHECK(id == "filter");
  CHECK(model.addNode("transform.filter", QPointF(0, 0)) == "filter_2");
  CHECK(model.addNode("no.such.kind", QPointF(0, 0)).isEmpty());
  CHECK(added.count() == 2);
  REQUIRE(model.node("filter"));
  CHECK(model.node("filter")->kind == "transform.filter");
  CHECK(model.position("filter") == QPointF(100, 300));
  CHECK(model.isDirty());
  // An unconnected filter without `where` is a problem, but a problem only.
  CHECK(!model.problemsOf("filter").empty());

  model.undoStack()->undo(); // filter_2
  checkUndoRedo(model, before);
  model.undoStack()->undo();
  CHECK(!model.isDirty());
  CHECK(model.nodeIds() == QStringList({"gen", "f", "m", "out"}));
}

TEST_CASE("removing nodes removes their edges and layout in one undo step", "[model]") {
  PipelineModel model(registry());
  REQUIRE(model.loadText(chainText()).isEmpty());
  QSignalSpy edgesGone(&model, &PipelineModel::edgeRemoved);
  QSignalSpy nodesGone(&model, &PipelineModel::nodeRemoved);
  auto before = dumpOf(model);
  int steps = model.undoStack()->count();

  model.removeNodes({"f", "out"});
  CHECK(model.undoStack()->count() == steps + 1);
  CHECK(model.nodeIds() == QStringList({"gen", "m"}));
  CHECK(model.edges().empty());
  CHECK(edgesGone.count() == 3);
  CHECK(nodesGone.count() == 2);
  CHECK(!model.document().layout.contains("f"));
  checkUndoRedo(model, before);
  model.undoStack()->undo();
  // Restored in their places: the document reads as it did.
  CHECK(model.documentText() == chainText());
}

TEST_CASE("moving nodes changes only the layout, and a drag is one undo step", "[model]") {
  PipelineModel model(registry());
  REQUIRE(model.loadText(chainText()).isEmpty());
  QSignalSpy moved(&model, &PipelineModel::nodeMoved);
  QSignalSpy problems(&model, &PipelineModel::problemsChanged);
  auto before = dumpOf(model);
  int steps = model.undoStack()->count();

  for (int x = 1; x <= 5; ++x) model.moveNodes({{"f", QPointF(240 + 10 * x, 7.4 * x)}});
  model.finishMove();
  CHECK(model.undoStack()->count() == steps + 1);
  CHECK(model.position("f") == QPointF(290, 37));
  CHECK(moved.count() == 5);
  CHECK(problems.count() == 0); // a move needs no re-check

  auto json = model.document().to_json();
  auto old = core::pipeline::pipeline_document::parse(chainText().toStdString()).to_json();
  json.erase("layout");
  old.erase("layout");
  CHECK(json == old);
  checkUndoRedo(model, before);

  model.moveNodes({{"f", QPointF(0, 500)}});
  CHECK(model.undoStack()->count() == steps + 2); // a new drag after finishMove
}

TEST_CASE("editing a param re-checks, and typing into one param is one undo step", "[model]") {
  PipelineModel model(registry());
  REQUIRE(model.loadText(chainText()).isEmpty());
  QSignalSpy changed(&model, &PipelineModel::nodeChanged);
  auto before = dumpOf(model);
  int steps = model.undoStack()->count();

  model.setParam("f", "where", "v");
  model.setParam("f", "where", "va");
  model.setParam("f", "where", "valu");
  CHECK(!model.problemsOf("f").empty()); // 'valu' is no field
  model.setParam("f", "where", "value > 50");
  CHECK(model.problems().empty());
  CHECK(model.undoStack()->count() == steps + 1);
  CHECK(changed.count() == 4);
  CHECK(model.node("f")->params["where"] == "value > 50");
  checkUndoRedo(model, before);

  // Another param, parallelism and on_error are steps of their own.
  model.setParam("gen", "count", 5);
  model.setParam("gen", "keys", nullptr); // absent: keeps the default
  model.setParallelism("m", 3);
  model.setOnError("m", "skip");
  CHECK(model.undoStack()->count() == steps + 4);
  CHECK(model.node("m")->parallelism == 3);
  CHECK(model.node("m")->on_error == "skip");
  auto beforeRemoval = dumpOf(model);
  model.setParam("gen", "count", nullptr);
  CHECK(!model.node("gen")->params.contains("count"));
  checkUndoRedo(model, beforeRemoval);
}

TEST_CASE("renaming a node rewrites its edges and layout, undoably", "[model]") {
  PipelineModel model(registry());
  REQUIRE(model.loadText(chainText()).isEmpty());
  QSignalSpy renamed(&model, &PipelineModel::nodeRenamed);
  auto before = dumpOf(model);

  CHECK(model.renameNode("f", "high").isEmpty());
  CHECK(renamed.count() == 1);
  CHECK(model.node("high"));
  CHECK(!model.node("f"));
  auto edges = model.edges();
  CHECK(edges[0] == EdgeKey{"gen", "high"});
  CHECK(edges[1] == EdgeKey{"high", "m"});
  CHECK(model.position("high") == QPointF(240, 0));
  CHECK(model.problems().empty());
  checkUndoRedo(model, before);

  CHECK(model.renameNode("high", "m") == "there is already a node 'm'");
  CHECK(model.renameNode("high", "a b").startsWith("'a b' is not a valid id"));
  CHECK(model.renameNode("nope", "x") == "there is no node 'nope'");
}

TEST_CASE("edge capacity and partition are edits of their own", "[model]") {
  PipelineModel model(registry());
  REQUIRE(model.loadText(chainText()).isEmpty());
  auto before = dumpOf(model);
  QSignalSpy changed(&model, &PipelineModel::edgeChanged);
  model.setEdgeCapacity({"f", "m"}, 100);
  CHECK(model.document().edges[1].capacity == 100);
  CHECK(changed.count() == 1);
  checkUndoRedo(model, before);
  model.setEdgePartition({"f", "m"}, "hash:key");
  CHECK(model.document().edges[1].partition == "hash:key");
  CHECK(model.problems().empty());
}

TEST_CASE("the dirty flag follows the undo stack and saving", "[model]") {
  PipelineModel model(registry());
  QSignalSpy dirty(&model, &PipelineModel::dirtyChanged);
  REQUIRE(model.loadText(chainText()).isEmpty());
  CHECK(!model.isDirty());
  model.setParallelism("f", 2);
  CHECK(model.isDirty());
  model.undoStack()->undo();
  CHECK(!model.isDirty());
  CHECK(dirty.count() >= 2);
  model.newDocument();
  CHECK(model.nodeIds().isEmpty());
  CHECK(!model.isDirty());
  CHECK(model.undoStack()->count() == 0);
}
