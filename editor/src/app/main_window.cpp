#include "app/main_window.hpp"

#include <QAction>
#include <QApplication>
#include <QClipboard>
#include <QCursor>
#include <QLabel>
#include <QMenuBar>
#include <QStatusBar>
#include <QToolBar>
#include <QUndoStack>

#include "model/pipeline_model.hpp"
#include "run/attach_controller.hpp"
#include "run/resume_check.hpp"
#include "run/run_controller.hpp"
#include "view/log_dock.hpp"
#include "view/metrics_dock.hpp"
#include "view/node_item.hpp"
#include "view/palette_dock.hpp"
#include "view/pipeline_scene.hpp"
#include "view/pipeline_view.hpp"
#include "view/problems_dock.hpp"
#include "view/property_panel.hpp"
#include "view/tap_dock.hpp"

namespace sluice::editor::app {

MainWindow::MainWindow(const core::registry& registry, QWidget* parent)
  : QMainWindow(parent), registry_(registry) {
  setObjectName("MainWindow");
  model_ = new model::PipelineModel(registry_, this);
  scene_ = new view::PipelineScene(*model_, this);
  view_ = new view::PipelineView(scene_, this);
  run_ = new run::RunController(this);
  attach_ = new run::AttachController(this);
  resume_ = new run::ResumeCheck(*model_, this);
  setCentralWidget(view_);
  createDocks();
  createActions();

  runLabel_ = new QLabel(tr("not running"), this);
  totalsLabel_ = new QLabel(this);
  resumeLabel_ = new QLabel(this);
  resumeLabel_->setObjectName("resumeLabel");
  statusBar()->addPermanentWidget(resumeLabel_);
  statusBar()->addPermanentWidget(totalsLabel_);
  statusBar()->addPermanentWidget(runLabel_);
  connect(scene_, &view::PipelineScene::statusMessage, this, [this](const QString& text) {
    if (text.isEmpty()) statusBar()->clearMessage();
    else statusBar()->showMessage(text, 8000);
  });
  connect(scene_, &view::PipelineScene::currentNodeChanged, this,
          &MainWindow::onCurrentNodeChanged);
  connect(scene_, &view::PipelineScene::edgeSelected, properties_, &view::PropertyPanel::showEdge);
  connect(scene_, &view::PipelineScene::edgeSelected, this,
          [this](const model::EdgeKey& edge) { tapEdge(edge.from, edge.to); });
  connect(model_, &model::PipelineModel::dirtyChanged, this, &MainWindow::updateTitle);
  connect(model_, &model::PipelineModel::filePathChanged, this, &MainWindow::updateTitle);
  connect(resume_, &run::ResumeCheck::changed, this, &MainWindow::showResume);
  showResume();
  watch(nullptr);
  updateRunActions(); // Stop is off until something runs
  updateTitle();
  updateRecentMenu();
  resize(1400, 900);
}

MainWindow::~MainWindow() = default;

void MainWindow::createDocks() {
  palette_ = new view::PaletteDock(registry_, this);
  properties_ = new view::PropertyPanel(*model_, this);
  problems_ = new view::ProblemsDock(*model_, this);
  log_ = new view::LogDock(this);
  metrics_ = new view::MetricsDock(this);
  tap_ = new view::TapDock(this);
  addDockWidget(Qt::LeftDockWidgetArea, palette_);
  addDockWidget(Qt::RightDockWidgetArea, properties_);
  addDockWidget(Qt::BottomDockWidgetArea, problems_);
  addDockWidget(Qt::BottomDockWidgetArea, log_);
  addDockWidget(Qt::BottomDockWidgetArea, metrics_);
  tabifyDockWidget(problems_, log_);
  tabifyDockWidget(log_, metrics_);
  addDockWidget(Qt::BottomDockWidgetArea, tap_);
  tabifyDockWidget(metrics_, tap_);
  tap_->hide(); // until an edge of a live run is selected
  problems_->raise();
  resizeDocks({palette_, properties_}, {230, 400}, Qt::Horizontal);
  resizeDocks({problems_}, {220}, Qt::Vertical); // room for the metrics chart's axes
  connect(palette_, &view::PaletteDock::operatorActivated, this, &MainWindow::addFromPalette);
  connect(problems_, &view::ProblemsDock::nodeActivated, this, &MainWindow::showNodeProblems);
}

QAction* MainWindow::makeAction(QMenu* menu, const QString& name, const QString& text,
                                const QList<QKeySequence>& keys, std::function<void()> slot,
                                bool canvasOnly) {
  auto* a = new QAction(text, this);
  a->setObjectName(name);
  a->setShortcuts(keys);
  if (canvasOnly) {
    // Delete, Ctrl+C, ... belong to the canvas: in a text field of the
    // property panel they must keep editing text.
    a->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    view_->addAction(a);
  }
  connect(a, &QAction::triggered, this, std::move(slot));
  menu->addAction(a);
  return a;
}

QAction* MainWindow::action(const QString& objectName) const {
  return findChild<QAction*>(objectName);
}

void MainWindow::createActions() {
  QMenu* file = menuBar()->addMenu(tr("&File"));
  QAction* newA = makeAction(file, "new", tr("&New"), {QKeySequence::New}, [this] { newFile(); });
  QAction* openA = makeAction(file, "open", tr("&Open…"), {QKeySequence::Open}, [this] { open(); });
  recentMenu_ = file->addMenu(tr("Open &Recent"));
  file->addSeparator();
  QAction* saveA = makeAction(file, "save", tr("&Save"), {QKeySequence::Save}, [this] { save(); });
  // QKeySequence::SaveAs is empty on some platforms (X11 without a desktop).
  QList<QKeySequence> saveAsKeys = QKeySequence::keyBindings(QKeySequence::SaveAs);
  if (!saveAsKeys.contains(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_S)))
    saveAsKeys.prepend(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_S));
  makeAction(file, "saveAs", tr("Save &As…"), saveAsKeys, [this] { saveAs(); });
  file->addSeparator();
  auto* quitA = file->addAction(tr("&Quit"), this, &QWidget::close);
  quitA->setShortcuts(QKeySequence::Quit);

  QMenu* edit = menuBar()->addMenu(tr("&Edit"));
  QAction* undoA = model_->undoStack()->createUndoAction(this, tr("&Undo"));
  undoA->setObjectName("undo");
  undoA->setShortcuts({QKeySequence::Undo});
  QAction* redoA = model_->undoStack()->createRedoAction(this, tr("&Redo"));
  redoA->setObjectName("redo");
  redoA->setShortcuts(
    {QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_Z), QKeySequence(Qt::CTRL | Qt::Key_Y)});
  edit->addAction(undoA);
  edit->addAction(redoA);
  edit->addSeparator();
  makeAction(
    edit, "cut", tr("Cu&t"), {QKeySequence::Cut}, [this] { cut(); }, true);
  makeAction(
    edit, "copy", tr("&Copy"), {QKeySequence::Copy}, [this] { copy(); }, true);
  makeAction(
    edit, "paste", tr("&Paste"), {QKeySequence::Paste}, [this] { paste(); }, true);
  makeAction(
    edit, "duplicate", tr("D&uplicate"), {QKeySequence(Qt::CTRL | Qt::Key_D)},
    [this] { duplicate(); }, true);
  makeAction(
    edit, "delete", tr("&Delete"), {QKeySequence::Delete, QKeySequence(Qt::Key_Backspace)},
    [this] { deleteSelection(); }, true);
  edit->addSeparator();
  makeAction(
    edit, "selectAll", tr("Select &All"), {QKeySequence::SelectAll}, [this] { selectAll(); }, true);
  makeAction(
    edit, "quickAdd", tr("Add &Operator…"), {QKeySequence(Qt::CTRL | Qt::Key_Space)},
    [this] { quickAdd(); }, true);

  QMenu* viewMenu = menuBar()->addMenu(tr("&View"));
  QAction* zoomInA = makeAction(viewMenu, "zoomIn", tr("Zoom &In"),
                                {QKeySequence(Qt::CTRL | Qt::Key_Equal), QKeySequence::ZoomIn},
                                [this] { zoomIn(); });
  QAction* zoomOutA = makeAction(viewMenu, "zoomOut", tr("Zoom &Out"),
                                 {QKeySequence(Qt::CTRL | Qt::Key_Minus), QKeySequence::ZoomOut},
                                 [this] { zoomOut(); });
  QAction* fitA = makeAction(viewMenu, "fit", tr("&Fit to View"),
                             {QKeySequence(Qt::CTRL | Qt::Key_0)}, [this] { fitToView(); });
  QAction* layoutA = makeAction(viewMenu, "autoLayout", tr("Auto-&Layout"),
                                {QKeySequence(Qt::CTRL | Qt::Key_L)}, [this] { autoLayout(); });
  viewMenu->addSeparator();
  for (QDockWidget* d :
       std::initializer_list<QDockWidget*>{palette_, properties_, problems_, log_, metrics_})
    viewMenu->addAction(d->toggleViewAction());

  QMenu* runMenu = menuBar()->addMenu(tr("&Run"));
  QAction* runA =
    makeAction(runMenu, "run", tr("&Run"), {QKeySequence(Qt::Key_F5)}, [this] { runPipeline(); });
  QAction* stopA = makeAction(runMenu, "stop", tr("&Stop"), {QKeySequence(Qt::SHIFT | Qt::Key_F5)},
                              [this] { stopPipeline(); });
  runMenu->addSeparator();
  makeAction(runMenu, "attach", tr("&Attach to Run…"), {}, [this] { attachToRun(); });

  QToolBar* bar = addToolBar(tr("Main"));
  bar->setObjectName("MainToolBar");
  bar->setToolButtonStyle(Qt::ToolButtonTextOnly);
  for (QAction* a : {newA, openA, saveA}) bar->addAction(a);
  bar->addSeparator();
  // The menu's undo/redo say what they undo ("Undo Rename a to b"); on the
  // toolbar that text would resize the buttons and shift every button
  // after them under the mouse, so the toolbar has fixed-text twins.
  for (QAction* a : {undoA, redoA}) {
    auto* fixed = new QAction(a == undoA ? tr("Undo") : tr("Redo"), bar);
    fixed->setObjectName(a->objectName() + "Button");
    fixed->setEnabled(a->isEnabled());
    fixed->setToolTip(a->text());
    connect(a, &QAction::changed, fixed, [a, fixed] {
      fixed->setEnabled(a->isEnabled());
      fixed->setToolTip(a->text());
    });
    connect(fixed, &QAction::triggered, a, &QAction::trigger);
    bar->addAction(fixed);
  }
  bar->addSeparator();
  for (QAction* a : {zoomInA, zoomOutA, fitA, layoutA}) bar->addAction(a);
  bar->addSeparator();
  bar->addAction(runA);
  bar->addAction(stopA);
}

