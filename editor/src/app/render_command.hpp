#pragma once

#include <QString>

namespace sluice::core {
class registry;
}

namespace sluice::editor::app {

/// `sluice-editor --render FILE OUT.png`: loads FILE, lays it out if it has
/// no layout, draws the canvas into OUT.png (with the resume badges when
/// FILE's checkpoint directory holds a checkpoint to resume from). Returns the exit code: 0, or 2
/// with a message naming the file on stderr. Needs a QApplication (any
/// platform, offscreen is fine) but no window.
int renderCommand(const core::registry& registry, const QString& file, const QString& out);

} // namespace sluice::editor::app
