#include "sluice/ops/builtin.hpp"

namespace sluice::ops {

void register_builtins(core::registry& reg) {}

const core::registry& builtin_registry() {
  static const core::registry reg = [] {
    core::registry r;
    register_builtins(r);
    return r;
  }();
  return reg;
}

} // namespace sluice::ops
