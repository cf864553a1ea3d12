#pragma once

#include <cstdint>

#include "sluice/core/time.hpp"

namespace sluice::ops::window {

/// a / b rounded towards minus infinity (b > 0): window numbers of times
/// before the epoch stay aligned.
inline std::int64_t floor_div(std::int64_t a, std::int64_t b) {
  std::int64_t q = a / b;
  return (a % b != 0 && a < 0) ? q - 1 : q;
}

/// t + d (d >= 0), stopping at max_timestamp instead of overflowing.
inline core::timestamp saturating_add(core::timestamp t, core::duration_us d) {
  return t > core::max_timestamp - d ? core::max_timestamp : t + d;
}

} // namespace sluice::ops::window
