#include "view/pipeline_view.hpp"

#include <QDragEnterEvent>
#include <QDropEvent>
#include <QKeyEvent>
#include <QMimeData>
#include <QScrollBar>
#include <QWheelEvent>

#include <algorithm>
#include <cmath>

#include "view/node_item.hpp"
#include "view/operator_mime.hpp"
#include "view/pipeline_scene.hpp"
#include "view/quick_add_popup.hpp"

namespace sluice::editor::view {

namespace {
constexpr qreal minZoom = 0.05;
constexpr qreal maxZoom = 4.0;
} // namespace

PipelineView::PipelineView(PipelineScene* scene, QWidget* parent)
  : QGraphicsView(scene, parent), scene_(scene) {
  // Smooth with hundreds of nodes: repaint only what changed, items cache
  // themselves, and no background cache to invalidate while panning.
  setViewportUpdateMode(QGraphicsView::SmartViewportUpdate);
  setOptimizationFlags(QGraphicsView::DontSavePainterState);
  setRenderHints(QPainter::Antialiasing | QPainter::TextAntialiasing);
  setDragMode(QGraphicsView::RubberBandDrag);
  setRubberBandSelectionMode(Qt::IntersectsItemShape);
  setTransformationAnchor(QGraphicsView::AnchorUnderMouse);
  setResizeAnchor(QGraphicsView::AnchorViewCenter);
  setAcceptDrops(true);
  setFocusPolicy(Qt::StrongFocus);

  quickAdd_ = new QuickAddPopup(scene->model().registry(), this);
  connect(quickAdd_, &QuickAddPopup::chosen, this, [this](const QString& kind) {
    const QString id = scene_->model().addNode(kind, quickAddAt_);
    if (!id.isEmpty()) scene_->selectNode(id);
  });
  connect(scene_, &PipelineScene::emptyCanvasDoubleClicked, this, &PipelineView::openQuickAdd);
}

qreal PipelineView::zoom() const { return transform().m11(); }

void PipelineView::scaleBy(qreal factor) {
  const qreal target = std::clamp(zoom() * factor, minZoom, maxZoom);
  factor = target / zoom();
  scale(factor, factor);
}

void PipelineView::zoomIn() { scaleBy(1.25); }
void PipelineView::zoomOut() { scaleBy(1 / 1.25); }
void PipelineView::resetZoom() { setTransform(QTransform()); }

void PipelineView::fitToView() {
  // Before the window is shown the viewport has a placeholder size: a fit
  // now would be wrong, so do it when the real size is known.
  fitPending_ = !isVisible();
  const QRectF r = scene_->contentRect();
  fitInView(r, Qt::KeepAspectRatio);
  // Never blow a small pipeline up past 100 %: text would look odd.
  if (zoom() > 1.0) {
    resetZoom();
    centerOn(r.center());
  }
}

void PipelineView::showEvent(QShowEvent* event) {
  QGraphicsView::showEvent(event);
  if (fitPending_) fitToView();
}

void PipelineView::resizeEvent(QResizeEvent* event) {
  QGraphicsView::resizeEvent(event);
  if (fitPending_ && isVisible()) {
    fitPending_ = false;
    fitToView();
  }
}

void PipelineView::centerOnNode(const QString& id) {
  if (NodeItem* n = scene_->nodeItem(id)) centerOn(n);
}

void PipelineView::openQuickAdd(QPointF scenePos) {
  quickAddAt_ = scenePos;
  quickAdd_->popup(viewport()->mapToGlobal(mapFromScene(scenePos)));
}

void PipelineView::wheelEvent(QWheelEvent* event) {
  // Wheel zooms (at the cursor); Shift+wheel or a touchpad's sideways
  // scroll still scrolls.
  if (event->modifiers() & Qt::ShiftModifier || event->angleDelta().y() == 0) {
    QGraphicsView::wheelEvent(event);
    return;
  }
  scaleBy(std::pow(1.0015, event->angleDelta().y()));
  event->accept();
}

void PipelineView::mousePressEvent(QMouseEvent* event) {
  if (event->button() == Qt::MiddleButton) {
    panning_ = true;
    panLast_ = event->position().toPoint();
    viewport()->setCursor(Qt::ClosedHandCursor);
    event->accept();
    return;
  }
  QGraphicsView::mousePressEvent(event);
}

void PipelineView::mouseMoveEvent(QMouseEvent* event) {
  if (panning_) {
    const QPoint p = event->position().toPoint();
    const QPoint d = p - panLast_;
    panLast_ = p;
    horizontalScrollBar()->setValue(horizontalScrollBar()->value() - d.x());
    verticalScrollBar()->setValue(verticalScrollBar()->value() - d.y());
    event->accept();
    return;
  }
  QGraphicsView::mouseMoveEvent(event);
}

void PipelineView::mouseReleaseEvent(QMouseEvent* event) {
  if (panning_ && event->button() == Qt::MiddleButton) {
    panning_ = false;
    viewport()->unsetCursor();
    event->accept();
    return;
  }
  QGraphicsView::mouseReleaseEvent(event);
}

void PipelineView::keyPressEvent(QKeyEvent* event) {
  if (event->key() == Qt::Key_Space && !event->isAutoRepeat()
      && event->modifiers() == Qt::NoModifier) {
    setDragMode(QGraphicsView::ScrollHandDrag); // space-drag pans
    event->accept();
    return;
  }
  if (event->key() == Qt::Key_Space && event->modifiers() == Qt::ControlModifier) {
    const QPoint at = viewport()->mapFromGlobal(QCursor::pos());
    openQuickAdd(mapToScene(viewport()->rect().contains(at) ? at : viewport()->rect().center()));
    event->accept();
    return;
  }
  if (event->key() == Qt::Key_Delete || event->key() == Qt::Key_Backspace) {
    scene_->deleteSelection();
    event->accept();
    return;
  }
  QGraphicsView::keyPressEvent(event);
}

void PipelineView::keyReleaseEvent(QKeyEvent* event) {
  if (event->key() == Qt::Key_Space && !event->isAutoRepeat()) {
    setDragMode(QGraphicsView::RubberBandDrag);
    event->accept();
    return;
  }
  QGraphicsView::keyReleaseEvent(event);
}

void PipelineView::dragEnterEvent(QDragEnterEvent* event) {
  if (!operatorKindFrom(event->mimeData()).isEmpty()) event->acceptProposedAction();
  else QGraphicsView::dragEnterEvent(event);
}

void PipelineView::dragMoveEvent(QDragMoveEvent* event) {
  if (!operatorKindFrom(event->mimeData()).isEmpty()) event->acceptProposedAction();
  else QGraphicsView::dragMoveEvent(event);
}

void PipelineView::dropEvent(QDropEvent* event) {
  const QString kind = operatorKindFrom(event->mimeData());
  if (kind.isEmpty()) {
    QGraphicsView::dropEvent(event);
    return;
  }
  const QPointF at = mapToScene(event->position().toPoint());
  const QString id = scene_->model().addNode(kind, at);
  if (!id.isEmpty()) scene_->selectNode(id);
  event->acceptProposedAction();
}

} // namespace sluice::editor::view
