// PipelineModel's edits: each builds one undo command (model_commands.hpp)
// and pushes it; the command does the change.
#include "model/pipeline_model.hpp"

#include <QUndoStack>

#include <set>

#include "model/auto_layout.hpp"
#include "model/clipboard_fragment.hpp"
#include "model/connection_check.hpp"
#include "model/model_commands.hpp"
#include "model/model_impl.hpp"
#include "model/node_ids.hpp"

namespace sluice::editor::model {

namespace {

QString qs(const std::string& s) { return QString::fromStdString(s); }

} // namespace

// --- edits -------------------------------------------------------------------

QString PipelineModel::addNode(const QString& kind, QPointF pos) {
  if (!d->registry.find(kind.toStdString())) return {};
  auto id = uniqueId(baseIdForKind(kind), [this](const QString& c) { return d->indexOf(c) >= 0; });
  StructureCommand::NodeItem item;
  item.index = static_cast<int>(d->doc.nodes.size());
  item.spec.id = id.toStdString();
  item.spec.kind = kind.toStdString();
  item.layout = layoutEntry(pos);
  d->undo->push(new StructureCommand(this, tr("Add %1").arg(id), true, {item}, {}));
  return id;
}

void PipelineModel::removeNodes(const QStringList& ids) {
  std::vector<StructureCommand::NodeItem> nodes;
  std::set<std::string> gone;
  for (std::size_t i = 0; i < d->doc.nodes.size(); ++i) {
    const auto& n = d->doc.nodes[i];
    if (!ids.contains(qs(n.id))) continue;
    nodes.push_back({static_cast<int>(i), n, d->layoutOf(n.id)});
    gone.insert(n.id);
  }
  if (nodes.empty()) return;
  std::vector<StructureCommand::EdgeItem> edges;
  for (std::size_t i = 0; i < d->doc.edges.size(); ++i) {
    const auto& e = d->doc.edges[i];
    if (gone.count(e.from.node) || gone.count(e.to.node)) edges.push_back({static_cast<int>(i), e});
  }
  auto text = nodes.size() == 1 ? tr("Delete %1").arg(qs(nodes[0].spec.id))
                                : tr("Delete %1 nodes").arg(nodes.size());
  d->undo->push(new StructureCommand(this, text, false, std::move(nodes), std::move(edges)));
}

void PipelineModel::moveNodes(const QHash<QString, QPointF>& positions) {
  MoveCommand::Entries entries;
  for (auto it = positions.begin(); it != positions.end(); ++it) {
    if (d->indexOf(it.key()) < 0) continue;
    auto before = d->layoutOf(it.key().toStdString());
    // Keep any other keys of the entry; replace x and y.
    auto after = before.is_object() ? before : nlohmann::json::object();
    auto xy = layoutEntry(it.value());
    after["x"] = xy["x"];
    after["y"] = xy["y"];
    if (after != before) entries[it.key()] = {before, after};
  }
  if (entries.empty()) return;
  auto text = entries.size() == 1 ? tr("Move %1").arg(entries.begin()->first)
                                  : tr("Move %1 nodes").arg(entries.size());
  // Moves while dragging come many a second; a pause of half a second (a
  // view that reports only the drop) starts a new step as finishMove does.
  constexpr qint64 dragPauseMs = 500;
  bool continuing = d->moveOpen && d->sinceMove.isValid() && d->sinceMove.elapsed() < dragPauseMs;
  d->undo->push(new MoveCommand(this, text, std::move(entries), true, continuing));
  d->moveOpen = true;
  d->sinceMove.start();
}

void PipelineModel::finishMove() { d->moveOpen = false; }

namespace {

/// Pushes a NodeSpecCommand if `change` alters the node.
template <class Impl, class Change>
void editNode(PipelineModel* model, Impl& d, const QString& id, const QString& text,
              const QString& mergeKey, Change change) {
  int i = d.indexOf(id);
  if (i < 0) return;
  auto before = d.doc.nodes[static_cast<std::size_t>(i)];
  auto after = before;
  change(after);
  if (after.params == before.params && after.parallelism == before.parallelism
      && after.on_error == before.on_error)
    return;
  d.undo->push(new NodeSpecCommand(model, text, std::move(before), std::move(after), mergeKey));
}

} // namespace

void PipelineModel::setParam(const QString& id, const QString& name, const nlohmann::json& value) {
  auto key = name.toStdString();
  editNode(this, *d, id, tr("Set %1.%2").arg(id, name), QStringLiteral("param:") + name,
           [&](core::pipeline::node_spec& n) {
             if (!n.params.is_object()) n.params = nlohmann::json::object();
             if (value.is_null()) n.params.erase(key);
             else n.params[key] = value;
           });
}

void PipelineModel::setParallelism(const QString& id, int parallelism) {
  editNode(this, *d, id, tr("Set %1 parallelism").arg(id), QStringLiteral("parallelism"),
           [&](core::pipeline::node_spec& n) { n.parallelism = parallelism; });
}

void PipelineModel::setOnError(const QString& id, const QString& policy) {
  editNode(this, *d, id, tr("Set %1 on_error").arg(id), QString(),
           [&](core::pipeline::node_spec& n) { n.on_error = policy.toStdString(); });
}

void PipelineModel::setPipelineName(const QString& name) {
  std::string next = name.toStdString();
  if (next == d->doc.name) return;
  d->undo->push(
    new PipelineInfoCommand(this, PipelineInfoCommand::Field::Name, d->doc.name, std::move(next)));
}

void PipelineModel::setPipelineDescription(const QString& description) {
  std::string next = description.toStdString();
  if (next == d->doc.description) return;
  d->undo->push(new PipelineInfoCommand(this, PipelineInfoCommand::Field::Description,
                                        d->doc.description, std::move(next)));
}

QString PipelineModel::pipelineName() const { return QString::fromStdString(d->doc.name); }
QString PipelineModel::pipelineDescription() const {
  return QString::fromStdString(d->doc.description);
}

QString PipelineModel::renameNode(const QString& id, const QString& newId) {
  if (d->indexOf(id) < 0) return tr("there is no node '%1'").arg(id);
  if (newId == id) return {};
  if (!isValidNodeId(newId))
    return tr("'%1' is not a valid id: use only letters, digits, '_' and '-'").arg(newId);
  if (d->indexOf(newId) >= 0) return tr("there is already a node '%1'").arg(newId);
  d->undo->push(new RenameCommand(this, id, newId));
  return {};
}

QString PipelineModel::connectionProblem(const QString& from, const QString& to) const {
  auto edge = shorthandEdge(d->doc, d->registry, from, to);
  auto copy = d->doc;
  copy.edges.push_back(std::move(edge));
  auto after = core::pipeline::check(std::move(copy), d->registry);
  return firstNewProblem(d->checked.errors, after.errors);
}

QString PipelineModel::connect(const QString& from, const QString& to) {
  auto problem = connectionProblem(from, to);
  if (!problem.isEmpty()) return problem;
  StructureCommand::EdgeItem item{static_cast<int>(d->doc.edges.size()),
                                  shorthandEdge(d->doc, d->registry, from, to)};
  auto text =
    tr("Connect %1 to %2").arg(qs(item.spec.from.to_string()), qs(item.spec.to.to_string()));
  d->undo->push(new StructureCommand(this, text, true, {}, {item}));
  return {};
}

void PipelineModel::disconnect(const EdgeKey& edge) {
  int i = d->edgeIndex(edge);
  if (i < 0) return;
  StructureCommand::EdgeItem item{i, d->doc.edges[static_cast<std::size_t>(i)]};
  d->undo->push(new StructureCommand(this, tr("Disconnect %1 from %2").arg(edge.from, edge.to),
                                     false, {}, {item}));
}

void PipelineModel::setEdgeCapacity(const EdgeKey& edge, qint64 capacity) {
  int i = d->edgeIndex(edge);
  if (i < 0) return;
  auto before = d->doc.edges[static_cast<std::size_t>(i)];
  if (before.capacity == capacity) return;
  auto after = before;
  after.capacity = capacity;
  d->undo->push(new EdgeSpecCommand(this, tr("Set capacity"), i, before, after));
}

void PipelineModel::setEdgePartition(const EdgeKey& edge, const QString& partition) {
  int i = d->edgeIndex(edge);
  if (i < 0) return;
  auto before = d->doc.edges[static_cast<std::size_t>(i)];
  if (before.partition == partition.toStdString()) return;
  auto after = before;
  after.partition = partition.toStdString();
  d->undo->push(new EdgeSpecCommand(this, tr("Set partition"), i, before, after));
}

// --- clipboard ---------------------------------------------------------------

QString PipelineModel::copyFragment(const QStringList& ids) const {
  auto fragment = ClipboardFragment::fromDocument(d->doc, ids);
  // Nodes drawn where auto-layout put them are copied where they are drawn.
  for (const auto& n : fragment.nodes)
    if (!fragment.layout.contains(n.id))
      fragment.layout[n.id] = layoutEntry(position(QString::fromStdString(n.id)));
  return fragment.toText();
}

QStringList PipelineModel::pasteFragment(const QString& json, QPointF at, QString* error) {
  auto fragment = ClipboardFragment::parse(json, error);
  if (!fragment) return {};
  if (fragment->nodes.empty()) {
    if (error) *error = tr("nothing to paste: the fragment has no nodes");
    return {};
  }
  fragment->placeInto([this](const QString& id) { return d->indexOf(id) >= 0; }, at);
  std::vector<StructureCommand::NodeItem> nodes;
  QStringList ids;
  int index = static_cast<int>(d->doc.nodes.size());
  for (auto& n : fragment->nodes) {
    ids << qs(n.id);
    auto layout = fragment->layout.value(n.id, nlohmann::json());
    nodes.push_back({index++, std::move(n), layout});
  }
  std::vector<StructureCommand::EdgeItem> edges;
  int edgeIndex = static_cast<int>(d->doc.edges.size());
  for (auto& e : fragment->edges) edges.push_back({edgeIndex++, std::move(e)});
  d->undo->push(new StructureCommand(this, tr("Paste %1 nodes").arg(ids.size()), true,
                                     std::move(nodes), std::move(edges)));
  return ids;
}

// --- layout ------------------------------------------------------------------

void PipelineModel::setNodeSizeProvider(NodeSizeProvider provider) {
  d->nodeSize = std::move(provider);
}

void PipelineModel::autoLayout() {
  auto ids = nodeIds();
  if (ids.isEmpty()) return;
  std::vector<NodeEdge> arcs;
  for (const auto& e : d->doc.edges) arcs.emplace_back(qs(e.from.node), qs(e.to.node));
  NodeSizes sizes;
  if (d->nodeSize)
    for (const auto& id : ids) sizes.insert(id, d->nodeSize(id));
  auto placed = layeredLayout(ids, arcs, {}, sizes);
  // Keep the drawing where it was: the new top-left is the old one.
  QPointF origin;
  bool any = false;
  for (const auto& id : ids) {
    auto entry = d->layoutOf(id.toStdString());
    if (entry.is_null()) continue;
    auto p = pointOf(entry);
    origin = any ? QPointF(std::min(origin.x(), p.x()), std::min(origin.y(), p.y())) : p;
    any = true;
  }
  MoveCommand::Entries entries;
  for (const auto& id : ids) {
    auto before = d->layoutOf(id.toStdString());
    auto after = before.is_object() ? before : nlohmann::json::object();
    auto xy = layoutEntry(placed.value(id) + origin);
    after["x"] = xy["x"];
    after["y"] = xy["y"];
    if (after != before) entries[id] = {before, after};
  }
  if (entries.empty()) return;
  d->undo->push(new MoveCommand(this, tr("Auto-layout"), std::move(entries), false, false));
}

} // namespace sluice::editor::model
