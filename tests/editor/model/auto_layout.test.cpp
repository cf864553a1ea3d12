#include <catch2/catch.hpp>

#include <QRectF>
#include <QUndoStack>

#include "model/auto_layout.hpp"
#include "model/model_helpers.hpp"

using namespace sluice;
using namespace sluice::test;
using editor::model::NodeEdge;
using editor::model::PipelineModel;

namespace {

/// Two sources each feeding the other's natural partner: in document order
/// (a1 over a2, b1 over b2, c1 over c2) every pair of layers crosses.
const QStringList crossingNodes = {"a1", "a2", "b1", "b2", "c1", "c2"};
const std::vector<NodeEdge> crossingEdges = {
  {"a1", "b2"}, {"a2", "b1"}, {"b1", "c2"}, {"b2", "c1"}, {"a1", "c2"}};

/// Layers by longest path, rows in document order: the naive drawing.
QHash<QString, QPointF> naiveLayout() {
  return {{"a1", {0, 0}},     {"a2", {0, 120}}, {"b1", {240, 0}},
          {"b2", {240, 120}}, {"c1", {480, 0}}, {"c2", {480, 120}}};
}

} // namespace

TEST_CASE("the layered layout removes the crossings document order has", "[layout]") {
  REQUIRE(editor::model::countCrossings(crossingEdges, naiveLayout()) > 0);
  auto placed = editor::model::layeredLayout(crossingNodes, crossingEdges);
  REQUIRE(placed.size() == 6);
  CHECK(editor::model::countCrossings(crossingEdges, placed) == 0);
  // Left to right by longest path.
  CHECK(placed["a1"].x() == 0);
  CHECK(placed["a2"].x() == 0);
  CHECK(placed["b1"].x() == 240);
  CHECK(placed["c2"].x() == 480);
}

TEST_CASE("the layered layout puts every node of a chain in its own layer, cycles too",
          "[layout]") {
  auto placed = editor::model::layeredLayout({"x", "y", "z"}, {{"x", "y"}, {"y", "z"}, {"z", "y"}});
  REQUIRE(placed.size() == 3);
  CHECK(placed["x"].x() < placed["y"].x());
  CHECK(placed["y"].x() < placed["z"].x());
}

TEST_CASE("auto-layout of the model is one undo step and touches only the layout", "[model]") {
  std::string text = R"({"schemaVersion": 1, "nodes": [
    {"id": "a1", "kind": "source.generator"}, {"id": "a2", "kind": "source.generator"},
    {"id": "b1", "kind": "sink.null"}, {"id": "b2", "kind": "sink.null"}],
    "edges": [{"from": "a1", "to": "b2"}, {"from": "a2", "to": "b1"}],
    "layout": {"a1": {"x": 0, "y": 0}, "a2": {"x": 0, "y": 120},
               "b1": {"x": 240, "y": 0}, "b2": {"x": 240, "y": 120}}})";
  PipelineModel model(registry());
  REQUIRE(model.loadText(QString::fromStdString(text)).isEmpty());
  std::vector<NodeEdge> edges = {{"a1", "b2"}, {"a2", "b1"}};
  auto positions = [&] {
    QHash<QString, QPointF> out;
    for (const auto& id : model.nodeIds()) out[id] = model.position(id);
    return out;
  };
  REQUIRE(editor::model::countCrossings(edges, positions()) == 1);
  auto before = dumpOf(model);
  int steps = model.undoStack()->count();

  model.autoLayout();
  CHECK(model.undoStack()->count() == steps + 1);
  CHECK(editor::model::countCrossings(edges, positions()) == 0);
  auto json = model.document().to_json();
  auto old = core::pipeline::pipeline_document::parse(text).to_json();
  json.erase("layout");
  old.erase("layout");
  CHECK(json == old);
  model.undoStack()->undo();
  CHECK(dumpOf(model) == before);
}

namespace {
bool overlaps(const QHash<QString, QPointF>& at, const editor::model::NodeSizes& sizes,
              const QString& a, const QString& b) {
  return QRectF(at[a], sizes.value(a)).intersects(QRectF(at[b], sizes.value(b)));
}
} // namespace

TEST_CASE("the layered layout gives tall and wide nodes room so nothing overlaps", "[layout]") {
  // A route with many outputs is much taller than a row, and a wide node
  // is wider than a layer step: both push their neighbours away.
  const QStringList nodes = {"src", "route", "other", "wide", "a", "b", "c", "sink"};
  const std::vector<NodeEdge> edges = {{"src", "route"},  {"src", "other"}, {"src", "wide"},
                                       {"route", "a"},    {"route", "b"},   {"route", "c"},
                                       {"other", "sink"}, {"wide", "sink"}};
  editor::model::NodeSizes sizes;
  for (const QString& id : nodes) sizes.insert(id, QSizeF(180, 60));
  sizes["route"] = QSizeF(180, 420);
  sizes["wide"] = QSizeF(400, 60);

  auto plain = editor::model::layeredLayout(nodes, edges);
  bool plainOverlaps = false;
  for (const QString& a : nodes)
    for (const QString& b : nodes)
      if (a < b && overlaps(plain, sizes, a, b)) plainOverlaps = true;
  REQUIRE(plainOverlaps); // the fixed gaps are too small for these nodes

  auto placed = editor::model::layeredLayout(nodes, edges, {}, sizes);
  REQUIRE(placed.size() == nodes.size());
  for (const QString& a : nodes)
    for (const QString& b : nodes)
      if (a < b) {
        INFO(a.toStdString() << " and " << b.toStdString());
        CHECK_FALSE(overlaps(placed, sizes, a, b));
      }
  // Still left to right, and the next layer starts right of the wide node.
  CHECK(placed["src"].x() < placed["route"].x());
  CHECK(placed["route"].x() < placed["a"].x());
  CHECK(placed["a"].x() >= placed["wide"].x() + 400);
}

TEST_CASE("the layered layout without sizes keeps the plain layer and row steps", "[layout]") {
  auto placed = editor::model::layeredLayout({"x", "y", "z"}, {{"x", "y"}, {"x", "z"}});
  CHECK(placed["x"].x() == 0);
  CHECK(placed["y"].x() == 240);
  CHECK(std::abs(placed["y"].y() - placed["z"].y()) == 120);
  CHECK(placed["x"].y() == 60); // centred on the taller layer
}

TEST_CASE("auto-layout of the model asks the size provider for each node", "[model]") {
  std::string text = R"({"schemaVersion": 1, "nodes": [
    {"id": "gen", "kind": "source.generator"}, {"id": "big", "kind": "sink.null"},
    {"id": "small", "kind": "sink.null"}],
    "edges": [{"from": "gen", "to": "big"}, {"from": "gen", "to": "small"}]})";
  PipelineModel model(registry());
  REQUIRE(model.loadText(QString::fromStdString(text)).isEmpty());
  QStringList asked;
  model.setNodeSizeProvider([&](const QString& id) {
    asked << id;
    return id == "big" ? QSizeF(200, 500) : QSizeF(200, 60);
  });
  model.autoLayout();
  asked.sort();
  CHECK(asked == QStringList{"big", "gen", "small"});
  const QRectF big(model.position("big"), QSizeF(200, 500));
  const QRectF small(model.position("small"), QSizeF(200, 60));
  CHECK_FALSE(big.intersects(small));
  model.setNodeSizeProvider({});
}
