#include <catch2/catch.hpp>

#include <QGraphicsSceneHoverEvent>
#include <QSignalSpy>
#include <QUndoStack>

#include "view/edge_item.hpp"
#include "view/node_item.hpp"
#include "view/port_item.hpp"
#include "view_helpers.hpp"

using namespace sluice;
using namespace sluice::editor::model;
using namespace sluice::editor::view;

namespace {
bool hasEdge(const PipelineModel& m, const QString& from, const QString& to) {
  for (const EdgeKey& e : m.edges())
    if (e.from == from && e.to == to) return true;
  return false;
}
} // namespace

TEST_CASE("dragging from an output port to an input port connects them", "[view][connect]") {
  test::Canvas c;
  PortItem* out = c.scene->nodeItem("f")->outputPort("out");
  PortItem* in = c.scene->nodeItem("m")->inputPort("in");
  REQUIRE(out);
  REQUIRE(in);
  QSignalSpy refused(c.scene.get(), &PipelineScene::connectionRefused);

  c.drag(out->anchor(), in->anchor());

  CHECK(refused.isEmpty());
  CHECK(hasEdge(c.model, "f", "m"));
  CHECK(c.scene->edgeItem({"f", "m"}) != nullptr);
  CHECK_FALSE(c.scene->isDrafting());
}

TEST_CASE("a draft connection follows the mouse while dragging", "[view][connect]") {
  test::Canvas c;
  PortItem* out = c.scene->nodeItem("f")->outputPort("out");
  const int before = c.scene->items().size();
  QTest::mousePress(c.viewport(), Qt::LeftButton, {}, c.at(out->anchor()));
  QTest::mouseMove(c.viewport(), c.at(out->anchor() + QPointF(80, 90)));
  CHECK(c.scene->isDrafting());
  CHECK(c.scene->items().size() == before + 1); // the draft path
  QTest::mouseRelease(c.viewport(), Qt::LeftButton, {}, c.at(out->anchor() + QPointF(80, 90)));
  CHECK_FALSE(c.scene->isDrafting());
  CHECK(c.scene->items().size() == before);
  CHECK(c.model.edges().size() == 2);
}

TEST_CASE("connecting the same ports twice is refused with the reason", "[view][connect]") {
  test::Canvas c;
  // gen.out -> f.in exists already.
  PortItem* from = c.scene->nodeItem("gen")->outputPort("out");
  PortItem* to = c.scene->nodeItem("f")->inputPort("in");
  const QString expected = c.model.connectionProblem("gen.out", "f.in");
  REQUIRE_FALSE(expected.isEmpty());
  QSignalSpy refused(c.scene.get(), &PipelineScene::connectionRefused);
  QSignalSpy status(c.scene.get(), &PipelineScene::statusMessage);

  c.drag(from->anchor(), to->anchor());

  REQUIRE(refused.size() == 1);
  CHECK(refused.at(0).at(0).toString() == expected);
  // Hovering told the reason before the release, and the status bar too.
  bool told = false;
  for (const auto& args : status) told = told || args.at(0).toString().contains(expected);
  CHECK(told);
  CHECK(c.model.edges().size() == 2);
  CHECK(c.scene->edgeItem({"gen", "f"}) != nullptr);
}

TEST_CASE("connecting a type mismatch is refused by the validator", "[view][connect]") {
  // The filter's condition needs `value` (an int) in its input: a string
  // source with no `value` field cannot feed it.
  test::Canvas c(QStringLiteral(R"({
    "schemaVersion": 1, "name": "t", "description": "",
    "nodes": [
      {"id": "gen", "kind": "source.generator", "params": {"count": 10}},
      {"id": "words", "kind": "transform.map", "params": {"set": {"value": "'text'"}}},
      {"id": "f", "kind": "transform.filter", "params": {"where": "value > 10"}}
    ],
    "edges": [{"from": "gen", "to": "words"}],
    "layout": {"gen": {"x": 0, "y": 0}, "words": {"x": 260, "y": 0}, "f": {"x": 520, "y": 150}}
  })"));
  QSignalSpy refused(c.scene.get(), &PipelineScene::connectionRefused);
  c.drag(c.scene->nodeItem("words")->outputPort("out")->anchor(),
         c.scene->nodeItem("f")->inputPort("in")->anchor());
  REQUIRE(refused.size() == 1);
  CHECK_FALSE(refused.at(0).at(0).toString().isEmpty());
  CHECK(c.model.edges().size() == 1);
}

TEST_CASE("moving nodes is one undoable model edit on release", "[view][move]") {
  test::Canvas c;
  NodeItem* m = c.scene->nodeItem("m");
  const QPointF start = m->pos();
  const int commands = c.model.undoStack()->count();
  const QPointF grab = m->pos() + QPointF(60, 12); // the header, away from ports

  c.drag(grab, grab + QPointF(100, 40));

  CHECK(c.model.position("m") == start + QPointF(100, 40));
  CHECK(c.model.undoStack()->count() == commands + 1);
  c.model.undoStack()->undo();
  CHECK(c.model.position("m") == start);
  CHECK(m->pos() == start);
}

TEST_CASE("the delete key removes the selected nodes and their edges", "[view][delete]") {
  test::Canvas c;
  c.scene->selectNode("f");
  c.view->setFocus();
  QTest::keyClick(c.view.get(), Qt::Key_Delete);
  CHECK_FALSE(c.model.node("f"));
  CHECK(c.scene->nodeItem("f") == nullptr);
  CHECK(c.model.edges().empty());
  CHECK(c.scene->edgeItem({"gen", "f"}) == nullptr);
  c.model.undoStack()->undo();
  CHECK(c.scene->nodeItem("f") != nullptr);
  CHECK(c.scene->edgeItem({"gen", "f"}) != nullptr);
}

TEST_CASE("rubber-band dragging on empty canvas selects the nodes it touches", "[view][select]") {
  test::Canvas c;
  const QRectF all = c.scene->contentRect();
  c.drag(all.topLeft() + QPointF(2, 2), QPointF(all.right() - 2, 120));
  const QStringList ids = c.scene->selectedNodeIds();
  CHECK(ids.contains("gen"));
  CHECK(ids.contains("f"));
  CHECK(ids.contains("out"));
}

TEST_CASE("hovering an edge shows its schema", "[view][edge]") {
  test::Canvas c;
  EdgeItem* e = c.scene->edgeItem({"gen", "f"});
  REQUIRE(e);
  const QString schema = c.model.edgeSchemaText({"gen", "f"});
  REQUIRE_FALSE(schema.isEmpty());
  // A hover as the scene would deliver it (QTest cannot hover offscreen).
  QGraphicsSceneHoverEvent hover(QEvent::GraphicsSceneHoverEnter);
  hover.setScenePos(e->path().pointAtPercent(0.5));
  c.scene->sendEvent(e, &hover);
  QString first = schema.section(',', 0, 0);
  CHECK(e->toolTip().contains(first));
}
