#include <catch2/catch.hpp>

#include <QElapsedTimer>
#include <QImage>
#include <QPainter>

#include "app/document_layout.hpp"
#include "view/node_item.hpp"
#include "view_helpers.hpp"

using namespace sluice;
using namespace sluice::editor::app;
using namespace sluice::editor::model;
using namespace sluice::editor::view;

namespace {
/// 100 chains of five nodes: 500 nodes, 400 edges, no layout.
QString bigPipeline() {
  nlohmann::json nodes = nlohmann::json::array(), edges = nlohmann::json::array();
  for (int c = 0; c < 100; ++c) {
    const std::string n = std::to_string(c);
    nodes.push_back({{"id", "g" + n}, {"kind", "source.generator"}, {"params", {{"count", 10}}}});
    nodes.push_back(
      {{"id", "f" + n}, {"kind", "transform.filter"}, {"params", {{"where", "value > 10"}}}});
    nodes.push_back(
      {{"id", "m" + n}, {"kind", "transform.map"}, {"params", {{"set", {{"v2", "value * 2"}}}}}});
    nodes.push_back(
      {{"id", "h" + n}, {"kind", "transform.filter"}, {"params", {{"where", "v2 > 3"}}}});
    nodes.push_back({{"id", "o" + n}, {"kind", "sink.null"}});
    for (const char* p : {"g|f", "f|m", "m|h", "h|o"})
      edges.push_back({{"from", std::string(1, p[0]) + n}, {"to", std::string(1, p[2]) + n}});
  }
  nlohmann::json doc = {
    {"schemaVersion", 1}, {"name", "big"}, {"description", ""}, {"nodes", nodes}, {"edges", edges}};
  return QString::fromStdString(doc.dump());
}
} // namespace

TEST_CASE("a 500-node pipeline opens, lays out and draws", "[view][big]") {
  QElapsedTimer timer;
  timer.start();
  PipelineModel model(test::registry());
  REQUIRE(model.loadText(bigPipeline()).isEmpty());
  const qint64 loaded = timer.elapsed();
  ensureLayout(model);
  const qint64 laidOut = timer.elapsed();
  PipelineScene scene(model);
  PipelineView view(&scene);
  view.resize(1400, 900);
  view.show();
  (void)QTest::qWaitForWindowExposed(&view);
  view.fitToView();
  const qint64 built = timer.elapsed();
  QImage frame(view.viewport()->size(), QImage::Format_ARGB32_Premultiplied);
  QPainter painter(&frame);
  view.render(&painter);
  painter.end();
  const qint64 painted = timer.elapsed();
  // Reported, not asserted (docs/ARCHITECTURE.md §9: no wall-clock asserts).
  WARN("500 nodes: load " << loaded << " ms, layout " << laidOut - loaded << " ms, scene "
                          << built - laidOut << " ms, first paint " << painted - built << " ms");
  CHECK(scene.nodeItems().size() == 500);
  CHECK(model.problems().empty());
  // Zooming and panning stay cheap: items are cached, the index is a BSP tree.
  CHECK(scene.itemIndexMethod() == QGraphicsScene::BspTreeIndex);
  CHECK(scene.nodeItem("g0")->cacheMode() == QGraphicsItem::DeviceCoordinateCache);
  CHECK(view.viewportUpdateMode() == QGraphicsView::SmartViewportUpdate);
}
