#pragma once

#include "sluice/ops/window/window_operator.hpp"

namespace sluice::ops::window {

/// Count windows (`size`/`slide` given as integers): per key, window i holds
/// that key's records i × slide .. i × slide + size - 1 in arrival order and
/// is emitted when its last record arrives. window_start / window_end are
/// the smallest time of its records and the largest + 1 µs, so [start, end)
/// covers them all. No record is ever late. End of stream emits the
/// windows still open, with fewer records. A key with no open window holds
/// no state.
std::unique_ptr<window_operator> make_count_window(window_config_ptr cfg,
                                                   const core::operator_context& ctx);

} // namespace sluice::ops::window
