#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <caf/actor.hpp>

#include "sluice/checkpoint/node_part.hpp"
#include "sluice/core/metrics.hpp"
#include "sluice/core/operator.hpp"
#include "sluice/exec/output_router.hpp"
#include "sluice/exec/run_shared.hpp"

namespace sluice::exec {

/// What a node does with a record its operator reports as bad.
enum class error_policy { fail, skip, dead_letter };

/// The receiving end of one channel, as the planner wires it.
struct in_slot_spec {
  std::size_t port = 0;            ///< input port of the operator
  std::size_t channel_in_port = 0; ///< 0..n-1 among the channels of that port
  caf::actor source;               ///< the upstream instance
  std::uint32_t channel = 0;       ///< the channel's index at the source
  std::int64_t capacity = 0;       ///< records in flight at most
  std::size_t edge = 0;            ///< index into checked_pipeline::edges
};

/// Everything one node instance is built from. The planner fills the first
/// part before spawning and the wiring after every actor exists; the
/// `start` message hands it over (message passing orders the writes).
struct node_setup {
  std::string node_id;
  std::string kind;
  std::size_t instance = 0;
  core::operator_ptr op;
  bool is_source = false;
  std::size_t errors_port = 0; ///< index of the implicit errors output
  error_policy on_error = error_policy::dead_letter;
  std::shared_ptr<core::instance_metrics> metrics;
  std::shared_ptr<run_shared> shared;
  std::size_t batch_size = 4096;
  std::chrono::nanoseconds max_delay{5000000};
  std::shared_ptr<core::clock> clock; ///< processing time for idle detection
  /// Resuming: the records this instance had in flight at the checkpoint
  /// (its operator state is already restored). Taken first on start.
  std::optional<checkpoint::node_part> restored;

  // wiring
  std::vector<std::vector<out_link>> out_ports; ///< per output port, errors last
  std::vector<out_channel> channels;
  std::vector<in_slot_spec> slots;
};

} // namespace sluice::exec
