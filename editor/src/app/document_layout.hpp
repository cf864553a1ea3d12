#pragma once

namespace sluice::editor::model {
class PipelineModel;
}

namespace sluice::editor::app {

/// True when some node has no position in the document's `layout`.
bool needsLayout(const model::PipelineModel& model);

/// A file opened without a layout gets the auto-layout, but stays clean:
/// nothing the user did changed it (the undo history restarts there).
/// Returns whether a layout was made.
bool ensureLayout(model::PipelineModel& model);

} // namespace sluice::editor::app
