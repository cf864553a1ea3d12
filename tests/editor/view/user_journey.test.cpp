#include <catch2/catch.hpp>

// The editor's "done when": from an empty window, a user builds
// pipelines/quickstart.json with the mouse (palette drops, port-to-port
// drags), types the params into the property panel, saves through the
// file dialog, and runs it in-process while frames arrive.

#include <QDir>
#include <QDragEnterEvent>
#include <QDropEvent>
#include <QFile>
#include <QFileDialog>
#include <QLineEdit>
#include <QMimeData>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSpinBox>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTimer>

#include <fstream>
#include <sstream>

#include "app/main_window.hpp"
#include "run/run_controller.hpp"
#include "view/expression_edit.hpp"
#include "view/expression_map_edit.hpp"
#include "view/log_dock.hpp"
#include "view/node_item.hpp"
#include "view/palette_dock.hpp"
#include "view/port_item.hpp"
#include "view/property_panel.hpp"
#include "view_helpers.hpp"

using namespace sluice;
using namespace sluice::editor::app;
using namespace sluice::editor::run;
using namespace sluice::editor::view;

namespace {

std::string readFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

/// Drags `kind` from the palette and drops it on the canvas at `local`
/// (viewport coordinates) with the mime data the palette's drag carries.
QString dropFromPalette(MainWindow& w, const QString& kind, QPoint local) {
  QTreeWidgetItem* item = w.palette()->itemForKind(kind);
  REQUIRE(item);
  std::unique_ptr<QMimeData> data(w.palette()->tree()->mimeData({item}));
  REQUIRE(data);
  QWidget* viewport = w.view()->viewport();
  QDragEnterEvent enter(local, Qt::CopyAction, data.get(), Qt::LeftButton, Qt::NoModifier);
  QApplication::sendEvent(viewport, &enter);
  REQUIRE(enter.isAccepted());
  QDragMoveEvent move(local, Qt::CopyAction, data.get(), Qt::LeftButton, Qt::NoModifier);
  QApplication::sendEvent(viewport, &move);
  QDropEvent drop(local, Qt::CopyAction, data.get(), Qt::LeftButton, Qt::NoModifier);
  QApplication::sendEvent(viewport, &drop);
  const QStringList selected = w.scene()->selectedNodeIds();
  REQUIRE(selected.size() == 1);
  return selected.front();
}

/// Presses on `from`, moves in steps, releases on `to` (scene coordinates).
void mouseDrag(MainWindow& w, QPointF from, QPointF to) {
  PipelineView* view = w.view();
  QWidget* viewport = view->viewport();
  const QPoint a = view->mapFromScene(from), b = view->mapFromScene(to);
  REQUIRE(viewport->rect().contains(a));
  REQUIRE(viewport->rect().contains(b));
  QTest::mousePress(viewport, Qt::LeftButton, {}, a);
  for (int i = 1; i <= 6; ++i) QTest::mouseMove(viewport, a + (b - a) * i / 6);
  QTest::mouseRelease(viewport, Qt::LeftButton, {}, b);
}

/// Clicks the node's header, as a user selects it for the property panel.
void clickNode(MainWindow& w, const QString& id) {
  NodeItem* n = w.scene()->nodeItem(id);
  REQUIRE(n);
  QTest::mouseClick(w.view()->viewport(), Qt::LeftButton, {},
                    w.view()->mapFromScene(n->pos() + QPointF(50, 12)));
  REQUIRE(w.propertyPanel()->nodeId() == id);
}

/// Replaces a spin box's text by typing, as a user does.
void typeInto(QSpinBox* box, const QString& text) {
  REQUIRE(box);
  QTest::keyClick(box, Qt::Key_A, Qt::ControlModifier);
  QTest::keyClicks(box, text);
  QTest::keyClick(box, Qt::Key_Tab);
}

/// Types a new id into the panel's id field and presses Return.
void rename(MainWindow& w, const QString& id) {
  auto* edit = w.propertyPanel()->form()->findChild<QLineEdit*>("node:id");
  REQUIRE(edit);
  edit->setFocus();
  edit->selectAll();
  QTest::keyClicks(edit, id);
  QTest::keyClick(edit, Qt::Key_Return);
  REQUIRE(w.propertyPanel()->nodeId() == id);
}

/// Double-clicks a table cell, types `text` into its editor and commits.
void editCell(QTableWidget* table, int row, int column, const QString& text) {
  QTableWidgetItem* item = table->item(row, column);
  REQUIRE(item);
  const QRect cell = table->visualItemRect(item);
  QTest::mouseClick(table->viewport(), Qt::LeftButton, {}, cell.center());
  QTest::mouseDClick(table->viewport(), Qt::LeftButton, {}, cell.center());
  auto* editor = table->viewport()->findChild<QLineEdit*>();
  REQUIRE(editor);
  editor->selectAll();
  QTest::keyClicks(editor, text);
  QTest::keyClick(editor, Qt::Key_Return); // the delegate commits on the next event loop turn
  REQUIRE(QTest::qWaitFor([&] { return table->item(row, column)->text() == text; }, 2000));
}

} // namespace

