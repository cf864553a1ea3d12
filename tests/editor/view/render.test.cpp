#include <catch2/catch.hpp>

#include <QDir>
#include <QImage>

#include "app/document_layout.hpp"
#include "app/render_command.hpp"
#include "view/node_item.hpp"
#include "view/scene_render.hpp"
#include "view_helpers.hpp"

using namespace sluice;
using namespace sluice::editor::app;
using namespace sluice::editor::model;
using namespace sluice::editor::view;

namespace {
/// True when the image has more than background: some pixels differ.
bool hasDrawing(const QImage& image) {
  const QRgb background = image.pixel(0, 0);
  int different = 0;
  for (int y = 0; y < image.height(); y += 3)
    for (int x = 0; x < image.width(); x += 3)
      if (image.pixel(x, y) != background) ++different;
  return different > 200;
}

bool overlap(const NodeItem* a, const NodeItem* b) {
  return a->sceneBoundingRect()
    .adjusted(4, 14, -4, -4)
    .intersects(b->sceneBoundingRect().adjusted(4, 14, -4, -4));
}
} // namespace

/// The examples name their data relative to the repository root, as
/// `sluice run pipelines/x.json` run from there sees them.
struct InSourceDir {
  QString previous = QDir::currentPath();
  InSourceDir() { QDir::setCurrent(SLUICE_SOURCE_DIR); }
  ~InSourceDir() { QDir::setCurrent(previous); }
};

TEST_CASE("every example pipeline renders to a non-empty PNG", "[view][render]") {
  InSourceDir here;
  const QDir examples(SLUICE_SOURCE_DIR "/pipelines");
  const QStringList files = examples.entryList({"*.json"}, QDir::Files, QDir::Name);
  REQUIRE(files.size() >= 5);
  QDir out(SLUICE_BINARY_DIR);
  out.mkpath("editor-renders");
  for (const QString& f : files) {
    INFO(f.toStdString());
    const QString png = out.filePath("editor-renders/" + QString(f).replace(".json", ".png"));
    QFile::remove(png);
    CHECK(renderCommand(test::registry(), examples.filePath(f), png) == 0);
    QImage image(png);
    REQUIRE_FALSE(image.isNull());
    CHECK(image.width() > 200);
    CHECK(image.height() > 100);
    CHECK(hasDrawing(image));
    PipelineModel model(test::registry());
    REQUIRE(model.load(examples.filePath(f)).isEmpty());
    CHECK(model.problems().empty()); // so the picture shows no problem markers
  }
}

TEST_CASE("laid-out example pipelines have no overlapping nodes", "[view][render]") {
  InSourceDir here;
  const QDir examples(SLUICE_SOURCE_DIR "/pipelines");
  for (const QString& f : examples.entryList({"*.json"}, QDir::Files, QDir::Name)) {
    INFO(f.toStdString());
    PipelineModel model(test::registry());
    REQUIRE(model.load(examples.filePath(f)).isEmpty());
    ensureLayout(model);
    CHECK_FALSE(model.isDirty()); // an automatic layout is not a user's change
    PipelineScene scene(model);
    const auto nodes = scene.nodeItems();
    REQUIRE(nodes.size() == int(model.nodeIds().size()));
    for (int i = 0; i < nodes.size(); ++i)
      for (int j = i + 1; j < nodes.size(); ++j) {
        INFO(nodes[i]->id().toStdString() + " / " + nodes[j]->id().toStdString());
        CHECK_FALSE(overlap(nodes[i], nodes[j]));
      }
  }
}

TEST_CASE("rendering a missing file fails with exit code 2", "[view][render]") {
  CHECK(renderCommand(test::registry(), "/nonexistent/pipeline.json",
                      SLUICE_BINARY_DIR "/editor-renders/none.png")
        == 2);
}

TEST_CASE("auto-layout on a canvas makes room for a route with many outputs", "[view][layout]") {
  // Eight routes make the route node several rows tall; with fixed row
  // gaps its sibling in the same layer would sit on top of it.
  nlohmann::json routes = nlohmann::json::array();
  nlohmann::json nodes = {
    {{"id", "gen"}, {"kind", "source.generator"}},
    {{"id", "other"}, {"kind", "transform.filter"}, {"params", {{"where", "value > 1"}}}},
    {{"id", "tail"}, {"kind", "sink.null"}}};
  nlohmann::json edges = {{{"from", "gen"}, {"to", "split"}},
                          {{"from", "gen"}, {"to", "other"}},
                          {{"from", "other"}, {"to", "tail"}}};
  for (int i = 0; i < 8; ++i) {
    const std::string port = "p" + std::to_string(i);
    routes.push_back({{"port", port}, {"where", "value > " + std::to_string(i)}});
    nodes.push_back({{"id", "out" + std::to_string(i)}, {"kind", "sink.null"}});
    edges.push_back({{"from", "split." + port}, {"to", "out" + std::to_string(i)}});
  }
  nodes.push_back({{"id", "split"}, {"kind", "transform.route"}, {"params", {{"routes", routes}}}});
  const nlohmann::json doc = {{"schemaVersion", 1},
                              {"name", "routes"},
                              {"description", ""},
                              {"nodes", nodes},
                              {"edges", edges}};
  PipelineModel model(test::registry());
  REQUIRE(model.loadText(QString::fromStdString(doc.dump())).isEmpty());
  PipelineScene scene(model);
  REQUIRE(scene.nodeItem("split")->boundingRect().height() > 120); // taller than a row step
  model.autoLayout();
  const auto items = scene.nodeItems();
  for (int i = 0; i < items.size(); ++i)
    for (int j = i + 1; j < items.size(); ++j) {
      INFO(items[i]->id().toStdString() + " / " + items[j]->id().toStdString());
      CHECK_FALSE(overlap(items[i], items[j]));
    }
}
