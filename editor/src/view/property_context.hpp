#pragma once

#include <QString>
#include <QStringList>

#include <functional>

#include <nlohmann/json.hpp>

#include "model/pipeline_model.hpp"
#include "view/runtime_headers.hpp"

namespace sluice::editor::view {

/// What a generated property editor needs to know about its node, and how
/// it hands a new value back (the panel turns it into model.setParam).
struct PropertyContext {
  const model::PipelineModel* model = nullptr;
  QString nodeId;
  core::schema_ptr inputSchema;   ///< of input port 0; null when unknown
  QList<QStringList> inputFields; ///< per input port: the field names it brings
  std::function<void(const nlohmann::json&)> commit;

  /// The fields a field, field_list or aggregate_list param may name: those
  /// of its input port (property_spec::input); empty when unknown.
  QStringList fieldsFor(const core::property_spec& spec) const {
    return inputFields.value(qsizetype(spec.input));
  }
};

/// The schema arriving at input port 0 of `id`, as the validator computed
/// it; null when unconnected or unknown.
core::schema_ptr inputSchemaOf(const model::PipelineModel& model, const QString& id);

/// A red background for invalid input, plain otherwise.
void markInvalid(class QWidget* w, bool invalid, const QString& why = {});

} // namespace sluice::editor::view