TEST_CASE("a user builds the quickstart from an empty canvas with the mouse, saves it and runs it",
          "[view][journey]") {
  // The sink writes out/quickstart.jsonl relative to the working directory.
  QTemporaryDir dir;
  REQUIRE(dir.isValid());
  const QString oldCwd = QDir::currentPath();
  REQUIRE(QDir::setCurrent(dir.path()));
  struct Restore {
    QString path;
    ~Restore() { QDir::setCurrent(path); }
  } restore{oldCwd};

  MainWindow w(test::registry());
  w.show();
  REQUIRE(QTest::qWaitForWindowExposed(&w));
  REQUIRE(w.model().nodeIds().isEmpty());

  // 1. Four operators dragged from the palette onto the canvas.
  const QSize vp = w.view()->viewport()->size();
  auto spot = [&](double fx, double fy) {
    return QPoint(int(vp.width() * fx), int(vp.height() * fy));
  };
  const QString gen = dropFromPalette(w, "source.generator", spot(0.04, 0.08));
  const QString filter = dropFromPalette(w, "transform.filter", spot(0.52, 0.08));
  const QString map = dropFromPalette(w, "transform.map", spot(0.04, 0.55));
  const QString file = dropFromPalette(w, "sink.file", spot(0.52, 0.55));
  CHECK(w.model().nodeIds() == QStringList{gen, filter, map, file});
  CHECK(w.model().node(gen)->kind == "source.generator");
  CHECK(w.model().node(file)->kind == "sink.file");

  // 2. Three connections, each a drag from an output port to an input port.
  auto port = [&](const QString& id, bool output) {
    NodeItem* n = w.scene()->nodeItem(id);
    REQUIRE(n);
    PortItem* p = output ? n->outputPort("out") : n->inputPort("in");
    REQUIRE(p);
    return p->anchor();
  };
  mouseDrag(w, port(gen, true), port(filter, false));
  mouseDrag(w, port(filter, true), port(map, false));
  mouseDrag(w, port(map, true), port(file, false));
  REQUIRE(w.model().edges().size() == 3);

  // 3. The params, typed into the property panel; ids as in the quickstart.
  PropertyPanel* panel = w.propertyPanel();
  clickNode(w, gen);
  typeInto(qobject_cast<QSpinBox*>(panel->editorFor("count")), "1000000");
  typeInto(qobject_cast<QSpinBox*>(panel->editorFor("keys")), "100");
  rename(w, "readings");

  clickNode(w, filter);
  auto* where = qobject_cast<ExpressionEdit*>(panel->editorFor("where"));
  REQUIRE(where);
  QTest::keyClicks(where->editor(), "value >= 90");
  rename(w, "high");

  clickNode(w, map);
  auto* set = qobject_cast<ExpressionMapEdit*>(panel->editorFor("set"));
  REQUIRE(set);
  QPushButton* add = nullptr;
  for (QPushButton* b : set->findChildren<QPushButton*>())
    if (b->text() == "Add") add = b;
  REQUIRE(add);
  QTest::mouseClick(add, Qt::LeftButton);
  REQUIRE(set->table()->rowCount() == 1);
  editCell(set->table(), 0, 0, "double_value");
  editCell(set->table(), 0, 1, "value * 2");
  rename(w, "doubled");

  clickNode(w, file);
  QWidget* pathBox = panel->editorFor("path");
  REQUIRE(pathBox);
  auto* path = pathBox->findChild<QLineEdit*>();
  REQUIRE(path);
  QTest::keyClicks(path, "out/quickstart.jsonl");
  rename(w, "out");

  CHECK(w.model().problems().empty());

  // 4. Ctrl+S on an untitled pipeline asks for a file: type its name.
  const QString saved = dir.filePath("mine.json");
  bool dialogSeen = false;
  QTimer poll;
  poll.setInterval(20);
  QObject::connect(&poll, &QTimer::timeout, [&] {
    auto* dialog = qobject_cast<QFileDialog*>(QApplication::activeModalWidget());
    if (!dialog) return;
    poll.stop();
    dialogSeen = true;
    auto* name = dialog->findChild<QLineEdit*>("fileNameEdit");
    if (name) {
      name->clear();
      QTest::keyClicks(name, dir.filePath("mine")); // no suffix: .json is added
      QTest::keyClick(name, Qt::Key_Return);
    }
    if (dialog->isVisible()) { // a dialog without the usual line edit
      dialog->selectFile(saved);
      QMetaObject::invokeMethod(dialog, "accept");
    }
  });
  poll.start();
  w.action("save")->trigger();
  poll.stop();
  CHECK(dialogSeen);
  REQUIRE(QFile::exists(saved));
  CHECK(w.model().filePath() == saved);
  CHECK_FALSE(w.model().isDirty());

  // 5. The file validates and is the quickstart: nodes, params, edges.
  const auto mine = core::pipeline::pipeline_document::parse(readFile(saved.toStdString()));
  CHECK(core::pipeline::check(mine, test::registry()).ok());
  const auto quickstart = core::pipeline::pipeline_document::parse(
    readFile(SLUICE_SOURCE_DIR "/pipelines/quickstart.json"));
  REQUIRE(mine.nodes.size() == quickstart.nodes.size());
  for (std::size_t i = 0; i < mine.nodes.size(); ++i) {
    const core::pipeline::node_spec& a = mine.nodes[i];
    const core::pipeline::node_spec& b = quickstart.nodes[i];
    INFO("node " << b.id);
    CHECK(a.id == b.id);
    CHECK(a.kind == b.kind);
    // Same params; the quickstart spells out a default ("format": "jsonl")
    // that the panel leaves unset.
    const core::descriptor* d = test::registry().find(b.kind);
    REQUIRE(d);
    for (const core::property_spec& p : d->properties) {
      auto effective = [&](const core::pipeline::node_spec& n) {
        auto it = n.params.find(p.name);
        return it == n.params.end() ? p.default_value : *it;
      };
      INFO("param " << p.name);
      CHECK(effective(a) == effective(b));
    }
    for (auto it = a.params.begin(); it != a.params.end(); ++it) CHECK(b.params.contains(it.key()));
  }
  REQUIRE(mine.edges.size() == quickstart.edges.size());
  for (std::size_t i = 0; i < mine.edges.size(); ++i) {
    CHECK(mine.edges[i].from.node == quickstart.edges[i].from.node);
    CHECK(mine.edges[i].to.node == quickstart.edges[i].to.node);
  }

  // 6. Run: frames arrive, and the filter sees all 1 000 000 records.
  w.runController()->setSampleInterval(50);
  int frames = 0;
  std::uint64_t filterIn = 0;
  QObject counter; // not the window: Run rewires the window's own connections
  QObject::connect(w.runController(), &RunController::frameSampled, &counter,
                   [&](const observe::metrics_frame& f) {
                     ++frames;
                     for (const auto& n : f.nodes)
                       if (n.node == "high") filterIn = n.records_in;
                   });
  w.action("run")->trigger();
  REQUIRE(QTest::qWaitFor([&] { return w.runController()->state() == RunState::Finished; }, 60000));
  INFO("log: " << w.logDock()->text()->toPlainText().toStdString());
  CHECK(w.logDock()->text()->toPlainText().contains("finished"));
  CHECK(frames >= 2);
  CHECK(filterIn == 1000000);
  CHECK(w.scene()->nodeItem("high")->live().active);
  CHECK(QFileInfo(dir.filePath("out/quickstart.jsonl")).size() > 0);
}
