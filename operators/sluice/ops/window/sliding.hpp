#pragma once

#include "sluice/core/descriptor.hpp"

namespace sluice::ops::window {

/// `window.sliding`: per key, aggregates over windows of `size` starting
/// every `slide` (durations: time windows starting at multiples of slide;
/// integers: windows of size records starting every slide records of a
/// key). A record belongs to about size / slide windows.
core::descriptor sliding_window_descriptor();

} // namespace sluice::ops::window
