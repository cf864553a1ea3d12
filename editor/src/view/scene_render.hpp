#pragma once

#include <QImage>

namespace sluice::editor::view {

class PipelineScene;

/// The whole pipeline drawn into an image (white background, a margin,
/// `scale` device pixels per scene unit); no window or display needed.
QImage renderScene(PipelineScene& scene, qreal scale = 1.5);

} // namespace sluice::editor::view
