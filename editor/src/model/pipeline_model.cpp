// PipelineModel: files and queries. The edits are in pipeline_model_edits.cpp.
#include "model/pipeline_model.hpp"

#include <QFile>
#include <QFileInfo>
#include <QSaveFile>
#include <QUndoStack>

#include "model/model_impl.hpp"
#include "model/saved_text.hpp"

namespace sluice::editor::model {

namespace {

QString qs(const std::string& s) { return QString::fromStdString(s); }

} // namespace

PipelineModel::PipelineModel(const core::registry& registry, QObject* parent)
  : QObject(parent), d(std::make_unique<Impl>(this, registry)) {
  qRegisterMetaType<sluice::editor::model::EdgeKey>();
  d->undo = new QUndoStack(this);
  QObject::connect(d->undo, &QUndoStack::cleanChanged, this,
                   [this](bool clean) { Q_EMIT dirtyChanged(!clean); });
  // Undo, redo or another edit ends a drag (moveNodes re-opens it after its push).
  QObject::connect(d->undo, &QUndoStack::indexChanged, this, [this] { d->moveOpen = false; });
  d->checked = core::pipeline::check(d->doc, registry);
}

PipelineModel::~PipelineModel() = default;

const core::registry& PipelineModel::registry() const { return d->registry; }
const core::pipeline::pipeline_document& PipelineModel::document() const { return d->doc; }
const core::pipeline::checked_pipeline& PipelineModel::checked() const { return d->checked; }
QUndoStack* PipelineModel::undoStack() const { return d->undo; }

// --- files -------------------------------------------------------------------

void PipelineModel::newDocument() {
  d->replaceDocument(core::pipeline::pipeline_document{}, {});
  if (!d->filePath.isEmpty()) {
    d->filePath.clear();
    Q_EMIT filePathChanged(d->filePath);
  }
}

QString PipelineModel::load(const QString& path) {
  QFile file(path);
  if (!file.open(QIODevice::ReadOnly))
    return tr("cannot open %1: %2").arg(path, file.errorString());
  auto bytes = file.readAll();
  std::string text(bytes.constData(), static_cast<std::size_t>(bytes.size()));
  core::pipeline::pipeline_document doc;
  try {
    doc = core::pipeline::pipeline_document::parse(text);
  } catch (const std::exception& e) {
    return tr("%1: %2").arg(path, QString::fromUtf8(e.what()));
  }
  d->replaceDocument(std::move(doc), std::move(text));
  if (d->filePath != path) {
    d->filePath = path;
    Q_EMIT filePathChanged(path);
  }
  return {};
}

QString PipelineModel::loadText(const QString& json) {
  std::string text = json.toStdString();
  core::pipeline::pipeline_document doc;
  try {
    doc = core::pipeline::pipeline_document::parse(text);
  } catch (const std::exception& e) {
    return QString::fromUtf8(e.what());
  }
  d->replaceDocument(std::move(doc), std::move(text));
  return {};
}

QString PipelineModel::documentText() const {
  return qs(textToSave(d->doc, d->loadedText, d->loadedDoc));
}

QString PipelineModel::save(const QString& path) {
  // An untitled pipeline saved for the first time without a name is named
  // after its file ("orders.json" -> "orders"), as one undo step.
  if (d->filePath.isEmpty() && d->doc.name.empty()) {
    const QString base = QFileInfo(path).completeBaseName();
    if (!base.isEmpty()) setPipelineName(base);
  }
  auto text = textToSave(d->doc, d->loadedText, d->loadedDoc);
  QSaveFile file(path);
  if (!file.open(QIODevice::WriteOnly))
    return tr("cannot write %1: %2").arg(path, file.errorString());
  file.write(text.data(), static_cast<qint64>(text.size()));
  if (!file.commit()) return tr("cannot write %1: %2").arg(path, file.errorString());
  d->loadedText = std::move(text);
  d->loadedDoc = d->doc;
  d->undo->setClean();
  if (d->filePath != path) {
    d->filePath = path;
    Q_EMIT filePathChanged(path);
  }
  return {};
}

QString PipelineModel::filePath() const { return d->filePath; }
bool PipelineModel::isDirty() const { return !d->undo->isClean(); }

// --- queries -----------------------------------------------------------------

QStringList PipelineModel::nodeIds() const {
  QStringList out;
  out.reserve(static_cast<int>(d->doc.nodes.size()));
  for (const auto& n : d->doc.nodes) out << qs(n.id);
  return out;
}

const core::pipeline::node_spec* PipelineModel::node(const QString& id) const {
  int i = d->indexOf(id);
  return i < 0 ? nullptr : &d->doc.nodes[static_cast<std::size_t>(i)];
}

const core::descriptor* PipelineModel::descriptorOf(const QString& id) const {
  const auto* n = node(id);
  return n ? d->registry.find(n->kind) : nullptr;
}

QPointF PipelineModel::position(const QString& id) const {
  auto entry = d->layoutOf(id.toStdString());
  return entry.is_null() ? d->autoPositions.value(id) : pointOf(entry);
}

bool PipelineModel::hasStoredPosition(const QString& id) const {
  return !d->layoutOf(id.toStdString()).is_null();
}

std::vector<PortInfo> PipelineModel::inputPorts(const QString& id) const {
  std::vector<PortInfo> out;
  if (const auto* desc = descriptorOf(id))
    for (const auto& p : desc->inputs) out.push_back({qs(p.name), qs(p.help), false, false});
  return out;
}

std::vector<PortInfo> PipelineModel::outputPorts(const QString& id) const {
  std::vector<PortInfo> out;
  const auto* desc = descriptorOf(id);
  if (!desc) return out;
  for (const auto& p : desc->outputs_for(node(id)->params))
    out.push_back({qs(p.name), qs(p.help), false, p.name == "late"});
  out.push_back({QString::fromLatin1(core::errors_port),
                 tr("records the node could not handle, with the reason"), true, false});
  return out;
}

std::vector<EdgeKey> PipelineModel::edges() const {
  std::vector<EdgeKey> out;
  out.reserve(d->doc.edges.size());
  for (const auto& e : d->doc.edges) out.push_back(Impl::keyOf(e));
  return out;
}

QString PipelineModel::edgeSchemaText(const EdgeKey& edge) const {
  int i = d->edgeIndex(edge);
  if (i < 0 || static_cast<std::size_t>(i) >= d->checked.edges.size()) return {};
  const auto& schema = d->checked.edges[static_cast<std::size_t>(i)].schema;
  if (!schema) return {};
  QStringList parts;
  for (const auto& f : schema->fields())
    parts << qs(f.name) + QStringLiteral(": ") + qs(std::string(core::name_of(f.type)));
  return parts.join(QStringLiteral(", "));
}

QStringList PipelineModel::inputFields(const QString& id, int inputPort) const {
  int i = d->indexOf(id);
  if (i < 0 || static_cast<std::size_t>(i) >= d->checked.nodes.size()) return {};
  const auto& inputs = d->checked.nodes[static_cast<std::size_t>(i)].input_schemas;
  if (inputPort < 0 || static_cast<std::size_t>(inputPort) >= inputs.size()) return {};
  const auto& schema = inputs[static_cast<std::size_t>(inputPort)];
  QStringList out;
  if (schema)
    for (const auto& f : schema->fields()) out << qs(f.name);
  return out;
}

const std::vector<core::pipeline::diagnostic>& PipelineModel::problems() const {
  return d->checked.errors;
}

std::vector<core::pipeline::diagnostic> PipelineModel::problemsOf(const QString& id) const {
  auto wanted = id.toStdString();
  std::vector<core::pipeline::diagnostic> out;
  for (const auto& p : d->checked.errors) {
    bool mine = p.node == wanted;
    if (!mine && !p.edge.empty()) {
      auto arrow = p.edge.find(" -> ");
      if (arrow != std::string::npos)
        mine = core::pipeline::endpoint::parse(p.edge.substr(0, arrow)).node == wanted
               || core::pipeline::endpoint::parse(p.edge.substr(arrow + 4)).node == wanted;
    }
    if (mine) out.push_back(p);
  }
  return out;
}

} // namespace sluice::editor::model
