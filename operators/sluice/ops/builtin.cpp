#include "sluice/ops/builtin.hpp"

#include "sluice/core/descriptor.hpp"

// The ONE registration table (docs/ARCHITECTURE.md §5): one line per
// operator kind, grouped by area. X(name) stands for the function
// `core::descriptor name_descriptor()` that the operator's .cpp defines in
// namespace sluice::ops; the table declares and registers it, so an operator
// needs no header of its own to be registered.
#define SLUICE_BUILTIN_OPERATORS(X)                                                                \
  /* sources */                                                                                    \
  X(generator)                                                                                     \
  X(file_source)                                                                                   \
  X(nexmark)                                                                                       \
  /* transforms */                                                                                 \
  X(filter)                                                                                        \
  X(map)                                                                                           \
  X(throttle)                                                                                      \
  X(union)                                                                                         \
  X(route)                                                                                         \
  X(dedupe)                                                                                        \
  X(lookup)                                                                                        \
  X(flatten)                                                                                       \
  /* windows */                                                                                    \
  X(tumbling_window)                                                                               \
  X(sliding_window)                                                                                \
  X(session_window)                                                                                \
  /* synopses */                                                                                   \
  X(sample)                                                                                        \
  X(running)                                                                                       \
  X(heavy_hitters)                                                                                 \
  /* joins */                                                                                      \
  X(window_join)                                                                                   \
  X(interval_join)                                                                                 \
  /* sinks */                                                                                      \
  X(file_sink)                                                                                     \
  X(stdout_sink)                                                                                   \
  X(null_sink)                                                                                     \
  X(sqlite_sink)

namespace sluice::ops {

#define SLUICE_DECLARE_OPERATOR(name) core::descriptor name##_descriptor();
SLUICE_BUILTIN_OPERATORS(SLUICE_DECLARE_OPERATOR)
#undef SLUICE_DECLARE_OPERATOR

void register_builtins(core::registry& reg) {
#define SLUICE_ADD_OPERATOR(name) reg.add(name##_descriptor());
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
