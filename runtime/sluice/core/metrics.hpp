#pragma once

#include <atomic>
#include <cstdint>
#include <deque>
#include <memory>
#include <string>
#include <vector>

#include "sluice/core/connector_status.hpp"
#include "sluice/core/time.hpp"

namespace sluice::core {

/// The records waiting in one input channel of an instance (one upstream
/// instance on one edge). The planner adds one per channel before the run
/// starts; only `queued` changes afterwards.
struct input_queue_metrics {
  std::size_t edge = 0;       ///< index into checked_pipeline::edges
  std::uint64_t capacity = 0; ///< the edge's capacity (records in flight at most)
  std::atomic<std::uint64_t> queued{0};
};

/// Live counters of one node instance. Written by that instance's actor
/// only (relaxed atomics), read by anyone: the progress line, the HTTP
/// endpoint, the editor. Times are cumulative nanoseconds; rates are derived
/// by whoever samples (see observe::metrics_sampler).
///
/// Time accounting (Flink's meanings): `busy_ns` is time spent in the
/// operator's callbacks, plus time a non-source operator waits on its own
/// schedule while holding records it has accepted (`poll_result::wait`,
/// e.g. transform.throttle pacing its output: the operator's own work, not
/// back-pressure); `backpressured_ns` is time the instance could not go on
/// because an output had no credit; idle is the rest of its life.
/// Both counters are charged when a period ends; `pending` says what the
/// current period is and since when, so a reader can add the part that has
/// not been charged yet (see snapshot_of).
struct instance_metrics {
  std::atomic<std::uint64_t> records_in{0};
  std::atomic<std::uint64_t> records_out{0};
  /// Records actually sent downstream (per channel copy; out minus what
  /// still waits for credit in the output buffer, times the fan-out).
  std::atomic<std::uint64_t> records_sent{0};
  std::atomic<std::uint64_t> filtered{0};
  std::atomic<std::uint64_t> errors{0};
  std::atomic<std::uint64_t> late_dropped{0};
  std::atomic<std::int64_t> busy_ns{0};
  std::atomic<std::int64_t> backpressured_ns{0};
  /// The period not charged yet: 0 = none (idle), else
  /// `since_ns * 4 + pending_busy` or `since_ns * 4 + pending_backpressured`.
  std::atomic<std::int64_t> pending{0};
  static constexpr std::int64_t pending_busy = 1;
  static constexpr std::int64_t pending_backpressured = 2;
  std::atomic<std::int64_t> started_ns{0};  ///< steady clock at start
  std::atomic<std::int64_t> finished_ns{0}; ///< steady clock at end, 0 while running
  std::atomic<std::int64_t> watermark{min_timestamp};
  std::atomic<std::uint64_t> queued_records{0}; ///< records waiting in input queues
  std::atomic<std::uint64_t> queue_capacity{0}; ///< sum of input edge capacities
  /// One per input channel, in slot order; filled before the run starts.
  std::deque<input_queue_metrics> input_queues;
  /// A connector's link to its server; the operator writes it.
  std::shared_ptr<connector_status> connector = std::make_shared<connector_status>();
};

/// One input channel's queue at one moment.
struct input_queue_snapshot {
  std::size_t edge = 0; ///< index into checked_pipeline::edges
  std::uint64_t queued = 0, capacity = 0;
};

/// A plain copy of one instance's counters at one moment.
struct instance_snapshot {
  std::string node;
  std::size_t instance = 0;
  std::uint64_t records_in = 0, records_out = 0, records_sent = 0, filtered = 0, errors = 0,
                late_dropped = 0;
  /// busy + backpressured + idle == alive (idle is what is left, >= 0).
  std::int64_t busy_ns = 0, backpressured_ns = 0, idle_ns = 0, alive_ns = 0;
  timestamp watermark = min_timestamp;
  double queue_fill = 0; ///< 0..1, over all input channels
  std::vector<input_queue_snapshot> input_queues;
  bool finished = false;
  connector_status::view connector; ///< up == -1: not a connector
};

/// Copies `m` at steady-clock time `now_ns`, charging the pending period up
/// to `now_ns` (or to the end, for a finished instance). Counters read at
/// the moment a period is charged can come out slightly low once; samplers
/// that need monotonic totals clamp (observe::metrics_sampler does).
instance_snapshot snapshot_of(const std::string& node, std::size_t instance,
                              const instance_metrics& m, std::int64_t now_ns);

} // namespace sluice::core
