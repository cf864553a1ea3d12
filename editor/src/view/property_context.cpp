#include "view/property_context.hpp"

#include <QWidget>

namespace sluice::editor::view {

core::schema_ptr inputSchemaOf(const model::PipelineModel& model, const QString& id) {
  const std::string key = id.toStdString();
  for (const core::pipeline::resolved_node& n : model.checked().nodes)
    if (n.spec && n.spec->id == key)
      return n.input_schemas.empty() ? nullptr : n.input_schemas.front();
  return nullptr;
}

void markInvalid(QWidget* w, bool invalid, const QString& why) {
  w->setStyleSheet(invalid ? QStringLiteral("background-color: #ffd7d7;") : QString());
  w->setProperty("invalid", invalid);
  // Back to the help text once the input is fine again.
  w->setToolTip(invalid ? why : w->property("helpTip").toString());
}

} // namespace sluice::editor::view
