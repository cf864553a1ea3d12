#pragma once

#include <atomic>
#include <cstdint>
#include <string>
#include <vector>

#include "sluice/core/time.hpp"

namespace sluice::core {

/// Live counters of one node instance. Written by that instance's actor
/// only (relaxed atomics), read by anyone: the progress line, the HTTP
/// endpoint, the editor. Times are cumulative nanoseconds; rates are derived
/// by whoever samples (see metrics_sampler).
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
  std::atomic<std::int64_t> started_ns{0};  ///< steady clock at start
  std::atomic<std::int64_t> finished_ns{0}; ///< steady clock at end, 0 while running
  std::atomic<std::int64_t> watermark{min_timestamp};
  std::atomic<std::uint64_t> queued_records{0};  ///< records waiting in input queues
  std::atomic<std::uint64_t> queue_capacity{0};  ///< sum of input edge capacities
};

/// A plain copy of one instance's counters at one moment.
struct instance_snapshot {
  std::string node;
  std::size_t instance = 0;
  std::uint64_t records_in = 0, records_out = 0, records_sent = 0, filtered = 0, errors = 0,
                late_dropped = 0;
  std::int64_t busy_ns = 0, backpressured_ns = 0, alive_ns = 0;
  timestamp watermark = min_timestamp;
  double queue_fill = 0; ///< 0..1
  bool finished = false;
};

instance_snapshot snapshot_of(const std::string& node, std::size_t instance,
                              const instance_metrics& m, std::int64_t now_ns);

} // namespace sluice::core
