#pragma once

// The params of `transform.alert`, checked against the input schema once at
// bind (alert.cpp has the operator, alert_table.hpp the state machine).

#include <memory>
#include <string>
#include <vector>

#include "sluice/core/descriptor.hpp"
#include "sluice/core/expr/expression.hpp"
#include "sluice/core/params.hpp"
#include "sluice/ops/connect/record_template.hpp"
#include "sluice/ops/transform/alert_table.hpp"

namespace sluice::ops::transform {

struct alert_config {
  core::expr::compiled_expression when; ///< boolean
  std::vector<std::size_t> key_fields;
  std::vector<core::value_type> key_types;
  std::size_t ts_index = 0; ///< the event-time field
  std::string ts_name;
  alert_timing timing;
  core::duration_us idle_timeout = 0; ///< 0: channels never count as idle
  connect::record_template message;
  std::vector<std::string> label_names; ///< in name order
  std::vector<connect::record_template> labels;
  core::schema_ptr input;
  /// status, the key fields, since, at, message, then one string per label.
  core::schema_ptr output;
};

using alert_config_ptr = std::shared_ptr<const alert_config>;

std::vector<core::property_spec> alert_properties();

/// Throws core::param_error naming the param: a `when` that does not
/// compile or is not boolean, an unknown or repeated key field, a template
/// naming an unknown field, a label that is not a string or whose name an
/// output field already has, no event-time field, a resolve_after of 0.
alert_config_ptr make_alert_config(const core::params& p, const core::bind_context& ctx);

} // namespace sluice::ops::transform
