#pragma once

#include "sluice/core/descriptor.hpp"

namespace sluice::ops::window {

/// `window.tumbling`: per key, aggregates over back-to-back windows of `size`
/// (a duration: time windows [start, start + size) aligned to the epoch; an
/// integer: that many records per key). Emits key fields, window_start,
/// window_end and the aggregates once a window is complete (event-time
/// progress, or the clock in processing time, reaches its end). See
/// operators/docs/windows.md for lateness and corrections.
core::descriptor tumbling_window_descriptor();

} // namespace sluice::ops::window
