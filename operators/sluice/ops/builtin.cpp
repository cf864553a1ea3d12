#include "sluice/ops/builtin.hpp"

#include "sluice/ops/join/interval_join.hpp"
#include "sluice/ops/join/window_join.hpp"
#include "sluice/ops/sink/file_sink.hpp"
#include "sluice/ops/sink/null_sink.hpp"
#include "sluice/ops/sink/sqlite_sink.hpp"
#include "sluice/ops/sink/stdout_sink.hpp"
#include "sluice/ops/source/file_source.hpp"
#include "sluice/ops/source/generator.hpp"
#include "sluice/ops/source/nexmark_source.hpp"
#include "sluice/ops/synopsis/heavy_hitters.hpp"
#include "sluice/ops/synopsis/running.hpp"
#include "sluice/ops/synopsis/sample.hpp"
#include "sluice/ops/transform/dedupe.hpp"
#include "sluice/ops/transform/filter.hpp"
#include "sluice/ops/transform/flatten.hpp"
#include "sluice/ops/transform/lookup.hpp"
#include "sluice/ops/transform/map.hpp"
#include "sluice/ops/transform/route.hpp"
#include "sluice/ops/transform/throttle.hpp"
#include "sluice/ops/transform/union.hpp"
#include "sluice/ops/window/session.hpp"
#include "sluice/ops/window/sliding.hpp"
#include "sluice/ops/window/tumbling.hpp"
// @includes (each area adds its headers above this line)

namespace sluice::ops {

void register_builtins(core::registry& reg) {
  // sources
  reg.add(generator_descriptor());
  reg.add(file_source_descriptor());
  reg.add(nexmark_descriptor());
  // @source
  // transforms
  reg.add(filter_descriptor());
  reg.add(map_descriptor());
  reg.add(throttle_descriptor());
  reg.add(union_descriptor());
  reg.add(route_descriptor());
  reg.add(dedupe_descriptor());
  reg.add(lookup_descriptor());
  reg.add(flatten_descriptor());
  // @transform
  // windows
  reg.add(tumbling_window_descriptor());
  reg.add(sliding_window_descriptor());
  reg.add(session_window_descriptor());
  // @window
  // synopses
  reg.add(sample_descriptor());
  reg.add(running_descriptor());
  reg.add(heavy_hitters_descriptor());
  // @synopsis
  // joins
  reg.add(window_join_descriptor());
  reg.add(interval_join_descriptor());
  // @join
  // sinks
  reg.add(file_sink_descriptor());
  reg.add(stdout_sink_descriptor());
  reg.add(null_sink_descriptor());
  reg.add(sqlite_sink_descriptor());
  // @sink
}

const core::registry& builtin_registry() {
  static const core::registry reg = [] {
    core::registry r;
    register_builtins(r);
    return r;
  }();
  return reg;
}

} // namespace sluice::ops
