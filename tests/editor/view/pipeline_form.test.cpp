#include <catch2/catch.hpp>

#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QUndoStack>

#include "app/main_window.hpp"
#include "view/property_panel.hpp"
#include "view_helpers.hpp"

using namespace sluice;
using namespace sluice::editor::app;
using namespace sluice::editor::model;
using namespace sluice::editor::view;

TEST_CASE("with nothing selected the property panel edits the pipeline's name and description",
          "[view][properties]") {
  PipelineModel model(test::registry());
  REQUIRE(model.loadText(test::canvasText()).isEmpty());
  PropertyPanel panel(model);
  panel.showNode({});
  auto* name = panel.form()->findChild<QLineEdit*>("pipeline:name");
  auto* description = panel.form()->findChild<QPlainTextEdit*>("pipeline:description");
  REQUIRE(name);
  REQUIRE(description);
  CHECK(name->text() == "canvas");

  name->selectAll();
  QTest::keyClicks(name, "clicks");
  CHECK(model.pipelineName() == "clicks");
  CHECK(model.undoStack()->count() == 1); // typing is one step
  description->setPlainText("Counts clicks per page");
  CHECK(model.pipelineDescription() == "Counts clicks per page");

  // Undo shows in the form (rebuilt, so look the fields up again).
  model.undoStack()->undo();
  model.undoStack()->undo();
  CHECK(model.pipelineName() == "canvas");
  name = panel.form()->findChild<QLineEdit*>("pipeline:name");
  REQUIRE(name);
  CHECK(name->text() == "canvas");
  CHECK(panel.form()->findChild<QPlainTextEdit*>("pipeline:description")->toPlainText().isEmpty());
}

TEST_CASE("the pipeline form counts nodes and edges and follows edits", "[view][properties]") {
  PipelineModel model(test::registry());
  REQUIRE(model.loadText(test::canvasText()).isEmpty());
  PropertyPanel panel(model);
  auto counts = [&] {
    auto* label = panel.form()->findChild<QLabel*>("pipeline:counts");
    return label ? label->text() : QString("(no counts)");
  };
  CHECK(counts() == "4 nodes, 2 edges");
  REQUIRE(model.addNode("sink.null", {800, 200}) == "null");
  REQUIRE(model.connect("m", "null").isEmpty());
  CHECK(counts() == "5 nodes, 3 edges");
  model.removeNodes({"null"});
  CHECK(counts() == "4 nodes, 2 edges");
  // Counts are read-only.
  CHECK(panel.form()->findChild<QLineEdit*>("pipeline:counts") == nullptr);
}

TEST_CASE("selecting nothing in the window shows the pipeline form", "[view][properties]") {
  MainWindow w(test::registry());
  REQUIRE(w.model().loadText(test::canvasText()).isEmpty());
  w.scene()->selectNode("f");
  CHECK(w.propertyPanel()->nodeId() == "f");
  CHECK(w.propertyPanel()->form()->findChild<QLineEdit*>("pipeline:name") == nullptr);
  w.scene()->clearSelection();
  CHECK(w.propertyPanel()->nodeId().isEmpty());
  auto* name = w.propertyPanel()->form()->findChild<QLineEdit*>("pipeline:name");
  REQUIRE(name);
  CHECK(name->text() == "canvas");
}
