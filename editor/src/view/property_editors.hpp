#pragma once

#include <nlohmann/json.hpp>

#include "view/property_context.hpp"
#include "view/runtime_headers.hpp"

class QWidget;

namespace sluice::editor::view {

/// The editor for one property, chosen by its spec's type alone (no
/// per-operator or per-name code): checkbox, spin boxes with the spec's
/// range, combo of choices, duration/timestamp fields checked by core's
/// parsers, field picker (field) and field list (field_list) offering the
/// fields of the spec's input port, expression editor, expression-map table,
/// aggregates table (aggregate_list), password line (secret), JSON text.
/// `value` is the param as written (null when absent). Edits go to
/// ctx.commit. The widget's objectName is "param:<name>".
QWidget* createPropertyEditor(const core::property_spec& spec, const nlohmann::json& value,
                              const PropertyContext& ctx, QWidget* parent);

} // namespace sluice::editor::view
