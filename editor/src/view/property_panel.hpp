#pragma once

#include <QDockWidget>
#include <QPointer>

#include <nlohmann/json.hpp>

#include <optional>

#include "model/pipeline_model.hpp"

class QFormLayout;
class QLabel;
class QScrollArea;

namespace sluice::editor::view {

/// The properties of the selected node, generated from its descriptor's
/// property specs (property_editors.hpp), plus id (rename), parallelism and
/// on_error; with nothing selected, the pipeline's name, description and
/// size. Every edit is a model call, hence undoable. The form is
/// rebuilt when the node changes from elsewhere (undo, paste), but not
/// while the user types into it.
class PropertyPanel : public QDockWidget {
  Q_OBJECT

public:
  explicit PropertyPanel(model::PipelineModel& model, QWidget* parent = nullptr);

  /// Shows `id`'s properties; "" shows the pipeline's (name, description).
  void showNode(const QString& id);
  /// Shows an edge's capacity and partition.
  void showEdge(const model::EdgeKey& edge);
  const QString& nodeId() const { return nodeId_; }
  /// The editor of param `name` (objectName "param:<name>"), for tests.
  QWidget* editorFor(const QString& name) const;
  QWidget* form() const { return form_; }

private:
  void rebuild();
  void commitParam(const QString& name, const nlohmann::json& value);
  void addGeneralRows(QFormLayout* layout);
  void buildEdgeForm(QFormLayout* layout);
  void buildPipelineForm(QFormLayout* layout); ///< property_panel_pipeline.cpp
  QString countsText() const;
  QWidget* startForm(QFormLayout** layout);

  model::PipelineModel& model_;
  QString nodeId_;
  std::optional<model::EdgeKey> edge_; ///< shown instead of a node when set
  QScrollArea* scroll_;
  QPointer<QWidget> form_;
  QLabel* problems_ = nullptr;
  QPointer<QLabel> counts_; ///< nodes and edges, on the pipeline form
  bool selfEdit_ = false;   ///< our own edit: do not rebuild under the user's cursor
};

} // namespace sluice::editor::view
