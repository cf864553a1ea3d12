#pragma once

#include <QHash>
#include <QObject>
#include <QPointF>
#include <QSizeF>
#include <QString>
#include <QStringList>

#include <nlohmann/json.hpp>

#include <functional>
#include <memory>
#include <vector>

#include "model/core_headers.hpp"

class QUndoStack;

namespace sluice::editor::model {

/// One edge as the editor names it: the endpoints exactly as the document
/// stores them ("node" or "node.port"). (from, to) is unique in a valid
/// document, so it identifies the edge.
struct EdgeKey {
  QString from;
  QString to;
  friend bool operator==(const EdgeKey& a, const EdgeKey& b) {
    return a.from == b.from && a.to == b.to;
  }
};

/// A port of a node as drawn: its name, and whether it is the implicit
/// `errors` port or a window's `late` port (drawn distinctly).
struct PortInfo {
  QString name;
  QString help;
  bool isErrors = false;
  bool isLate = false;
};

/// The model of docs/ARCHITECTURE.md §8: owns the pipeline document; the scene and the
/// docks only listen to its signals and call its edit functions. Every edit
/// goes through a QUndoCommand on undoStack(), so undo/redo covers moves,
/// property changes, connections, paste and auto-layout alike.
///
/// After every change the document is re-checked with core::pipeline::check (the
/// same validator as `sluice validate`); checked() and problems() are that
/// result, and problemsChanged() is emitted.
///
/// Saving goes through core::pipeline::pipeline_document::dump: a file opened and
/// saved unchanged is byte-identical; moving nodes touches only `layout`.
class PipelineModel : public QObject {
  Q_OBJECT

public:
  explicit PipelineModel(const core::registry& registry, QObject* parent = nullptr);
  ~PipelineModel() override;

  const core::registry& registry() const;
  const core::pipeline::pipeline_document& document() const;
  const core::pipeline::checked_pipeline& checked() const;
  QUndoStack* undoStack() const;

  // --- files ---------------------------------------------------------------
  /// Empty document, clean undo stack, no file.
  void newDocument();
  /// Replaces the document; returns "" or the error (document_error text,
  /// naming the place). Structural errors refuse the file; validation
  /// problems do not (they show as problems).
  QString load(const QString& path);
  /// As load, from text (clipboard, tests). `path` stays as it was.
  QString loadText(const QString& json);
  /// Writes document().dump(); returns "" or the error. Marks clean.
  QString save(const QString& path);
  QString filePath() const;
  bool isDirty() const; ///< undo stack not at its clean index
  /// The text save() would write now (the loaded bytes while unchanged).
  QString documentText() const;

  // --- queries -------------------------------------------------------------
  QStringList nodeIds() const; ///< in document order
  const core::pipeline::node_spec* node(const QString& id) const;
  const core::descriptor* descriptorOf(const QString& id) const;
  /// From `layout`; for a node without an entry there, where auto-layout
  /// placed it when the document was opened (most hand-written files have
  /// no layout), so it draws sensibly without the file changing.
  QPointF position(const QString& id) const;
  bool hasStoredPosition(const QString& id) const; ///< has a `layout` entry
  std::vector<PortInfo> inputPorts(const QString& id) const;
  /// Data outputs (dynamic ones included), then `errors`.
  std::vector<PortInfo> outputPorts(const QString& id) const;
  std::vector<EdgeKey> edges() const; ///< in document order
  /// The schema flowing on an edge as "name: type, ..." or "" if unknown.
  QString edgeSchemaText(const EdgeKey& edge) const;
  /// Field names of the schema arriving at a node's input port (for field
  /// pickers); empty if unconnected or unknown.
  QStringList inputFields(const QString& id, int inputPort = 0) const;
  /// Every problem of the current document (validator diagnostics).
  const std::vector<core::pipeline::diagnostic>& problems() const;
  std::vector<core::pipeline::diagnostic> problemsOf(const QString& id) const;

