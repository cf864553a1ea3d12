#pragma once

// One node instance's part of a checkpoint (docs/ARCHITECTURE.md §10): its
// operator's state, and the records it held in flight when the barrier
// overtook them. Barriers are unaligned: a barrier passes the records queued
// before it, so the part keeps them, and the restored instance takes them
// first, before anything new.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "sluice/core/batch.hpp"
#include "sluice/core/time.hpp"

namespace sluice::checkpoint {

/// What waited on one input channel before the barrier: batches and
/// watermarks, in order.
struct recorded_input {
  struct element {
    core::batch_ptr data; ///< null: a watermark
    core::timestamp watermark = core::min_timestamp;
  };
  std::size_t port = 0;
  std::size_t channel = 0; ///< the channel's number within its port
  std::vector<element> elements;
};

/// Output the operator had emitted but the barrier overtook (no credit yet),
/// already partitioned: it goes back to the same downstream instance.
struct recorded_output {
  std::size_t port = 0;
  std::string to_node;
  std::size_t to_instance = 0;
  core::batch_ptr data;
};

struct node_part {
  /// core::snapshot_state of the operator; empty when it keeps no state.
  std::string operator_state;
  std::vector<recorded_input> inputs;
  std::vector<recorded_output> outputs;
  /// The last watermark the instance had sent on its outputs.
  core::timestamp output_watermark = core::min_timestamp;

  std::uint64_t in_flight_records() const;
  std::string encode() const;
  /// encode()'s bytes as head, operator_state as it lies, and tail: a large
  /// state is written without another copy of it.
  struct pieces {
    std::string head;
    std::string_view state;
    std::string tail;
    std::uint64_t size() const { return head.size() + state.size() + tail.size(); }
  };
  pieces encode_pieces() const;
  /// Throws core::state_error naming the offset of what is damaged.
  static node_part decode(std::string_view bytes);
};

} // namespace sluice::checkpoint
