#include "sluice/ops/window/sliding.hpp"

#include "sluice/ops/window/count_window.hpp"
#include "sluice/ops/window/time_window.hpp"
#include "sluice/ops/window/window_config.hpp"

namespace sluice::ops {

core::descriptor sliding_window_descriptor() {
  core::descriptor d;
  d.kind = "window.sliding";
  d.category = "window";
  d.summary = "Aggregates per key over overlapping windows of time or of records";
  d.inputs = window_inputs();
  d.outputs = window_outputs();
  d.properties = window_properties(window_shape::sliding);
  d.create = [](const core::params& p, const core::operator_context& ctx) -> core::operator_ptr {
    auto cfg = make_window_config(window_shape::sliding, p, ctx);
    if (cfg->count_based) return make_count_window(cfg, ctx);
    return make_time_window(cfg, ctx);
  };
  return d;
}

} // namespace sluice::ops
