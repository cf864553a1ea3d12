#pragma once

#include <QGraphicsScene>
#include <QHash>
#include <QPointer>
#include <QString>

#include <vector>

#include "model/pipeline_model.hpp"

namespace sluice::observe {
struct metrics_frame;
}

namespace sluice::editor::run {
class ResumeCheck;
}

namespace sluice::editor::view {

class EdgeItem;
class NodeItem;
class PortItem;

/// The node canvas. It only listens to the model (docs/ARCHITECTURE.md §8: model owns,
/// view listens) and turns gestures into model edits: a drag from an output
/// port to an input port becomes model.connect(), a finished move becomes
/// one model.moveNodes(), Delete becomes removeNodes()/disconnect().
class PipelineScene : public QGraphicsScene {
  Q_OBJECT

public:
  explicit PipelineScene(model::PipelineModel& model, QObject* parent = nullptr);
  ~PipelineScene() override;

  model::PipelineModel& model() const { return model_; }
  NodeItem* nodeItem(const QString& id) const;
  EdgeItem* edgeItem(const model::EdgeKey& key) const;
  QList<NodeItem*> nodeItems() const;

  QStringList selectedNodeIds() const;
  std::vector<model::EdgeKey> selectedEdges() const;
  /// Selects just this node (for the problems dock).
  void selectNode(const QString& id);
  void selectAllNodes();
  /// Removes the selected nodes and disconnects the selected edges.
  void deleteSelection();
  /// The bounding rectangle of every node, padded.
  QRectF contentRect() const;

  // --- live view -----------------------------------------------------------
  void applyFrame(const observe::metrics_frame& frame);
  /// Back to the design look: no rates, no queue bars, no runtime errors.
  void clearLive();
  void setRuntimeError(const QString& node, const QString& message);

  // --- resume ----------------------------------------------------------------
  /// Badges every node with what resuming from the pipeline's checkpoint
  /// does to its state (`check`'s plan); null, or a check that cannot
  /// resume, removes them. Call it again after `check` changed.
  void showResume(const run::ResumeCheck* check);

  bool isDrafting() const { return draftFrom_ != nullptr; }

signals:
  /// A short message for the status bar (connection hints and refusals).
  void statusMessage(const QString& text);
  /// model.connect() refused a connection; `reason` says why.
  void connectionRefused(const QString& reason);
  /// Double-click on empty canvas (the view opens quick-add there).
  void emptyCanvasDoubleClicked(QPointF scenePos);
  /// The selection is now exactly one node ("" when not).
  void currentNodeChanged(const QString& id);
  /// Exactly one edge (and no node) is selected.
  void edgeSelected(const sluice::editor::model::EdgeKey& edge);

protected:
  void mousePressEvent(QGraphicsSceneMouseEvent* event) override;
  void mouseMoveEvent(QGraphicsSceneMouseEvent* event) override;
  void mouseReleaseEvent(QGraphicsSceneMouseEvent* event) override;
  void mouseDoubleClickEvent(QGraphicsSceneMouseEvent* event) override;

private:
  void rebuild();
  void addNodeItem(const QString& id);
  void removeNodeItem(const QString& id);
  void addEdgeItem(const model::EdgeKey& key);
  void removeEdgeItem(const model::EdgeKey& key);
  void syncEdges(); ///< makes the edge items match model.edges()
  void refreshNode(const QString& id);
  void renameNode(const QString& oldId, const QString& newId);
  void updateProblems();
  void commitMoves();
  void onSelectionChanged();

  PortItem* portAt(QPointF scenePos, bool input) const;
  void updateDraft(QPointF scenePos, QPoint screenPos);
  void finishDraft(QPointF scenePos, QPoint screenPos);
  void cancelDraft();

  static QString edgeName(const model::EdgeKey& key) { return key.from + "\x1f" + key.to; }

  model::PipelineModel& model_;
  QHash<QString, NodeItem*> nodes_;
  QHash<QString, EdgeItem*> edges_;
  QString currentNode_;

  // Draft connection while dragging from an output port.
  PortItem* draftFrom_ = nullptr;
  QGraphicsPathItem* draft_ = nullptr;
  PortItem* draftTarget_ = nullptr;
  QString draftProblem_;
};

} // namespace sluice::editor::view
