#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "sluice/core/descriptor.hpp"
#include "sluice/core/params.hpp"
#include "sluice/ops/aggregate/aggregate.hpp"

namespace sluice::ops::window {

enum class window_shape { tumbling, sliding, session };

/// Everything a window operator is built from, checked once by
/// make_window_config. Immutable and shared by the operator's parts.
struct window_config {
  window_shape shape = window_shape::tumbling;
  /// `size`/`slide` were integers: windows of records per key, not of time.
  bool count_based = false;
  std::int64_t size = 0;     ///< microseconds, or records when count_based
  std::int64_t slide = 0;    ///< as size; == size for tumbling
  core::duration_us gap = 0; ///< sessions
  bool processing_time = false;
  int ts_index = -1; ///< event-time field; -1 with processing time
  std::string ts_name;
  std::vector<int> key_fields;
  std::vector<core::value_type> key_types;
  core::duration_us max_out_of_order = 0;
  core::duration_us allowed_lateness = 0;
  core::duration_us idle_timeout = 0;
  std::shared_ptr<const aggregate::aggregate_list> aggregates;
  core::schema_ptr input;
  /// key fields, window_start, window_end, then the aggregates.
  core::schema_ptr output;
  /// Whether an edge leaves `late` (true when unknown): if not, late records
  /// are only counted (emitter::late).
  bool late_connected = true;
};

using window_config_ptr = std::shared_ptr<const window_config>;

/// The property specs of window.<shape>: its own (`size`, `slide` or `gap`),
/// then the common ones.
std::vector<core::property_spec> window_properties(window_shape shape);

/// The ports every window has: input `in`; outputs `out` and `late`.
std::vector<core::port_spec> window_inputs();
std::vector<core::port_spec> window_outputs();

/// Checks the params against the input schema; throws core::param_error
/// naming the property (and the aggregates entry).
window_config_ptr make_window_config(window_shape shape, const core::params& p,
                                     const core::bind_context& ctx);

} // namespace sluice::ops::window
