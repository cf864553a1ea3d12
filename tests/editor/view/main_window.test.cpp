#include <catch2/catch.hpp>

#include <QAction>
#include <QClipboard>
#include <QDir>
#include <QListWidget>
#include <QPlainTextEdit>
#include <QTemporaryDir>
#include <QUndoStack>

#include "app/main_window.hpp"
#include "view/expression_edit.hpp"
#include "view/problems_dock.hpp"
#include "view/property_panel.hpp"
#include "view_helpers.hpp"

using namespace sluice;
using namespace sluice::editor::app;
using namespace sluice::editor::view;

TEST_CASE("the window title names the file and marks unsaved changes", "[view][window]") {
  MainWindow w(test::registry());
  REQUIRE(w.openFile(SLUICE_SOURCE_DIR "/pipelines/quickstart.json", true));
  CHECK(w.windowTitle().startsWith("quickstart.json[*]"));
  CHECK_FALSE(w.isWindowModified());
  w.model().setParam("readings", "count", 5);
  CHECK(w.isWindowModified());
  w.model().undoStack()->undo();
  CHECK_FALSE(w.isWindowModified());
}

TEST_CASE("a file without layout opens laid out and unmodified", "[view][window]") {
  MainWindow w(test::registry());
  REQUIRE(w.openFile(SLUICE_SOURCE_DIR "/pipelines/fraud_alerts.json", true));
  CHECK_FALSE(w.isWindowModified());
  CHECK(w.model().position("screen") != w.model().position("payments"));
}

TEST_CASE("copy and paste go through the system clipboard as JSON", "[view][window]") {
  MainWindow w(test::registry());
  REQUIRE(w.openFile(SLUICE_SOURCE_DIR "/pipelines/quickstart.json", true));
  const int before = w.model().nodeIds().size();
  w.scene()->selectNode("high");
  w.action("copy")->trigger();
  CHECK(QApplication::clipboard()->text().contains("transform.filter"));
  w.action("paste")->trigger();
  CHECK(w.model().nodeIds().size() == before + 1);
  CHECK(w.scene()->selectedNodeIds().size() == 1);
  CHECK(w.scene()->selectedNodeIds() != QStringList{"high"});
  w.action("duplicate")->trigger();
  CHECK(w.model().nodeIds().size() == before + 2);
  w.action("delete")->trigger();
  CHECK(w.model().nodeIds().size() == before + 1);
}

TEST_CASE("clicking a problem selects its node and the panel shows it", "[view][window]") {
  MainWindow w(test::registry());
  REQUIRE(w.openFile(SLUICE_SOURCE_DIR "/pipelines/quickstart.json", true));
  w.model().setParam("high", "where", "nope > 1");
  QListWidget* list = w.problemsDock()->list();
  REQUIRE(list->count() > 0);
  Q_EMIT list->itemClicked(list->item(0));
  CHECK(w.scene()->selectedNodeIds() == QStringList{"high"});
  CHECK(w.propertyPanel()->nodeId() == "high");
}

TEST_CASE("a screenshot of the window can be grabbed", "[view][window]") {
  MainWindow w(test::registry());
  REQUIRE(w.openFile(SLUICE_SOURCE_DIR "/pipelines/top_pages.json", true));
  w.resize(1400, 900);
  w.show();
  (void)QTest::qWaitForWindowExposed(&w);
  w.scene()->selectNode("per_minute");
  QApplication::processEvents();
  // The canvas was fitted once the view had its real size: nodes readable.
  CHECK(w.view()->zoom() > 0.5);
  const QImage shot = w.grab().toImage();
  CHECK_FALSE(shot.isNull());
  QDir(SLUICE_BINARY_DIR).mkpath("editor-renders");
  CHECK(shot.save(SLUICE_BINARY_DIR "/editor-renders/window.png"));
}

TEST_CASE("a screenshot of the property panel shows a marked expression error", "[view][window]") {
  MainWindow w(test::registry());
  REQUIRE(w.openFile(SLUICE_SOURCE_DIR "/pipelines/quickstart.json", true));
  w.resize(1400, 900);
  w.show();
  (void)QTest::qWaitForWindowExposed(&w);
  w.scene()->selectNode("high");
  auto* expr = qobject_cast<ExpressionEdit*>(w.propertyPanel()->editorFor("where"));
  REQUIRE(expr);
  expr->editor()->setPlainText("value >= 90 AND pricee < 3");
  QApplication::processEvents();
  CHECK(expr->errorColumn() == 17);
  CHECK(w.grab().save(SLUICE_BINARY_DIR "/editor-renders/window-expression.png"));
}
