#pragma once

#include <chrono>
#include <cstddef>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "sluice/core/clock.hpp"
#include "sluice/core/edge_tap.hpp"
#include "sluice/core/metrics.hpp"
#include "sluice/core/pipeline/validator.hpp"
#include "sluice/exec/checkpoint_stats.hpp"

namespace sluice::exec {

/// Checkpoints of a run (docs/ARCHITECTURE.md §10).
struct checkpoint_settings {
  std::filesystem::path dir;
  std::chrono::milliseconds interval{10000};
  /// Resume from this complete checkpoint of `dir`: every node found in it
  /// with the same kind and parallelism gets its state and in-flight
  /// records back, except those in `reset_state`. Callers check first that
  /// the pipeline may resume from it (checkpoint::plan_resume).
  std::optional<std::uint64_t> resume_from;
  std::set<std::string> reset_state;
};

struct run_options {
  /// Take checkpoints (and resume from one); none when empty.
  std::optional<checkpoint_settings> checkpoints;
  /// Records per batch a source or a coalescing output aims for.
  std::size_t batch_size = 4096;
  /// A partial batch waits at most this long for more records.
  std::chrono::nanoseconds max_delay = std::chrono::milliseconds(5);
  /// CAF scheduler threads; 0 = one per core.
  std::size_t worker_threads = 0;
  /// Processing time for operators (throttle, generator rate).
  std::shared_ptr<core::clock> clock = core::default_clock();
  /// Where warnings go (samples of bad records on unconnected error ports).
  /// Default: standard error.
  std::function<void(const std::string&)> log;
};

/// A tap on one edge of a live run, and how to open one (open_tap).
using edge_tap = core::edge_tap;
using tap_options = core::tap_options;

enum class run_status {
  running,  ///< sources still producing or records still draining
  finished, ///< every source ended and every sink flushed
  stopped,  ///< stop() was called and the pipeline drained
  failed,   ///< an operator failed; see failure()
};

/// A running pipeline: the facade over the actor system that the `sluice`
/// command and the editor use. It includes no CAF header, so its users
/// compile fast. Starts on construction; the destructor stops and waits.
/// All members are safe to call from any thread.
class pipeline_run {
public:
  /// Plans `pipeline` (which must be ok()), opens every operator and starts
  /// the actors. Throws std::runtime_error naming the node if an operator
  /// cannot open (a sink cannot create its file, ...).
  explicit pipeline_run(core::pipeline::checked_pipeline pipeline, run_options options = {});
  ~pipeline_run();

  pipeline_run(const pipeline_run&) = delete;
  pipeline_run& operator=(const pipeline_run&) = delete;

  /// Graceful stop: sources stop producing and send end-of-stream; every
  /// record already produced drains through to the sinks.
  void stop();
  /// Hard stop: actors are killed; records in flight are lost.
  void abort();
  /// With checkpoints on: takes a final checkpoint (a savepoint), then
  /// stops without draining, so a run resumed from it continues exactly
  /// here. False (and the run goes on) if it did not complete in `timeout`
  /// (a source had already ended) or checkpoints are off.
  bool stop_with_savepoint(std::chrono::milliseconds timeout);

  /// The run's checkpoints so far (enabled = false without checkpoints).
  checkpoint_stats checkpoints() const;

  /// Waits until the run has ended (finished, stopped or failed).
  void wait();
  /// As wait(), at most `timeout`; true if the run has ended.
  bool wait_for(std::chrono::milliseconds timeout);

  run_status status() const;
  /// For a failed run: what failed, naming the node and the record.
  std::string failure() const;

  /// Every instance's counters now, in plan order.
  std::vector<core::instance_snapshot> snapshot() const;
  const core::pipeline::checked_pipeline& pipeline() const;

  /// Opens a tap on the edge from `from_node`'s output `from_port` to
  /// `to_node` (docs/ARCHITECTURE.md §7): the latest records on it,
  /// sampled at `options.rate` per second at most, those for which
  /// `options.filter` is true. An empty `from_port` takes the one output
  /// that feeds `to_node`. Any number of taps may be open on one edge; each
  /// closes when its last reference goes (or by close()). Throws
  /// std::invalid_argument for an unknown edge (naming the edges that
  /// exist), a filter that does not compile or is not boolean, or a bad
  /// rate. Works until the run is destroyed; a tap opened after the run
  /// ended just reports `ended`.
  std::shared_ptr<edge_tap> open_tap(const std::string& from_node, const std::string& from_port,
                                     const std::string& to_node, const tap_options& options = {});
  /// As above, `from` spelled "NODE" or "NODE.PORT".
  std::shared_ptr<edge_tap> open_tap(const std::string& from, const std::string& to_node,
                                     const tap_options& options = {});
  /// The edges a tap can open on, as "FROM.PORT -> TO", in pipeline order.
  std::vector<std::string> tap_edges() const;

private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

} // namespace sluice::exec
