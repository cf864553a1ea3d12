#pragma once

#include <nlohmann/json.hpp>

#include "view/property_context.hpp"
#include "view/runtime_headers.hpp"

class QWidget;

namespace sluice::editor {

/// The editor for one property, chosen by its spec alone (no per-operator
/// code): checkbox, spin boxes with the spec's range, combo of choices,
/// duration/timestamp fields checked by core's parsers, field pickers,
/// expression editor, expression-map table, aggregates table, JSON text.
/// `value` is the param as written (null when absent). Edits go to
/// ctx.commit. The widget's objectName is "param:<name>".
QWidget* createPropertyEditor(const core::property_spec& spec, const nlohmann::json& value,
                              const PropertyContext& ctx, QWidget* parent);

} // namespace sluice::editor
