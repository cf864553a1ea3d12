#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "sluice/core/metrics.hpp"
#include "sluice/core/pipeline/validator.hpp"

namespace sluice::observe {

/// What a node (or instance) is mostly doing over the last second, with
/// Flink's colours in mind: idle blue, busy red, back-pressured grey.
enum class activity { idle, busy, backpressured, finished };
std::string_view name_of(activity a);

/// Rates over the last sampling interval plus the running totals, with
/// Flink's metric meanings. busy + idle + backpressured ≈ 1000 ms/s.
struct instance_rates {
  std::string node;
  std::size_t instance = 0;
  core::instance_snapshot totals;
  double records_in_per_second = 0;
  double records_out_per_second = 0;
  double busy_ms_per_second = 0;
  double idle_ms_per_second = 0;
  double backpressured_ms_per_second = 0;
  activity state = activity::idle;
};

/// A connector node's link to its server (docs/ARCHITECTURE.md §12), over
/// its instances: up only while every instance that reported is up,
/// reconnects summed, the newest last error.
struct connector_figures {
  bool up = false;
  std::uint64_t reconnects = 0;
  std::string last_error;         ///< "" = none yet
  std::int64_t last_error_ms = 0; ///< Unix time, milliseconds; 0 = never
};

/// A node: its instances summed (rates, totals) and averaged (time split).
struct node_rates {
  std::string node;
  std::string kind;
  std::size_t parallelism = 1;
  std::uint64_t records_in = 0, records_out = 0, errors = 0, late_dropped = 0, filtered = 0;
  double records_in_per_second = 0;
  double records_out_per_second = 0;
  double busy_ms_per_second = 0;               ///< mean over instances
  double idle_ms_per_second = 0;               ///< mean over instances
  double backpressured_ms_per_second = 0;      ///< mean over instances
  std::optional<core::timestamp> watermark;    ///< min over instances, if event time is used
  std::optional<double> watermark_lag_seconds; ///< wall clock minus watermark
  activity state = activity::idle;
  double queue_fill = 0; ///< the fullest of its input edges, 0..1
  bool is_source = false, is_sink = false;
  /// Absent for an operator that is not a connector (or has not reported).
  std::optional<connector_figures> connector;
};

/// Queue fill of one edge: records waiting at the receiving end over the
/// edge's capacity, 0..1.
struct edge_fill {
  std::string from; ///< as in the document: "node" or "node.port"
  std::string to;
  double fill = 0;
  std::uint64_t queued = 0;   ///< records waiting at the receiving instances
  std::uint64_t capacity = 0; ///< summed over the edge's channels
};

/// A run's checkpoints as the metrics show them (the `sluice` command fills
/// them from exec's checkpoint_stats; observe never sees exec). Everything
/// but `enabled` and `restarts` is about the last completed checkpoint.
struct checkpoint_figures {
  bool enabled = false;               ///< the run takes checkpoints
  std::uint64_t last_id = 0;          ///< 0: none completed yet
  std::int64_t last_completed_ms = 0; ///< Unix time it completed, milliseconds
  std::int64_t last_duration_ms = 0;  ///< from trigger to complete
  std::uint64_t last_bytes = 0;       ///< its size on disk
  std::uint64_t completed = 0;        ///< checkpoints completed by this process
  std::uint64_t abandoned = 0;        ///< and abandoned (timed out, failed)
  std::uint64_t restarts = 0;         ///< times a restart strategy restarted the run
  /// Bytes of each node's part (state and records in flight) in the last
  /// completed checkpoint; a node without a part is absent.
  std::map<std::string, std::uint64_t> state_bytes;
};

/// One sample of a whole run.
struct metrics_frame {
  std::string pipeline;          ///< the document's name (may be "")
  double t_seconds = 0;          ///< since the run started
  std::int64_t wall_ms = 0;      ///< Unix time of the sample, milliseconds
  std::vector<node_rates> nodes; ///< document order
  std::vector<instance_rates> instances;
  std::vector<edge_fill> edges; ///< document order
  /// The likely bottleneck: the busiest node downstream of back-pressured
  /// ones (Flink's rule of thumb), or "" when nothing is back-pressured.
  std::string bottleneck;
  checkpoint_figures checkpoints; ///< enabled = false for a run without them
};

/// Turns successive instance snapshots of one run into frames with rates,
/// and keeps the last `history_seconds` frames. Not thread-safe: one owner
/// samples (the HTTP server's sampler thread, the editor's timer) and
/// hands copies out.
class metrics_sampler {
public:
  explicit metrics_sampler(const core::pipeline::checked_pipeline& pipeline,
                           std::size_t history_seconds = 300);

