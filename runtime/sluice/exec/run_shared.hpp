#pragma once

#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>

#include "sluice/checkpoint/node_part.hpp"
#include "sluice/exec/pipeline_run.hpp"

namespace sluice::exec {

/// What the instances of one run and its facade share: how many instances
/// are still alive, the outcome, and the log. Thread-safe.
class run_shared {
public:
  run_shared(std::size_t instances, std::function<void(const std::string&)> log);

  /// Called by the facade once: how to kill every instance after a failure.
  void set_abort(std::function<void()> abort);

  /// An instance has flushed and ended.
  void instance_finished();
  /// An instance failed; the first failure wins and every instance is killed.
  void fail(const std::string& message);
  /// Marks the run as stopping on request (stop()).
  void stopping();

  void log(const std::string& line) const;

  /// Where instances hand their parts of a checkpoint (set by the facade
  /// before any instance starts, when checkpoints are on). A part is handed
  /// over whole and encoded by the receiver, off the instance's thread.
  using part_handler = std::function<void(std::uint64_t id, const std::string& node,
                                          std::size_t instance, checkpoint::node_part part)>;
  void set_part_handler(part_handler h) { part_handler_ = std::move(h); }
  void checkpoint_part(std::uint64_t id, const std::string& node, std::size_t instance,
                       checkpoint::node_part part) const {
    if (part_handler_) part_handler_(id, node, instance, std::move(part));
  }
  /// Instances that have not finished yet.
  std::size_t live() const;

  void wait();
  bool wait_for(std::chrono::milliseconds timeout);
  run_status status() const;
  std::string failure() const;
  bool ended() const;

private:
  bool ended_locked() const { return live_ == 0 || failed_; }

  mutable std::mutex mutex_;
  std::condition_variable changed_;
  std::size_t live_;
  bool failed_ = false;
  bool stopping_ = false;
  std::string failure_;
  std::function<void()> abort_;
  std::function<void(const std::string&)> log_;
  part_handler part_handler_;
};

} // namespace sluice::exec
