#include "app/document_layout.hpp"

#include <QUndoStack>

#include "model/pipeline_model.hpp"

namespace sluice::editor::app {

bool needsLayout(const model::PipelineModel& model) {
  const auto& layout = model.document().layout;
  for (const core::pipeline::node_spec& n : model.document().nodes)
    if (!layout.is_object() || !layout.contains(n.id)) return true;
  return false;
}

bool ensureLayout(model::PipelineModel& model) {
  if (model.document().nodes.empty() || !needsLayout(model)) return false;
  const bool wasClean = !model.isDirty();
  model.autoLayout();
  if (wasClean) model.undoStack()->clear();
  return true;
}

} // namespace sluice::editor::app
