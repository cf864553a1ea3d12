#include "sluice/ops/builtin.hpp"

#include "sluice/core/descriptor.hpp"

// The ONE registration table (docs/ARCHITECTURE.md §5): one line per
// operator kind, grouped by area. X(area, name) stands for the function
// `core::descriptor name_descriptor()` that the operator's .cpp defines in
// namespace sluice::ops::area; the table declares and registers it, so an
// operator needs no header of its own to be registered.
#define SLUICE_BUILTIN_OPERATORS(X)                                                                \
  /* sources */                                                                                    \
  X(source, generator)                                                                             \
  X(source, file_source)                                                                           \
  X(source, nexmark)                                                                               \
  X(kafka, kafka_source)                                                                           \
  X(redis, redis_source)                                                                           \
  X(http, http_source)                                                                             \
  X(mqtt, mqtt_source)                                                                             \
  X(postgres, postgres_source)                                                                     \
  /* transforms */                                                                                 \
  X(transform, filter)                                                                             \
  X(transform, map)                                                                                \
  X(transform, throttle)                                                                           \
  X(transform, union)                                                                              \
  X(transform, route)                                                                              \
  X(transform, dedupe)                                                                             \
  X(transform, lookup)                                                                             \
  X(transform, flatten)                                                                            \
  X(transform, alert)                                                                              \
  /* windows */                                                                                    \
  X(window, tumbling_window)                                                                       \
  X(window, sliding_window)                                                                        \
  X(window, session_window)                                                                        \
  /* synopses */                                                                                   \
  X(synopsis, sample)                                                                              \
  X(synopsis, running)                                                                             \
  X(synopsis, heavy_hitters)                                                                       \
  /* joins */                                                                                      \
  X(join, window_join)                                                                             \
  X(join, interval_join)                                                                           \
  /* sinks */                                                                                      \
  X(sink, file_sink)                                                                               \
  X(sink, stdout_sink)                                                                             \
  X(sink, null_sink)                                                                               \
  X(sink, sqlite_sink)                                                                             \
  X(kafka, kafka_sink)                                                                             \
  X(redis, redis_sink)                                                                             \
  X(http, http_sink)                                                                               \
  X(mqtt, mqtt_sink)                                                                               \
  X(postgres, postgres_sink)                                                                       \
  X(email, email_sink)                                                                             \
  X(dashboard, dashboard_sink)

namespace sluice::ops {

#define SLUICE_DECLARE_OPERATOR(area, name)                                                        \
  namespace area {                                                                                 \
  core::descriptor name##_descriptor();                                                            \
  }
SLUICE_BUILTIN_OPERATORS(SLUICE_DECLARE_OPERATOR)
#undef SLUICE_DECLARE_OPERATOR

void register_builtins(core::registry& reg) {
#define SLUICE_ADD_OPERATOR(area, name) reg.add(area::name##_descriptor());
  SLUICE_BUILTIN_OPERATORS(SLUICE_ADD_OPERATOR)
#undef SLUICE_ADD_OPERATOR
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
