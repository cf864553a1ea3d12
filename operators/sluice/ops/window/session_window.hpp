#pragma once

#include "sluice/ops/window/window_operator.hpp"

namespace sluice::ops::window {

/// Session windows: per key, records closer than `gap` share a session
/// [first ts, last ts + gap); a record bridging two sessions merges them.
/// A session is emitted when progress reaches its end. A record that would
/// start a session already complete by more than allowed_lateness is late;
/// one that lands in a session still held (or starts a complete one within
/// the lateness) updates it and, if the session is complete, emits its
/// corrected result at once, otherwise when it completes again. A session
/// is freed at end + allowed_lateness.
std::unique_ptr<window_operator> make_session_window(window_config_ptr cfg,
                                                     const core::operator_context& ctx);

} // namespace sluice::ops::window
