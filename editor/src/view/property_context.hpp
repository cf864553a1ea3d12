#pragma once

#include <QString>
#include <QStringList>

#include <functional>

#include <nlohmann/json.hpp>

#include "model/pipeline_model.hpp"
#include "view/runtime_headers.hpp"

namespace sluice::editor {

/// What a generated property editor needs to know about its node, and how
/// it hands a new value back (the panel turns it into model.setParam).
struct PropertyContext {
  const PipelineModel* model = nullptr;
  QString nodeId;
  core::schema_ptr inputSchema; ///< of input port 0; null when unknown
  QStringList inputFields;      ///< field names offered by field pickers
  std::function<void(const nlohmann::json&)> commit;
};

/// The schema arriving at input port 0 of `id`, as the validator computed
/// it; null when unconnected or unknown.
core::schema_ptr inputSchemaOf(const PipelineModel& model, const QString& id);

/// True for params that name input fields (`key`, `timestamp`, `field`,
/// `fields`, `by`, `left_timestamp`, `drop`, `split`, ...): they get a
/// field picker offering the input schema's fields.
bool namesFields(const QString& param);

/// A red background for invalid input, plain otherwise.
void markInvalid(class QWidget* w, bool invalid, const QString& why = {});

} // namespace sluice::editor
