#include "view/pipeline_scene.hpp"

#include <QGraphicsSceneMouseEvent>
#include <QGraphicsView>
#include <QMetaObject>
#include <QSet>
#include <QToolTip>

#include "run/resume_check.hpp"
#include "view/edge_item.hpp"
#include "view/node_item.hpp"
#include "view/port_item.hpp"
#include "view/runtime_headers.hpp"

namespace sluice::editor::view {

using model::EdgeKey;
using model::PipelineModel;

PipelineScene::PipelineScene(PipelineModel& model, QObject* parent)
  : QGraphicsScene(parent), model_(model) {
  // A BSP index keeps hit tests and exposure logarithmic with 500 nodes.
  setItemIndexMethod(BspTreeIndex);
  setBackgroundBrush(QColor(0xf3, 0xf4, 0xf6));
  // Auto-layout leaves room for each node as drawn (ports make some tall).
  model_.setNodeSizeProvider([this](const QString& id) {
    const NodeItem* n = nodeItem(id);
    return n ? n->boundingRect().size() : QSizeF();
  });
  connect(&model_, &PipelineModel::documentReset, this, &PipelineScene::rebuild);
  connect(&model_, &PipelineModel::nodeAdded, this, &PipelineScene::addNodeItem);
  connect(&model_, &PipelineModel::nodeRemoved, this, &PipelineScene::removeNodeItem);
  connect(&model_, &PipelineModel::nodeChanged, this, &PipelineScene::refreshNode);
  connect(&model_, &PipelineModel::nodeRenamed, this, &PipelineScene::renameNode);
  connect(&model_, &PipelineModel::nodeMoved, this, [this](const QString& id, QPointF pos) {
    if (NodeItem* n = nodeItem(id); n && n->pos() != pos) n->setPos(pos);
  });
  connect(&model_, &PipelineModel::edgeAdded, this, &PipelineScene::addEdgeItem);
  connect(&model_, &PipelineModel::edgeRemoved, this, &PipelineScene::removeEdgeItem);
  connect(&model_, &PipelineModel::edgeChanged, this, [this](const EdgeKey& key) {
    if (EdgeItem* e = edgeItem(key)) e->update();
  });
  connect(&model_, &PipelineModel::problemsChanged, this, &PipelineScene::updateProblems);
  connect(this, &QGraphicsScene::selectionChanged, this, &PipelineScene::onSelectionChanged);
  rebuild();
}

PipelineScene::~PipelineScene() {
  model_.setNodeSizeProvider({});
  // Deleting selected items emits selectionChanged: not to us any more.
  disconnect(this, &QGraphicsScene::selectionChanged, this, &PipelineScene::onSelectionChanged);
  cancelDraft();
  // Edges first: they detach from their nodes when deleted.
  for (EdgeItem* e : std::as_const(edges_)) delete e;
  edges_.clear();
  for (NodeItem* n : std::as_const(nodes_)) delete n;
  nodes_.clear();
}

NodeItem* PipelineScene::nodeItem(const QString& id) const { return nodes_.value(id); }
EdgeItem* PipelineScene::edgeItem(const EdgeKey& key) const { return edges_.value(edgeName(key)); }
QList<NodeItem*> PipelineScene::nodeItems() const { return nodes_.values(); }

// --- following the model ----------------------------------------------------

void PipelineScene::rebuild() {
  cancelDraft();
  for (EdgeItem* e : std::as_const(edges_)) delete e;
  edges_.clear();
  for (NodeItem* n : std::as_const(nodes_)) delete n;
  nodes_.clear();
  for (const QString& id : model_.nodeIds()) addNodeItem(id);
  for (const EdgeKey& e : model_.edges()) addEdgeItem(e);
  updateProblems();
  setSceneRect(contentRect().adjusted(-400, -400, 400, 400));
  onSelectionChanged();
}

void PipelineScene::addNodeItem(const QString& id) {
  if (nodes_.contains(id)) return;
  auto* item = new NodeItem(model_, id);
  item->setPos(model_.position(id));
  addItem(item);
  nodes_.insert(id, item);
  item->setProblems({});
  // Grow the scene rect so a new node far out can still be scrolled to.
  QRectF r = item->sceneBoundingRect().adjusted(-400, -400, 400, 400);
  if (!sceneRect().contains(r)) setSceneRect(sceneRect().united(r));
}

void PipelineScene::removeNodeItem(const QString& id) {
  NodeItem* item = nodes_.take(id);
  if (!item) return;
  if (draftFrom_ && draftFrom_->node() == item) cancelDraft();
  const std::vector<EdgeItem*> attached = item->edges();
  for (EdgeItem* e : attached) {
    edges_.remove(edgeName(e->key()));
    delete e;
  }
  delete item;
}

void PipelineScene::addEdgeItem(const EdgeKey& key) {
  if (edges_.contains(edgeName(key))) return;
  auto from = core::pipeline::endpoint::parse(key.from.toStdString());
  auto to = core::pipeline::endpoint::parse(key.to.toStdString());
  NodeItem* a = nodeItem(QString::fromStdString(from.node));
  NodeItem* b = nodeItem(QString::fromStdString(to.node));
  PortItem* pa = a ? a->outputPort(QString::fromStdString(from.port)) : nullptr;
  PortItem* pb = b ? b->inputPort(QString::fromStdString(to.port)) : nullptr;
  if (!pa || !pb) return; // a dangling edge: the problems dock says so
  auto* e = new EdgeItem(model_, key, pa, pb);
  addItem(e);
  edges_.insert(edgeName(key), e);
}

void PipelineScene::removeEdgeItem(const EdgeKey& key) { delete edges_.take(edgeName(key)); }

void PipelineScene::syncEdges() {
  QSet<QString> wanted;
  const auto modelEdges = model_.edges();
  for (const EdgeKey& e : modelEdges) wanted.insert(edgeName(e));
  for (auto it = edges_.begin(); it != edges_.end();) {
    if (!wanted.contains(it.key())) {
      delete it.value();
      it = edges_.erase(it);
    } else {
      ++it;
    }
  }
  for (const EdgeKey& e : modelEdges) addEdgeItem(e);
}

void PipelineScene::refreshNode(const QString& id) {
  NodeItem* item = nodeItem(id);
  if (!item) return;
  // Ports may have changed (transform.route names its outputs): re-attach
  // this node's edges to the new port items.
  const std::vector<EdgeItem*> attached = item->edges();
  for (EdgeItem* e : attached) {
    edges_.remove(edgeName(e->key()));
    delete e;
  }
  item->rebuild(id);
  syncEdges();
}

void PipelineScene::renameNode(const QString& oldId, const QString& newId) {
  NodeItem* item = nodes_.take(oldId);
  if (!item) return;
  nodes_.insert(newId, item);
  if (currentNode_ == oldId) currentNode_ = newId;
  refreshNode(newId);
  Q_EMIT currentNodeChanged(currentNode_);
}

void PipelineScene::updateProblems() {
  QHash<QString, QStringList> byNode;
  for (const core::pipeline::diagnostic& d : model_.problems())
    if (!d.node.empty())
      byNode[QString::fromStdString(d.node)] << QString::fromStdString(d.to_string());
  for (auto it = nodes_.begin(); it != nodes_.end(); ++it)
    it.value()->setProblems(byNode.value(it.key()));
  // Edges may have been left dangling by an earlier state; now they resolve.
  if (edges_.size() != int(model_.edges().size())) syncEdges();
}

void PipelineScene::onSelectionChanged() {
  const QStringList ids = selectedNodeIds();
  const QString current = ids.size() == 1 ? ids.front() : QString();
  const auto edges = ids.isEmpty() ? selectedEdges() : std::vector<EdgeKey>{};
  // Also re-announce "no node" when an edge was shown and is deselected.
  if (current != currentNode_ || (current.isEmpty() && edges.size() != 1)) {
    currentNode_ = current;
    Q_EMIT currentNodeChanged(current);
  }
  if (edges.size() == 1) Q_EMIT edgeSelected(edges.front());
}

// --- selection and deletion -------------------------------------------------

QStringList PipelineScene::selectedNodeIds() const {
  QStringList ids;
  for (QGraphicsItem* i : selectedItems())
    if (i->type() == NodeItem::Type) ids << static_cast<NodeItem*>(i)->id();
  // Document order, so copy/paste and tests are deterministic.
  QStringList ordered;
  for (const QString& id : model_.nodeIds())
    if (ids.contains(id)) ordered << id;
  return ordered;
}

std::vector<EdgeKey> PipelineScene::selectedEdges() const {
  std::vector<EdgeKey> keys;
  for (QGraphicsItem* i : selectedItems())
    if (i->type() == EdgeItem::Type) keys.push_back(static_cast<EdgeItem*>(i)->key());
  return keys;
}

void PipelineScene::selectNode(const QString& id) {
  clearSelection();
  if (NodeItem* n = nodeItem(id)) n->setSelected(true);
}

void PipelineScene::selectAllNodes() {
  for (NodeItem* n : std::as_const(nodes_)) n->setSelected(true);
}

void PipelineScene::deleteSelection() {
  const QStringList ids = selectedNodeIds();
  for (const EdgeKey& e : selectedEdges()) {
    auto from = QString::fromStdString(core::pipeline::endpoint::parse(e.from.toStdString()).node);
    auto to = QString::fromStdString(core::pipeline::endpoint::parse(e.to.toStdString()).node);
    if (!ids.contains(from) && !ids.contains(to)) model_.disconnect(e);
  }
  if (!ids.isEmpty()) model_.removeNodes(ids);
}

QRectF PipelineScene::contentRect() const {
  QRectF r;
  for (NodeItem* n : std::as_const(nodes_)) r = r.united(n->sceneBoundingRect());
  return r.isNull() ? QRectF(0, 0, 800, 500) : r.adjusted(-30, -30, 30, 30);
}

// --- live view --------------------------------------------------------------

void PipelineScene::applyFrame(const observe::metrics_frame& frame) {
  const QString bottleneck = QString::fromStdString(frame.bottleneck);
  for (const observe::node_rates& r : frame.nodes) {
    NodeItem* n = nodeItem(QString::fromStdString(r.node));
    if (!n) continue;
    NodeLive live;
    live.active = true;
    live.inPerSecond = r.records_in_per_second;
    live.outPerSecond = r.records_out_per_second;
    live.busyMs = r.busy_ms_per_second;
    live.backpressuredMs = r.backpressured_ms_per_second;
    live.idleMs = r.idle_ms_per_second;
    live.state = int(r.state);
    live.bottleneck = !bottleneck.isEmpty() && n->id() == bottleneck;
    if (r.connector) {
      live.serverDown = !r.connector->up;
      live.serverError = QString::fromStdString(r.connector->last_error);
    }
    n->setLive(live);
  }
  for (const observe::edge_fill& f : frame.edges)
    if (EdgeItem* e = edgeItem({QString::fromStdString(f.from), QString::fromStdString(f.to)}))
      e->setFill(f.fill);
}

void PipelineScene::clearLive() {
  for (NodeItem* n : std::as_const(nodes_)) {
    n->setLive({});
    n->setRuntimeError({});
  }
  for (EdgeItem* e : std::as_const(edges_)) e->setFill(-1);
}

void PipelineScene::setRuntimeError(const QString& node, const QString& message) {
  if (NodeItem* n = nodeItem(node)) n->setRuntimeError(message);
}

void PipelineScene::showResume(const run::ResumeCheck* check) {
  for (auto it = nodes_.begin(); it != nodes_.end(); ++it) {
    if (!check) it.value()->setResumeBadge(run::ResumeBadge::None);
    else it.value()->setResumeBadge(check->badge(it.key()), check->reasons(it.key()));
  }
}

// --- gestures ---------------------------------------------------------------

PortItem* PipelineScene::portAt(QPointF scenePos, bool input) const {
  for (QGraphicsItem* i : items(scenePos)) {
    if (i->type() != PortItem::Type) continue;
    auto* p = static_cast<PortItem*>(i);
    if (p->isInput() == input) return p;
  }
  return nullptr;
}

void PipelineScene::mousePressEvent(QGraphicsSceneMouseEvent* event) {
  if (event->button() == Qt::LeftButton && !draftFrom_) {
    if (PortItem* out = portAt(event->scenePos(), false)) {
      draftFrom_ = out;
      draft_ = new QGraphicsPathItem;
      draft_->setZValue(3);
      draft_->setPen(QPen(QColor(0x19, 0x76, 0xd2), 2, Qt::DashLine));
      draft_->setPath(EdgeItem::bezier(out->anchor(), event->scenePos()));
      addItem(draft_);
      Q_EMIT statusMessage("Connecting from " + out->endpoint() + ": release on an input port");
      event->accept();
      return;
    }
  }
  QGraphicsScene::mousePressEvent(event);
}

void PipelineScene::mouseMoveEvent(QGraphicsSceneMouseEvent* event) {
  if (draftFrom_) {
    updateDraft(event->scenePos(), event->screenPos());
    event->accept();
    return;
  }
  QGraphicsScene::mouseMoveEvent(event);
}

void PipelineScene::mouseReleaseEvent(QGraphicsSceneMouseEvent* event) {
  if (draftFrom_ && event->button() == Qt::LeftButton) {
    finishDraft(event->scenePos(), event->screenPos());
    event->accept();
    return;
  }
  QGraphicsScene::mouseReleaseEvent(event);
  if (event->button() == Qt::LeftButton) commitMoves();
}

void PipelineScene::mouseDoubleClickEvent(QGraphicsSceneMouseEvent* event) {
  if (event->button() == Qt::LeftButton && !itemAt(event->scenePos(), QTransform())) {
    Q_EMIT emptyCanvasDoubleClicked(event->scenePos());
    event->accept();
    return;
  }
  QGraphicsScene::mouseDoubleClickEvent(event);
}

void PipelineScene::commitMoves() {
  QHash<QString, QPointF> moved;
  for (QGraphicsItem* i : selectedItems()) {
    if (i->type() != NodeItem::Type) continue;
    auto* n = static_cast<NodeItem*>(i);
    if (n->pos() != model_.position(n->id())) moved.insert(n->id(), n->pos());
  }
  if (!moved.isEmpty()) model_.moveNodes(moved);
}

void PipelineScene::updateDraft(QPointF scenePos, QPoint screenPos) {
  PortItem* target = portAt(scenePos, true);
  if (target && target->node() == draftFrom_->node()) target = nullptr;
  QPointF end = target ? target->anchor() : scenePos;
  draft_->setPath(EdgeItem::bezier(draftFrom_->anchor(), end));
  if (target == draftTarget_) return;
  if (draftTarget_) draftTarget_->setHighlight(0);
  draftTarget_ = target;
  if (!target) {
    draftProblem_.clear();
    draft_->setPen(QPen(QColor(0x19, 0x76, 0xd2), 2, Qt::DashLine));
    QToolTip::hideText();
    return;
  }
  // Ask the validator once per target port, not on every mouse move.
  draftProblem_ = model_.connectionProblem(draftFrom_->endpoint(), target->endpoint());
  const bool ok = draftProblem_.isEmpty();
  target->setHighlight(ok ? 1 : -1);
  draft_->setPen(QPen(ok ? QColor(0x2e, 0x7d, 0x32) : QColor(0xd3, 0x2f, 0x2f), 2.5,
                      ok ? Qt::SolidLine : Qt::DashLine));
  const QString text = ok ? "Connect " + draftFrom_->endpoint() + " → " + target->endpoint()
                          : "Cannot connect: " + draftProblem_;
  QToolTip::showText(screenPos, text);
  Q_EMIT statusMessage(text);
}

void PipelineScene::finishDraft(QPointF scenePos, QPoint screenPos) {
  PortItem* target = portAt(scenePos, true);
  const QString from = draftFrom_->endpoint();
  const bool sameNode = target && target->node() == draftFrom_->node();
  cancelDraft();
  if (!target) {
    Q_EMIT statusMessage(QString());
    return;
  }
  const QString reason = sameNode ? QStringLiteral("a node cannot feed itself")
                                  : model_.connect(from, target->endpoint());
  if (reason.isEmpty()) {
    Q_EMIT statusMessage("Connected " + from + " → " + target->endpoint());
    return;
  }
  const QString text = "Connection refused: " + reason;
  QToolTip::showText(screenPos, text);
  Q_EMIT statusMessage(text);
  Q_EMIT connectionRefused(reason);
}

void PipelineScene::cancelDraft() {
  if (draftTarget_) draftTarget_->setHighlight(0);
  draftTarget_ = nullptr;
  draftFrom_ = nullptr;
  delete draft_;
  draft_ = nullptr;
  draftProblem_.clear();
}

} // namespace sluice::editor::view
