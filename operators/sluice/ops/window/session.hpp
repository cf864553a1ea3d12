#pragma once

#include "sluice/core/descriptor.hpp"

namespace sluice::ops::window {

/// `window.session`: per key, records closer than `gap` form a session
/// [first ts, last ts + gap), emitted once progress reaches its end.
core::descriptor session_window_descriptor();

} // namespace sluice::ops::window
