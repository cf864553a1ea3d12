#pragma once

#include <string>
#include <string_view>

#include "sluice/core/registry.hpp"

namespace sluice::core::pipeline {

/// The registered kind most like `kind` (a typo, or the part after the
/// category: "generator" for "source.generator"), or "" when none is close.
std::string closest_kind(const registry& reg, std::string_view kind);

} // namespace sluice::core::pipeline
