// `window.sliding`: per key, aggregates over windows of `size` starting
// every `slide` (durations: time windows starting at multiples of slide;
// integers: windows of size records starting every slide records of a
// key). A record belongs to about size / slide windows.

#include "sluice/core/descriptor.hpp"
#include "sluice/ops/window/window_config.hpp"
#include "sluice/ops/window/window_operator.hpp"

namespace sluice::ops::window {

core::descriptor sliding_window_descriptor() {
  core::descriptor d;
  d.kind = "window.sliding";
  d.category = "window";
  d.summary = "Aggregates per key over overlapping windows of time or of records";
  d.inputs = window_inputs();
  d.outputs = window_outputs();
  d.properties = window_properties(window_shape::sliding);
  d.bind = [](const core::params& p, const core::bind_context& ctx) -> core::bound_ptr {
    return bind_window(make_window_config(window_shape::sliding, p, ctx));
  };
  return d;
}

} // namespace sluice::ops::window
