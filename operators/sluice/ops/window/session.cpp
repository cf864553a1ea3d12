// `window.session`: per key, records closer than `gap` form a session
// [first ts, last ts + gap), emitted once progress reaches its end.

#include "sluice/core/descriptor.hpp"
#include "sluice/ops/window/window_config.hpp"
#include "sluice/ops/window/window_operator.hpp"

namespace sluice::ops::window {

core::descriptor session_window_descriptor() {
  core::descriptor d;
  d.kind = "window.session";
  d.category = "window";
  d.summary = "Aggregates per key over sessions of activity separated by a gap";
  d.inputs = window_inputs();
  d.outputs = window_outputs();
  d.properties = window_properties(window_shape::session);
  d.bind = [](const core::params& p, const core::bind_context& ctx) -> core::bound_ptr {
    return bind_window(make_window_config(window_shape::session, p, ctx));
  };
  return d;
}

} // namespace sluice::ops::window
