// `window.tumbling`: per key, aggregates over back-to-back windows of `size`
// (a duration: time windows [start, start + size) aligned to the epoch; an
// integer: that many records per key). Emits key fields, window_start,
// window_end and the aggregates once a window is complete (event-time
// progress, or the clock in processing time, reaches its end). See
// operators/docs/windows.md for lateness and corrections.

#include "sluice/core/descriptor.hpp"
#include "sluice/ops/window/window_config.hpp"
#include "sluice/ops/window/window_operator.hpp"

namespace sluice::ops::window {

core::descriptor tumbling_window_descriptor() {
  core::descriptor d;
  d.kind = "window.tumbling";
  d.category = "window";
  d.summary = "Aggregates per key over fixed, non-overlapping windows of time or of records";
  d.inputs = window_inputs();
  d.outputs = window_outputs();
  d.properties = window_properties(window_shape::tumbling);
  d.bind = [](const core::params& p, const core::bind_context& ctx) -> core::bound_ptr {
    return bind_window(make_window_config(window_shape::tumbling, p, ctx));
  };
  return d;
}

} // namespace sluice::ops::window
