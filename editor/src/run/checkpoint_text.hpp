#pragma once

#include <QString>

#include "model/core_headers.hpp"

namespace sluice::editor::run {

/// What the metrics dock says about a run's checkpoints, from the
/// figures a frame carries (observe::checkpoint_figures; the age is taken
/// against `nowMs`, the frame's wall clock, so an attached run's clock is
/// compared with itself). "" when there is nothing to say: no checkpoints
/// and no restarts.
///
///     Checkpoint 17 at 14:03:12 (3 s ago) · took 12 ms · 1.2 MB ·
///     16 completed, 1 abandoned · restarts 2
QString checkpointSummary(const observe::checkpoint_figures& c, qint64 nowMs);

/// The state of `node` in the last checkpoint ("State of slow: 4.1 kB in
/// checkpoint 17"), or with `node` empty every node's, largest first and
/// at most `most` of them ("State: slow 4.1 kB · gen 64 bytes · … 3
/// more"). "" while no checkpoint has completed.
QString stateSummary(const observe::checkpoint_figures& c, const QString& node, int most = 6);

/// "64 bytes", "4.1 kB", "1.2 MB": SI units, one decimal.
QString byteSize(quint64 bytes);

/// "0 s", "59 s", "12 min", "1.5 h": how long ago, for a glance.
QString ageText(qint64 ms);

} // namespace sluice::editor::run