// --- edit -------------------------------------------------------------------

QPointF MainWindow::pastePosition() const {
  // Under the mouse when it is on the canvas, else the middle of the view.
  const QPoint at = view_->viewport()->mapFromGlobal(QCursor::pos());
  const QPoint p = view_->viewport()->rect().contains(at) ? at : view_->viewport()->rect().center();
  return view_->mapToScene(p);
}

void MainWindow::copy() {
  const QStringList ids = scene_->selectedNodeIds();
  if (ids.isEmpty()) return;
  QApplication::clipboard()->setText(model_->copyFragment(ids));
  statusBar()->showMessage(tr("Copied %n node(s)", nullptr, int(ids.size())), 3000);
}

void MainWindow::cut() {
  copy();
  deleteSelection();
}

void MainWindow::paste() {
  const QString text = QApplication::clipboard()->text();
  if (text.trimmed().isEmpty()) return;
  QString error;
  const QStringList ids = model_->pasteFragment(text, pastePosition(), &error);
  if (ids.isEmpty()) {
    statusBar()->showMessage(tr("Nothing pasted: %1").arg(error), 8000);
    return;
  }
  scene_->clearSelection();
  for (const QString& id : ids)
    if (view::NodeItem* n = scene_->nodeItem(id)) n->setSelected(true);
}

