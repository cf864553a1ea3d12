#pragma once

// The undo commands of PipelineModel: every edit is one of these, pushed
// on the model's QUndoStack. They are built from the primitives of
// PipelineModel::Impl (model_impl.hpp) and re-check the document after
// each redo/undo unless only positions changed.

#include <QHash>
#include <QUndoCommand>

#include <map>
#include <vector>

#include "model/pipeline_model.hpp"

namespace sluice::editor::model {

class ModelCommand : public QUndoCommand {
public:
  void redo() final;
  void undo() final;

protected:
  ModelCommand(PipelineModel* model, const QString& text);
  PipelineModel::Impl& impl() const { return *model_->d; }
  virtual void apply(bool forward) = 0;
  /// False for edits of `layout` only: no re-check needed.
  virtual bool changesMeaning() const { return true; }

private:
  PipelineModel* model_;
};

/// Adds or removes nodes (with their layout) and edges in one step: add
/// node, remove nodes, connect, disconnect and paste are all this.
class StructureCommand : public ModelCommand {
public:
  struct NodeItem {
    int index = 0; ///< position in doc.nodes when present
    core::pipeline::node_spec spec;
    nlohmann::json layout; ///< null if the node has no position
  };
  struct EdgeItem {
    int index = 0; ///< position in doc.edges when present
    core::pipeline::edge_spec spec;
  };

  /// `adding`: redo inserts the items at their indexes; else redo erases
  /// them. Indexes ascending.
  StructureCommand(PipelineModel* model, const QString& text, bool adding,
                   std::vector<NodeItem> nodes, std::vector<EdgeItem> edges);

private:
  void apply(bool forward) override;
  void insert();
  void erase();

  bool adding_;
  std::vector<NodeItem> nodes_;
  std::vector<EdgeItem> edges_;
};

/// Replaces a node's spec (params, parallelism, on_error). Consecutive
/// commands on the same node with the same non-empty merge key (e.g. one
/// param while typing) merge.
class NodeSpecCommand : public ModelCommand {
public:
  NodeSpecCommand(PipelineModel* model, const QString& text, core::pipeline::node_spec before,
                  core::pipeline::node_spec after, QString mergeKey);
  int id() const override { return 1; }
  bool mergeWith(const QUndoCommand* other) override;

private:
  void apply(bool forward) override;
  core::pipeline::node_spec before_, after_;
  QString mergeKey_;
};

/// Moves nodes: layout entries before and after (null = none). A drag's
/// moves are one step: a move that `continues` the drag merges into the
/// previous move of the same nodes if that one `isDrag`.
class MoveCommand : public ModelCommand {
public:
  using Entries = std::map<QString, std::pair<nlohmann::json, nlohmann::json>>;
  MoveCommand(PipelineModel* model, const QString& text, Entries entries, bool isDrag,
              bool continues);
  int id() const override { return 2; }
  bool mergeWith(const QUndoCommand* other) override;

private:
  void apply(bool forward) override;
  bool changesMeaning() const override { return false; }
  Entries entries_;
  bool isDrag_, continues_;
};

class RenameCommand : public ModelCommand {
public:
  RenameCommand(PipelineModel* model, QString from, QString to);

private:
  void apply(bool forward) override;
  QString from_, to_;
};

/// Replaces an edge's capacity/partition.
class EdgeSpecCommand : public ModelCommand {
public:
  EdgeSpecCommand(PipelineModel* model, const QString& text, int index,
                  core::pipeline::edge_spec before, core::pipeline::edge_spec after);
  int id() const override { return 3; }
  bool mergeWith(const QUndoCommand* other) override;

private:
  void apply(bool forward) override;
  int index_;
  core::pipeline::edge_spec before_, after_;
};

/// Replaces the pipeline's name or description; consecutive edits of the
/// same field merge (typing).
class PipelineInfoCommand : public ModelCommand {
public:
  enum class Field { Name, Description };
  PipelineInfoCommand(PipelineModel* model, Field field, std::string before, std::string after);
  int id() const override { return 4; }
  bool mergeWith(const QUndoCommand* other) override;

private:
  void apply(bool forward) override;
  bool changesMeaning() const override { return false; } // the validator ignores both
  Field field_;
  std::string before_, after_;
};

} // namespace sluice::editor::model
