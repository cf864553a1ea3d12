#include "sluice/ops/window/tumbling.hpp"

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