void MainWindow::duplicate() {
  const QStringList ids = scene_->selectedNodeIds();
  if (ids.isEmpty()) return;
  QPointF topLeft(1e18, 1e18);
  for (const QString& id : ids) {
    const QPointF p = model_->position(id);
    topLeft = QPointF(std::min(topLeft.x(), p.x()), std::min(topLeft.y(), p.y()));
  }
  const QStringList copies =
    model_->pasteFragment(model_->copyFragment(ids), topLeft + QPointF(40, 40));
  scene_->clearSelection();
  for (const QString& id : copies)
    if (view::NodeItem* n = scene_->nodeItem(id)) n->setSelected(true);
}

void MainWindow::deleteSelection() { scene_->deleteSelection(); }
void MainWindow::selectAll() { scene_->selectAllNodes(); }
void MainWindow::zoomIn() { view_->zoomIn(); }
void MainWindow::zoomOut() { view_->zoomOut(); }
void MainWindow::fitToView() { view_->fitToView(); }

void MainWindow::autoLayout() {
  model_->autoLayout();
  view_->fitToView();
}

void MainWindow::quickAdd() { view_->openQuickAdd(pastePosition()); }

void MainWindow::addFromPalette(const QString& kind) {
  const QString id = model_->addNode(kind, pastePosition());
  if (!id.isEmpty()) scene_->selectNode(id);
}

void MainWindow::showNodeProblems(const QString& id) {
  scene_->selectNode(id);
  view_->centerOnNode(id);
}

void MainWindow::onCurrentNodeChanged(const QString& id) {
  properties_->showNode(id);
  metrics_->setNode(id, feed_ ? feed_->history() : std::deque<observe::metrics_frame>{});
}

} // namespace sluice::editor::app
