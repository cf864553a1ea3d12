#pragma once

// The private state of PipelineModel and the primitive edits the undo
// commands are made of. Each primitive changes the document and emits the
// matching signal; the command that called it re-checks afterwards.

#include <QElapsedTimer>
#include <QHash>
#include <QUndoStack>

#include "model/pipeline_model.hpp"

namespace sluice::editor::model {

struct PipelineModel::Impl {
  Impl(PipelineModel* q, const core::registry& registry);

  PipelineModel* q;
  const core::registry& registry;
  core::pipeline::pipeline_document doc;
  core::pipeline::checked_pipeline checked;
  QUndoStack* undo = nullptr;
  QString filePath;
  /// The bytes the document was loaded from (or last saved as) and what
  /// they parsed to: saving unchanged writes them back as they were.
  std::string loadedText;
  core::pipeline::pipeline_document loadedDoc;
  QHash<QString, int> nodeIndex; ///< id -> index in doc.nodes
  /// Where nodes without a `layout` entry are drawn: laid out once when the
  /// document is opened, never written unless the user moves them.
  QHash<QString, QPointF> autoPositions;
  PipelineModel::NodeSizeProvider nodeSize; ///< for autoLayout; may be empty
  bool moveOpen = false;                    ///< the last command is a move that may still grow
  QElapsedTimer sinceMove;                  ///< since that move; a pause ends a drag too

  // --- reading -------------------------------------------------------------
  int indexOf(const QString& id) const { return nodeIndex.value(id, -1); }
  int edgeIndex(const EdgeKey& key) const;
  static EdgeKey keyOf(const core::pipeline::edge_spec& e);
  /// Layout entry of a node, or null.
  nlohmann::json layoutOf(const std::string& id) const;

  // --- whole document -----------------------------------------------------
  void reindex();
  void placeUnpositioned();
  /// Runs the validator on the document and emits problemsChanged.
  void recheck();
  void replaceDocument(core::pipeline::pipeline_document next, std::string text);

  // --- primitives ---------------------------------------------------------
  void insertNode(int index, core::pipeline::node_spec node, const nlohmann::json& layout);
  core::pipeline::node_spec eraseNode(int index); ///< also drops its layout entry
  void insertEdge(int index, core::pipeline::edge_spec edge);
  void eraseEdge(int index);
  void replaceNode(int index, core::pipeline::node_spec node);
  void replaceEdge(int index, core::pipeline::edge_spec edge);
  /// null `entry` removes the node's position.
  void setLayout(const QString& id, const nlohmann::json& entry);
  /// Rewrites the id in the node, its edges and layout; edges touching it
  /// are reported removed before and added after nodeRenamed.
  void renameIds(const QString& from, const QString& to);
  /// Sets doc.name (`name`) or doc.description and emits pipelineInfoChanged.
  void setPipelineInfo(bool name, std::string value);
};

/// {"x": x, "y": y} with whole pixels, as hand-written files have them.
nlohmann::json layoutEntry(QPointF pos);
QPointF pointOf(const nlohmann::json& entry);

} // namespace sluice::editor::model
