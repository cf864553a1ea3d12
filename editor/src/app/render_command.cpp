#include "app/render_command.hpp"

#include <QImage>

#include <cstdio>

#include "app/document_layout.hpp"
#include "model/pipeline_model.hpp"
#include "run/resume_check.hpp"
#include "view/pipeline_scene.hpp"
#include "view/scene_render.hpp"

namespace sluice::editor::app {

int renderCommand(const core::registry& registry, const QString& file, const QString& out) {
  model::PipelineModel model(registry);
  const QString error = model.load(file);
  if (!error.isEmpty()) {
    std::fprintf(stderr, "sluice-editor: cannot render %s: %s\n", qPrintable(file),
                 qPrintable(error));
    return 2;
  }
  ensureLayout(model);
  view::PipelineScene scene(model);
  // With a checkpoint directory that holds a checkpoint: the resume badges.
  run::ResumeCheck resume(model);
  scene.showResume(&resume);
  const QImage image = view::renderScene(scene);
  if (image.isNull() || !image.save(out, "PNG")) {
    std::fprintf(stderr, "sluice-editor: cannot write %s\n", qPrintable(out));
    return 2;
  }
  if (!model.problems().empty())
    std::fprintf(stderr, "sluice-editor: %s has %zu problem(s); drawn with markers\n",
                 qPrintable(file), model.problems().size());
  return 0;
}

} // namespace sluice::editor::app
