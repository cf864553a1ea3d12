#include "model/model_commands.hpp"

#include "model/model_impl.hpp"

namespace sluice::editor::model {

ModelCommand::ModelCommand(PipelineModel* model, const QString& text)
  : QUndoCommand(text), model_(model) {}

void ModelCommand::redo() {
  apply(true);
  if (changesMeaning()) impl().recheck();
}

void ModelCommand::undo() {
  apply(false);
  if (changesMeaning()) impl().recheck();
}

// --- StructureCommand --------------------------------------------------------

StructureCommand::StructureCommand(PipelineModel* model, const QString& text, bool adding,
                                   std::vector<NodeItem> nodes, std::vector<EdgeItem> edges)
  : ModelCommand(model, text), adding_(adding), nodes_(std::move(nodes)), edges_(std::move(edges)) {
}

void StructureCommand::apply(bool forward) {
  if (forward == adding_) insert();
  else erase();
}

void StructureCommand::insert() {
  auto& d = impl();
  for (const auto& n : nodes_) d.insertNode(n.index, n.spec, n.layout);
  for (const auto& e : edges_) d.insertEdge(e.index, e.spec);
}

void StructureCommand::erase() {
  // Edges first, so no edge ever names a missing node; from the back, so
  // the recorded indexes stay right.
  auto& d = impl();
  for (auto e = edges_.rbegin(); e != edges_.rend(); ++e) d.eraseEdge(e->index);
  for (auto n = nodes_.rbegin(); n != nodes_.rend(); ++n) d.eraseNode(n->index);
}

// --- NodeSpecCommand ---------------------------------------------------------

NodeSpecCommand::NodeSpecCommand(PipelineModel* model, const QString& text,
                                 core::pipeline::node_spec before, core::pipeline::node_spec after,
                                 QString mergeKey)
  : ModelCommand(model, text), before_(std::move(before)), after_(std::move(after)),
    mergeKey_(std::move(mergeKey)) {}

bool NodeSpecCommand::mergeWith(const QUndoCommand* other) {
  auto* o = static_cast<const NodeSpecCommand*>(other);
  if (mergeKey_.isEmpty() || o->mergeKey_ != mergeKey_ || o->before_.id != after_.id) return false;
  after_ = o->after_;
  return true;
}

void NodeSpecCommand::apply(bool forward) {
  auto& d = impl();
  int index = d.indexOf(QString::fromStdString(before_.id));
  if (index >= 0) d.replaceNode(index, forward ? after_ : before_);
}

// --- MoveCommand -------------------------------------------------------------

MoveCommand::MoveCommand(PipelineModel* model, const QString& text, Entries entries, bool isDrag,
                         bool continues)
  : ModelCommand(model, text), entries_(std::move(entries)), isDrag_(isDrag),
    continues_(continues) {}

bool MoveCommand::mergeWith(const QUndoCommand* other) {
  auto* o = static_cast<const MoveCommand*>(other);
  if (!o->continues_ || !isDrag_ || o->entries_.size() != entries_.size()) return false;
  for (const auto& [id, change] : o->entries_)
    if (!entries_.count(id)) return false;
  for (const auto& [id, change] : o->entries_) entries_[id].second = change.second;
  return true;
}

void MoveCommand::apply(bool forward) {
  auto& d = impl();
  for (const auto& [id, change] : entries_) d.setLayout(id, forward ? change.second : change.first);
}

// --- RenameCommand -----------------------------------------------------------

RenameCommand::RenameCommand(PipelineModel* model, QString from, QString to)
  : ModelCommand(model, PipelineModel::tr("Rename %1 to %2").arg(from, to)), from_(std::move(from)),
    to_(std::move(to)) {}

void RenameCommand::apply(bool forward) {
  if (forward) impl().renameIds(from_, to_);
  else impl().renameIds(to_, from_);
}

// --- EdgeSpecCommand ---------------------------------------------------------

EdgeSpecCommand::EdgeSpecCommand(PipelineModel* model, const QString& text, int index,
                                 core::pipeline::edge_spec before, core::pipeline::edge_spec after)
  : ModelCommand(model, text), index_(index), before_(std::move(before)), after_(std::move(after)) {
}

bool EdgeSpecCommand::mergeWith(const QUndoCommand* other) {
  auto* o = static_cast<const EdgeSpecCommand*>(other);
  if (o->index_ != index_ || !(o->before_.from == after_.from) || !(o->before_.to == after_.to))
    return false;
  after_ = o->after_;
  return true;
}

void EdgeSpecCommand::apply(bool forward) {
  impl().replaceEdge(index_, forward ? after_ : before_);
}

// --- PipelineInfoCommand -----------------------------------------------------

PipelineInfoCommand::PipelineInfoCommand(PipelineModel* model, Field field, std::string before,
                                         std::string after)
  : ModelCommand(model, field == Field::Name ? QObject::tr("Set pipeline name")
                                             : QObject::tr("Set pipeline description")),
    field_(field), before_(std::move(before)), after_(std::move(after)) {}

bool PipelineInfoCommand::mergeWith(const QUndoCommand* other) {
  auto* o = static_cast<const PipelineInfoCommand*>(other);
  if (o->field_ != field_) return false;
  after_ = o->after_;
  return true;
}

void PipelineInfoCommand::apply(bool forward) {
  impl().setPipelineInfo(field_ == Field::Name, forward ? after_ : before_);
}

} // namespace sluice::editor::model
