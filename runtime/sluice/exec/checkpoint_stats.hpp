#pragma once

#include <cstdint>
#include <map>
#include <string>

namespace sluice::exec {

/// What a run reports of its checkpoints (metrics, `sluice top`).
struct checkpoint_stats {
  bool enabled = false;
  std::uint64_t last_id = 0;          ///< 0: none completed in this run yet
  std::int64_t last_completed_ms = 0; ///< wall clock
  std::int64_t last_duration_ms = 0;  ///< trigger to complete
  std::uint64_t last_bytes = 0;
  std::int64_t max_duration_ms = 0;   ///< the slowest so far
  std::int64_t total_duration_ms = 0; ///< summed over `completed`
  std::uint64_t max_bytes = 0;        ///< the largest so far
  std::uint64_t completed = 0;
  std::uint64_t abandoned = 0;
  std::map<std::string, std::uint64_t> state_bytes; ///< per node, in the last one
};

} // namespace sluice::exec