  // --- edits (each one undoable) ------------------------------------------
  /// Adds a node of `kind` at `pos` with empty params (every property at
  /// its registry default, as a hand-written file would leave them out;
  /// required ones show as problems until set); the id is derived from the
  /// kind ("filter", "filter_2", ...). Returns the id, or "" for an
  /// unknown kind.
  QString addNode(const QString& kind, QPointF pos);
  /// Removes the nodes and every edge touching them, as one command.
  void removeNodes(const QStringList& ids);
  /// Moves nodes (one command; consecutive moves of the same set while
  /// dragging, less than half a second apart, merge into one undo step).
  void moveNodes(const QHash<QString, QPointF>& positions);
  /// Ends a drag: the next moveNodes() starts a new undo step even for the
  /// same nodes. Call it on mouse release (after the last moveNodes). Any
  /// undo/redo or other edit ends a drag too.
  void finishMove();
  /// Sets one param (null removes it). Consecutive edits of the same param
  /// merge into one undo step (typing in a field).
  void setParam(const QString& id, const QString& name, const nlohmann::json& value);
  void setParallelism(const QString& id, int parallelism);
  void setOnError(const QString& id, const QString& policy); ///< "" = default
  /// Renames a node, rewriting edges and layout. Returns "" or why not.
  QString renameNode(const QString& id, const QString& newId);
  /// The pipeline's own `name` and `description`. Consecutive edits of the
  /// same one merge into one undo step (typing in a field).
  void setPipelineName(const QString& name);
  void setPipelineDescription(const QString& description);
  QString pipelineName() const;
  QString pipelineDescription() const;

  /// Why connecting `from` ("node.port") to `to` would be refused, or "" if
  /// it is accepted. Checked with the validator on a copy of the document:
  /// port already taken, type mismatch, cycle, unknown field, ...
  QString connectionProblem(const QString& from, const QString& to) const;
  /// Connects if connectionProblem() is ""; returns the problem otherwise.
  /// A port that is its node's only one is stored without the port name, as
  /// a hand-written file would be.
  QString connect(const QString& from, const QString& to);
  void disconnect(const EdgeKey& edge);
  void setEdgeCapacity(const EdgeKey& edge, qint64 capacity);
  void setEdgePartition(const EdgeKey& edge, const QString& partition);

  // --- clipboard -----------------------------------------------------------
  /// A readable JSON fragment of the nodes, the edges between them and
  /// their layout: {"nodes": [...], "edges": [...], "layout": {...}}.
  QString copyFragment(const QStringList& ids) const;
  /// Pastes a fragment (or a whole pipeline file) with its top-left node at
  /// `at`; colliding ids get a suffix. One undo step. Returns the new ids;
  /// on bad JSON returns {} and sets *error to the reason.
  QStringList pasteFragment(const QString& json, QPointF at, QString* error = nullptr);

  // --- layout --------------------------------------------------------------
  /// Arranges the pipeline left to right in layers (longest path), ordering
  /// each layer to reduce crossings (barycentre sweeps). One undo step.
  /// Node sizes come from the size provider (the scene sets one), so
  /// layers and rows leave room for tall or wide nodes.
  void autoLayout();
  /// How big a node is drawn, for autoLayout; an empty size for an unknown
  /// node. Pass {} to drop it (the scene does when it goes).
  using NodeSizeProvider = std::function<QSizeF(const QString& id)>;
  void setNodeSizeProvider(NodeSizeProvider provider);

signals:
  void documentReset(); ///< new/load: redraw everything
  /// Order within one edit: edges are removed before their nodes and
  /// added after them, so an edge never names a missing node.
  void nodeAdded(const QString& id);
  void nodeRemoved(const QString& id);
  void nodeChanged(const QString& id);            ///< params, parallelism, on_error, ports
  void nodeMoved(const QString& id, QPointF pos); ///< pos as position() gives it
  /// The edges touching the node are reported removed (old names) before
  /// and added (new names) after this signal.
  void nodeRenamed(const QString& oldId, const QString& newId);
  void edgeAdded(const sluice::editor::model::EdgeKey& edge);
  void edgeRemoved(const sluice::editor::model::EdgeKey& edge);
  void edgeChanged(const sluice::editor::model::EdgeKey& edge);
  void problemsChanged();
  /// The pipeline's name or description changed (also after new/load).
  void pipelineInfoChanged();
  void dirtyChanged(bool dirty);
  void filePathChanged(const QString& path);

private:
  struct Impl;
  std::unique_ptr<Impl> d;
  friend class ModelCommand;
};

} // namespace sluice::editor::model

Q_DECLARE_METATYPE(sluice::editor::model::EdgeKey)
