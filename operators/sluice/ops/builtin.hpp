#pragma once

#include "sluice/core/registry.hpp"

namespace sluice::ops {

/// Adds every built-in operator kind to `reg`. The ONE registration table:
/// no static self-registration objects (a static library's linker may drop
/// them silently).
void register_builtins(core::registry& reg);

/// A registry filled with the built-ins.
const core::registry& builtin_registry();

} // namespace sluice::ops
