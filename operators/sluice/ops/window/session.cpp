#include "sluice/ops/window/session.hpp"

#include "sluice/ops/window/session_window.hpp"
#include "sluice/ops/window/window_config.hpp"

namespace sluice::ops {

core::descriptor session_window_descriptor() {
  core::descriptor d;
  d.kind = "window.session";
  d.category = "window";
  d.summary = "Aggregates per key over sessions of activity separated by a gap";
  d.inputs = window_inputs();
  d.outputs = window_outputs();
  d.properties = window_properties(window_shape::session);
  d.create = [](const core::params& p, const core::operator_context& ctx) -> core::operator_ptr {
    return make_session_window(make_window_config(window_shape::session, p, ctx), ctx);
  };
  return d;
}

} // namespace sluice::ops
