#pragma once

// Reconnecting after an outage (docs/ARCHITECTURE.md §12): every connector
// waits `reconnect_backoff` after its first failed attempt, doubles the wait
// after each further one up to `reconnect_backoff_max`, and starts again
// from the first wait once an attempt succeeds. A little jitter (up to a
// quarter of the wait) keeps many instances from retrying in step.

#include <cstdint>
#include <vector>

#include "sluice/core/params.hpp"
#include "sluice/ops/descriptor_util.hpp"

namespace sluice::ops::connect {

class backoff {
public:
  backoff(std::int64_t initial_ns, std::int64_t max_ns);
  /// From `reconnect_backoff` and `reconnect_backoff_max`.
  explicit backoff(const core::params& p);

  /// The wait before the next attempt, after one more failure.
  std::int64_t next_ns();
  /// An attempt succeeded: the next failure waits `initial` again.
  void reset() { failures_ = 0; }
  std::uint64_t failures() const { return failures_; }

private:
  std::int64_t initial_ns_, max_ns_;
  std::uint64_t failures_ = 0;
  std::uint64_t jitter_state_;
};

/// The `reconnect_backoff` and `reconnect_backoff_max` props (durations).
std::vector<prop> backoff_properties();

} // namespace sluice::ops::connect