  /// Adds a sample taken at steady-clock `now_ns` (wall clock `wall_ms`)
  /// and returns the frame computed against the previous sample; the
  /// frame carries `checkpoints` as they are.
  const metrics_frame& sample(const std::vector<core::instance_snapshot>& snapshot,
                              std::int64_t now_ns, std::int64_t wall_ms,
                              checkpoint_figures checkpoints = {});
  /// The newest frame (empty frame before the first sample).
  const metrics_frame& latest() const;
  /// Oldest first, at most history_seconds frames.
  const std::deque<metrics_frame>& history() const;

private:
  struct state;
  std::shared_ptr<state> state_;
};

/// A node counts as back-pressured above this (Flink's "high": > 50 %).
constexpr double backpressured_threshold_ms = 500;

/// The clocks samples are taken with: steady-clock nanoseconds (for rates)
/// and Unix time in milliseconds (for the frame's wall_ms).
std::int64_t steady_now_ns();
std::int64_t wall_now_ms();

/// The bottleneck rule on its own, for tests and for frames read back.
/// Back-pressured nodes: backpressured_ms_per_second above the threshold, or
/// state back-pressured. Following edges down from each of them, the first
/// node on every path that is not back-pressured (and not finished) is a
/// candidate; the bottleneck is the busiest candidate (highest
/// busy_ms_per_second; the first in document order on a tie). "" when
/// nothing is back-pressured or no candidate exists.
std::string find_bottleneck(const core::pipeline::checked_pipeline& pipeline,
                            const std::vector<node_rates>& nodes);

/// An instance's connector status as figures; nullopt when it is not a
/// connector (it never reported).
std::optional<connector_figures> connector_of(const core::instance_snapshot& t);

/// JSON as served on /api/metrics, and back (the editor's attach mode reads
/// frames from a remote run with frame_from_json). The shape:
///
///     {"pipeline": "name", "t_seconds": 12.0, "wall_ms": 1764000000000,
///      "bottleneck": "slow",            // "" when nothing is back-pressured
///      "nodes": [{"node", "kind", "parallelism", "state", "is_source", "is_sink",
///                 "records_in", "records_out", "errors", "late_dropped", "filtered",
///                 "records_in_per_second", "records_out_per_second",
///                 "busy_ms_per_second", "idle_ms_per_second",
///                 "backpressured_ms_per_second", "queue_fill",
///                 "watermark": µs | null, "watermark_lag_seconds": s | null,
///                 "connector": {"up": true, "reconnects": 2, "last_error": "...",
///                               "last_error_ms": 1764000000000} | null}],
///      "instances": [{"node", "instance", "state", the five rates,
///                     "totals": {"records_in", "records_out", "records_sent",
///                                "filtered", "errors", "late_dropped", "busy_ns",
///                                "backpressured_ns", "idle_ns", "alive_ns",
///                                "watermark": µs | null, "queue_fill", "finished",
///                                "input_queues": [{"edge", "queued", "capacity"}],
///                                "connector": {as a node's} | null}}],
///      "edges": [{"from", "to", "fill", "queued", "capacity"}],
///      "checkpoints": {"enabled": true, "last_id": 17,   // 0: none completed yet
///                      "last_completed_ms": 1764000000000, "last_duration_ms": 12,
///                      "last_bytes": 1200000, "completed": 17, "abandoned": 0,
///                      "restarts": 0, "state_bytes": {"node": bytes, ...}}}
///
/// States are "idle", "busy", "backpressured", "finished". "checkpoints" is
/// always there ({"enabled": false, "restarts": n, ...} for a run without
/// them); its age is not stored: it is wall_ms minus last_completed_ms. Latency
/// percentiles are not measured yet, so there is no latency field.
/// frame_from_json(to_json(f)) gives f back; missing keys take their
/// defaults (so older and newer servers can be read), a key of the wrong
/// type throws nlohmann::json::exception.
nlohmann::json to_json(const metrics_frame& frame);
metrics_frame frame_from_json(const nlohmann::json& j);
/// Inverse of name_of(activity); "idle" for anything unknown.
activity activity_from_name(std::string_view name);

} // namespace sluice::observe
