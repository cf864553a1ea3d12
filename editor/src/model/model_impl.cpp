#include "model/model_impl.hpp"

#include <cmath>

#include "model/auto_layout.hpp"

namespace sluice::editor::model {

PipelineModel::Impl::Impl(PipelineModel* model, const core::registry& reg)
  : q(model), registry(reg) {}

int PipelineModel::Impl::edgeIndex(const EdgeKey& key) const {
  for (std::size_t i = 0; i < doc.edges.size(); ++i)
    if (keyOf(doc.edges[i]) == key) return static_cast<int>(i);
  return -1;
}

EdgeKey PipelineModel::Impl::keyOf(const core::pipeline::edge_spec& e) {
  return {QString::fromStdString(e.from.to_string()), QString::fromStdString(e.to.to_string())};
}

nlohmann::json PipelineModel::Impl::layoutOf(const std::string& id) const {
  if (!doc.layout.is_object()) return nullptr;
  auto it = doc.layout.find(id);
  return it == doc.layout.end() ? nlohmann::json() : *it;
}

void PipelineModel::Impl::reindex() {
  nodeIndex.clear();
  nodeIndex.reserve(static_cast<int>(doc.nodes.size()));
  for (std::size_t i = 0; i < doc.nodes.size(); ++i) {
    auto id = QString::fromStdString(doc.nodes[i].id);
    if (!nodeIndex.contains(id)) nodeIndex.insert(id, static_cast<int>(i));
  }
}

void PipelineModel::Impl::placeUnpositioned() {
  autoPositions.clear();
  QStringList ids;
  bool missing = false;
  double bottom = -1e300;
  for (const auto& n : doc.nodes) {
    ids << QString::fromStdString(n.id);
    auto entry = layoutOf(n.id);
    if (entry.is_null()) missing = true;
    else bottom = std::max(bottom, pointOf(entry).y());
  }
  if (!missing) return;
  std::vector<NodeEdge> arcs;
  for (const auto& e : doc.edges)
    arcs.emplace_back(QString::fromStdString(e.from.node), QString::fromStdString(e.to.node));
  // Below the positioned nodes, if there are any.
  QPointF offset(0, bottom > -1e300 ? bottom + 160 : 0);
  auto placed = layeredLayout(ids, arcs);
  for (auto it = placed.begin(); it != placed.end(); ++it)
    if (layoutOf(it.key().toStdString()).is_null())
      autoPositions.insert(it.key(), it.value() + offset);
}

void PipelineModel::Impl::recheck() {
  checked = core::pipeline::check(doc, registry);
  Q_EMIT q->problemsChanged();
}

void PipelineModel::Impl::replaceDocument(core::pipeline::pipeline_document next,
                                          std::string text) {
  doc = std::move(next);
  loadedDoc = doc;
  loadedText = std::move(text);
  moveOpen = false;
  reindex();
  placeUnpositioned();
  checked = core::pipeline::check(doc, registry);
  undo->clear();
  undo->setClean();
  Q_EMIT q->documentReset();
  Q_EMIT q->pipelineInfoChanged();
  Q_EMIT q->problemsChanged();
  Q_EMIT q->dirtyChanged(false);
}

void PipelineModel::Impl::insertNode(int index, core::pipeline::node_spec node,
                                     const nlohmann::json& layout) {
  auto id = QString::fromStdString(node.id);
  if (!layout.is_null()) {
    if (!doc.layout.is_object()) doc.layout = nlohmann::json::object();
    doc.layout[node.id] = layout;
  }
  doc.nodes.insert(doc.nodes.begin() + index, std::move(node));
  reindex();
  Q_EMIT q->nodeAdded(id);
}

core::pipeline::node_spec PipelineModel::Impl::eraseNode(int index) {
  core::pipeline::node_spec node = std::move(doc.nodes[static_cast<std::size_t>(index)]);
  doc.nodes.erase(doc.nodes.begin() + index);
  if (doc.layout.is_object()) doc.layout.erase(node.id);
  reindex();
  Q_EMIT q->nodeRemoved(QString::fromStdString(node.id));
  return node;
}

void PipelineModel::Impl::insertEdge(int index, core::pipeline::edge_spec edge) {
  auto key = keyOf(edge);
  doc.edges.insert(doc.edges.begin() + index, std::move(edge));
  Q_EMIT q->edgeAdded(key);
}

void PipelineModel::Impl::eraseEdge(int index) {
  auto key = keyOf(doc.edges[static_cast<std::size_t>(index)]);
  doc.edges.erase(doc.edges.begin() + index);
  Q_EMIT q->edgeRemoved(key);
}

void PipelineModel::Impl::replaceNode(int index, core::pipeline::node_spec node) {
  doc.nodes[static_cast<std::size_t>(index)] = std::move(node);
  Q_EMIT q->nodeChanged(QString::fromStdString(doc.nodes[static_cast<std::size_t>(index)].id));
}

void PipelineModel::Impl::replaceEdge(int index, core::pipeline::edge_spec edge) {
  doc.edges[static_cast<std::size_t>(index)] = std::move(edge);
  Q_EMIT q->edgeChanged(keyOf(doc.edges[static_cast<std::size_t>(index)]));
}

void PipelineModel::Impl::setLayout(const QString& id, const nlohmann::json& entry) {
  auto key = id.toStdString();
  if (!doc.layout.is_object()) doc.layout = nlohmann::json::object();
  if (entry.is_null()) doc.layout.erase(key);
  else doc.layout[key] = entry;
  Q_EMIT q->nodeMoved(id, q->position(id));
}

void PipelineModel::Impl::renameIds(const QString& from, const QString& to) {
  auto oldId = from.toStdString(), newId = to.toStdString();
  std::vector<std::size_t> touching;
  for (std::size_t i = 0; i < doc.edges.size(); ++i)
    if (doc.edges[i].from.node == oldId || doc.edges[i].to.node == oldId) touching.push_back(i);
  for (auto i : touching) Q_EMIT q->edgeRemoved(keyOf(doc.edges[i]));
  if (auto* n = doc.find_node(oldId)) n->id = newId;
  for (auto i : touching) {
    auto& e = doc.edges[i];
    if (e.from.node == oldId) e.from.node = newId;
    if (e.to.node == oldId) e.to.node = newId;
  }
  if (doc.layout.is_object()) {
    if (auto it = doc.layout.find(oldId); it != doc.layout.end()) {
      auto entry = *it;
      doc.layout.erase(oldId);
      doc.layout[newId] = entry;
    }
  }
  if (autoPositions.contains(from)) autoPositions.insert(to, autoPositions.take(from));
  reindex();
  Q_EMIT q->nodeRenamed(from, to);
  for (auto i : touching) Q_EMIT q->edgeAdded(keyOf(doc.edges[i]));
}

nlohmann::json layoutEntry(QPointF pos) {
  return {{"x", std::lround(pos.x())}, {"y", std::lround(pos.y())}};
}

QPointF pointOf(const nlohmann::json& entry) {
  auto coord = [&](const char* axis) {
    if (!entry.is_object()) return 0.0;
    auto it = entry.find(axis);
    return it != entry.end() && it->is_number() ? it->get<double>() : 0.0;
  };
  return {coord("x"), coord("y")};
}

void PipelineModel::Impl::setPipelineInfo(bool name, std::string value) {
  (name ? doc.name : doc.description) = std::move(value);
  Q_EMIT q->pipelineInfoChanged();
}

} // namespace sluice::editor::model
