#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <prometheus/metric_family.h>

#include "sluice/observe/metrics_frame.hpp"

namespace sluice::observe {

/// This process's resource use, read from /proc/self (zeros elsewhere).
struct process_stats {
  double cpu_seconds = 0; ///< user + system
  double resident_bytes = 0;
  double virtual_bytes = 0;
  double start_time_seconds = 0; ///< Unix time the process started
  double open_fds = 0;
};
process_stats read_process_stats();

/// The metric families of one frame, Prometheus-style: cumulative counters
/// per instance (labels pipeline, node, instance) —
/// sluice_records_{in,out,error,late,filtered}_total and
/// sluice_{busy,idle,backpressured}_seconds_total; gauges
/// sluice_edge_queue_fill_ratio (labels pipeline, from, to),
/// sluice_watermark_lag_seconds (per instance, only where event time is
/// used), sluice_bottleneck_info (1 for the bottleneck node, if any);
/// sluice_restarts_total (label pipeline). With checkpoints enabled, also
/// (label pipeline) sluice_checkpoints_{completed,abandoned}_total,
/// sluice_checkpoint_last_id (0 before the first completes) and, once one
/// has completed, sluice_checkpoint_{age_seconds,duration_seconds,
/// size_bytes} of the last one (its age at `now_ms`, Unix time in
/// milliseconds) and sluice_state_bytes per node (labels pipeline, node);
/// then the process_* families.
std::vector<prometheus::MetricFamily> collect(const metrics_frame& frame,
                                              const process_stats& process, std::int64_t now_ms);

/// collect() in the Prometheus text format (prometheus::TextSerializer).
std::string prometheus_text(const metrics_frame& frame, const process_stats& process,
                            std::int64_t now_ms);

} // namespace sluice::observe
