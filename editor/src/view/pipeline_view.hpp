#pragma once

#include <QGraphicsView>

namespace sluice::editor::view {

class PipelineScene;
class QuickAddPopup;

/// The canvas widget: zoom (wheel, zoomIn/zoomOut), pan (middle-drag or
/// space-drag), rubber-band selection, drops from the palette and the
/// quick-add popup (double-click on empty canvas or Ctrl+Space).
class PipelineView : public QGraphicsView {
  Q_OBJECT

public:
  explicit PipelineView(PipelineScene* scene, QWidget* parent = nullptr);

  PipelineScene* pipelineScene() const { return scene_; }
  QuickAddPopup* quickAddPopup() const { return quickAdd_; }

  void zoomIn();
  void zoomOut();
  void resetZoom();
  void fitToView();
  void centerOnNode(const QString& id);
  qreal zoom() const;
  /// Opens quick-add with new nodes going to `scenePos`.
  void openQuickAdd(QPointF scenePos);

protected:
  void wheelEvent(QWheelEvent* event) override;
  void mousePressEvent(QMouseEvent* event) override;
  void mouseMoveEvent(QMouseEvent* event) override;
  void mouseReleaseEvent(QMouseEvent* event) override;
  void keyPressEvent(QKeyEvent* event) override;
  void keyReleaseEvent(QKeyEvent* event) override;
  void dragEnterEvent(QDragEnterEvent* event) override;
  void dragMoveEvent(QDragMoveEvent* event) override;
  void dropEvent(QDropEvent* event) override;
  void showEvent(QShowEvent* event) override;
  void resizeEvent(QResizeEvent* event) override;

private:
  void scaleBy(qreal factor);

  PipelineScene* scene_;
  QuickAddPopup* quickAdd_;
  QPointF quickAddAt_;
  bool fitPending_ = false; ///< fit once the view has its real size
  bool panning_ = false;
  QPoint panLast_;
};

} // namespace sluice::editor::view
