#pragma once

#include "sluice/ops/window/window_operator.hpp"

namespace sluice::ops::window {

/// Tumbling and sliding time windows (event or processing time), on panes
/// of width gcd(size, slide) (see pane_windows.hpp). Tumbling (slide ==
/// size): a pane is a window and keeps its own keys, emitted in bulk.
/// Sliding: panes share one key dictionary, and a window merges its size /
/// slide panes per key id when it is emitted.
std::unique_ptr<window_operator> make_time_window(window_config_ptr cfg,
                                                  const core::operator_context& ctx);

} // namespace sluice::ops::window
