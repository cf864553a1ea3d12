#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <string>
#include <vector>

#include <caf/actor.hpp>
#include <caf/event_based_actor.hpp>

#include "sluice/checkpoint/node_part.hpp"
#include "sluice/core/batch.hpp"
#include "sluice/core/pipeline/validator.hpp"
#include "sluice/core/time.hpp"
#include "sluice/exec/tap_point.hpp"

namespace sluice::exec {

/// Something waiting on a channel for credit: data needs credit, control
/// elements only need to stay behind the data before them. Nothing at all
/// goes out before the receiver's first credit: an instance drops what
/// reaches it before its start (it has no input slots yet), and a source
/// can end before a downstream instance it sends no data to has started.
struct out_element {
  enum class kind { data, watermark, eos, barrier };
  kind what = kind::data;
  core::batch_ptr data;
  /// A watermark element's time; for data, the watermark that rides on the
  /// batch (min_timestamp: none).
  core::timestamp time = core::min_timestamp;
  std::uint64_t barrier = 0; ///< a barrier element's checkpoint id
};

/// The sending end of one channel: this instance -> one downstream instance.
struct out_channel {
  caf::actor target;
  std::string target_node; ///< the downstream node's id
  std::size_t target_instance = 0;
  std::uint32_t slot = 0;    ///< the channel's slot number at the target
  std::int64_t capacity = 0; ///< records in flight at most
  std::int64_t credit = 0;   ///< records we may still send
  bool started = false;      ///< the target granted credit: it has started
  std::deque<out_element> pending;
  std::vector<core::batch_rows> staging; ///< small batches (or row selections) being coalesced
  std::size_t staged_rows = 0;
  bool ended = false;
};

/// One edge as seen from one upstream instance: the channels it feeds and
/// how batches are spread over them.
struct out_link {
  core::pipeline::partition_kind partition = core::pipeline::partition_kind::forward;
  int hash_field = -1;
  std::vector<std::size_t> channels; ///< indexes into output_router's channels
  std::size_t next = 0;              ///< round-robin position (rebalance)
  /// The edge's taps (shared by every upstream instance); null in tests
  /// that wire a router by hand.
  std::shared_ptr<tap_point> tap;
};

/// The output side of a node instance: partitions emitted batches over the
/// edges of each port, coalesces small batches, holds what has no credit
/// yet, and keeps control elements in order with the data.
///
/// Contract: the instance stops consuming its inputs while `blocked()`; so
/// at most one callback's output per channel waits here, and memory stays
/// bounded however slow the consumers are.
class output_router {
public:
  /// `ports[p]` lists the links of output port p (the errors port last).
  output_router(caf::event_based_actor* self, std::vector<std::vector<out_link>> ports,
                std::vector<out_channel> channels, std::size_t batch_size,
                std::atomic<std::uint64_t>* records_sent);

  bool port_connected(std::size_t port) const;

  /// Spreads `b` over the links of `port`. Nothing is sent before
  /// flush_control(), so a watermark emitted after it can ride on it.
  void emit(std::size_t port, const core::batch_ptr& b);
  /// Rows `rows` of `b`, copied once: into the staged batch of the channel
  /// they go to when few, or selected into a batch of their own.
  void emit_rows(std::size_t port, const core::batch_ptr& b,
                 const std::vector<std::uint32_t>& rows);
  /// Remembers `t`; it goes out by `flush_control()` after the data before it.
  void watermark(core::timestamp t);
  /// Sends pending data that fits the credit. The latest watermark, if no
  /// data is staged, rides on the last batch waiting on each channel, or
  /// goes alone where none waits. Called at the end of every callback.
  void flush_control();
  /// Moves every staged batch to pending (the max_delay timer fired).
  void flush_staging();
  /// Flushes everything and ends every channel (eos after the data).
  void end_of_stream();

  void add_credit(std::size_t channel, std::int64_t n);

  /// Checkpoint barrier `id` goes out on every channel at once, ahead of
  /// whatever still waits here (staged or without credit). What it
  /// overtakes still goes out after it, and is appended to `overtaken` by
  /// output port: it belongs to this instance's part of the checkpoint.
  /// A channel whose receiver has not started gets the barrier first when
  /// it does.
  void barrier(std::uint64_t id, std::vector<checkpoint::recorded_output>& overtaken);
  /// Puts recorded output back where it was going: the channel of `port` to
  /// the same downstream instance. False if there is none any more.
  bool restore_output(const checkpoint::recorded_output& out);
  /// The last watermark sent (or queued to be sent) on the outputs.
  core::timestamp last_watermark() const { return last_watermark_; }

  /// Some channel holds data it has no credit for.
  bool blocked() const;
  /// Some channel holds small batches waiting for more.
  bool has_staged() const;
  /// Every channel has sent everything including its end-of-stream.
  bool drained() const;

private:
  void to_channel(std::size_t ch, const core::batch_ptr& b);
  /// The channel of a forward or rebalance link for a batch of `rows`.
  std::size_t pick_channel(out_link& link, std::size_t rows);
  void stage_to_pending(out_channel& c);
  void push_data(out_channel& c, const core::batch_ptr& b);
  void send_ready(out_channel& c);
  void hash_partition(const out_link& link, const core::batch_ptr& b);

  caf::event_based_actor* self_;
  std::vector<std::vector<out_link>> ports_;
  std::vector<out_channel> channels_;
  std::vector<std::size_t> port_of_channel_;
  std::size_t batch_size_;
  std::atomic<std::uint64_t>* records_sent_;
  core::timestamp last_watermark_ = core::min_timestamp;
  core::timestamp pending_watermark_ = core::min_timestamp;
};

} // namespace sluice::exec
