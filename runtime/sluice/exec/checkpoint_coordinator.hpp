#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "sluice/checkpoint/store.hpp"
#include "sluice/exec/checkpoint_stats.hpp"
#include "sluice/exec/run_shared.hpp"

namespace sluice::exec {

/// Takes a run's checkpoints (docs/ARCHITECTURE.md §10) on a thread of its
/// own, so no actor waits for the disk: every `interval` it triggers the
/// sources (which send barrier n downstream), writes each instance's part as
/// it arrives, and when every instance has written its part, completes the
/// checkpoint in the store and tells every instance (two-phase sinks commit).
/// One checkpoint is in progress at a time. A checkpoint is abandoned when an
/// instance finishes before writing its part (a source that ended), and no
/// new one starts after that: the rest of the run drains and commits at its
/// end. Thread-safe.
class checkpoint_coordinator {
public:
  struct settings {
    std::filesystem::path dir;
    std::chrono::milliseconds interval{10000};
    std::uint64_t first_id = 1;
    nlohmann::json pipeline;                   ///< stored with each checkpoint
    std::vector<checkpoint::node_state> nodes; ///< id, kind, parallelism of each node
  };
  /// `trigger(id)` asks every source to take checkpoint id; `committed(id)`
  /// tells every instance it is complete; `ended_normally()` says whether a
  /// run with no live instance finished or drained (not failed or killed).
  checkpoint_coordinator(settings s, std::shared_ptr<run_shared> shared,
                         std::function<void(std::uint64_t)> trigger,
                         std::function<void(std::uint64_t)> committed,
                         std::function<bool()> ended_normally);
  ~checkpoint_coordinator();

  /// Starts triggering (once every instance has its start message).
  void start();
  /// Stops the thread; nothing is triggered or written after it returns.
  void stop();

  /// An instance's part of checkpoint `id` (any thread).
  void add_part(std::uint64_t id, const std::string& node, std::size_t instance,
                checkpoint::node_part data);

  /// Takes a savepoint: a checkpoint now (after the one in progress), after
  /// which no other starts. True once it is complete, false if it could not
  /// complete within `timeout` (a source had ended, the run failed).
  bool savepoint(std::chrono::milliseconds timeout);

  checkpoint_stats stats() const;

private:
  struct part {
    std::uint64_t id;
    std::string node;
    std::size_t instance;
    checkpoint::node_part data; ///< encoded when written
  };
  struct in_progress {
    std::uint64_t id = 0;
    std::chrono::steady_clock::time_point started;
    std::int64_t taken_ms = 0;
    bool savepoint = false;
    std::size_t received = 0;
    std::vector<std::vector<std::uint64_t>> bytes; ///< per node, per instance
  };

  void loop();
  void write(part p, std::unique_lock<std::mutex>& lock);
  void complete(std::unique_lock<std::mutex>& lock);
  /// "node.instance" of the parts of the checkpoint in progress not yet written.
  std::string missing_parts() const;
  /// The run has ended without failing or being killed: records that in
  /// the store, so a restart does not replay output already committed.
  void record_finish_if_ended();

  settings settings_;
  checkpoint::store store_;
  std::shared_ptr<run_shared> shared_;
  std::function<void(std::uint64_t)> trigger_, committed_;
  std::function<bool()> ended_normally_;
  std::map<std::string, std::size_t> node_index_;
  std::size_t total_instances_ = 0;

  mutable std::mutex mutex_;
  std::condition_variable wake_, savepoint_done_;
  std::deque<part> parts_;
  std::optional<in_progress> current_;
  std::uint64_t next_id_;
  std::chrono::steady_clock::time_point next_trigger_;
  bool stop_ = false;
  bool no_more_ = false; ///< an instance finished or a savepoint was taken
  bool savepoint_wanted_ = false;
  std::uint64_t savepoint_id_ = 0; ///< the completed savepoint
  bool savepoint_failed_ = false;
  bool finish_recorded_ = false;
  checkpoint_stats stats_;
  std::thread thread_;
};

} // namespace sluice::exec
