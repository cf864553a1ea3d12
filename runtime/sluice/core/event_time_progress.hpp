#pragma once

#include <cstddef>
#include <vector>

#include "sluice/core/time.hpp"

namespace sluice::core {

class state_writer;
class state_reader;

/// Deterministic event-time progress over the input channels of an
/// operator (windows, joins). Per channel it keeps the maximum event time
/// seen; progress is the minimum, over channels that have not ended and are
/// not idle, of that maximum minus `max_out_of_order`. A channel that has
/// sent nothing yet holds progress back. When every open channel is idle,
/// the maximum seen on any channel (ended ones included) counts instead. Because it depends only on
/// the records seen on each channel, the same input gives the same progress whatever the batch
/// sizes or capacities.
///
/// Channels are numbered per port as in operator_context::input_channels;
/// with that list empty (an operator driven by hand), every port has one.
class event_time_progress {
public:
  event_time_progress(std::vector<std::size_t> channels_per_port, std::size_t ports,
                      duration_us max_out_of_order);

  /// Notes a record's event time. Returns true if progress() moved.
  bool observe(std::size_t port, std::size_t channel, timestamp t) {
    auto& c = channels_[index(port, channel)];
    if (c.idle) {
      c.idle = false;
      c.max_seen = t > c.max_seen ? t : c.max_seen;
      return recompute();
    }
    if (t <= c.max_seen) return false;
    bool was_min = c.max_seen == min_seen_;
    c.max_seen = t;
    return was_min && recompute();
  }

  /// The channel has ended / gone idle: it stops holding progress back.
  /// Returns true if progress() moved.
  bool ended(std::size_t port, std::size_t channel);
  bool idle(std::size_t port, std::size_t channel);

  /// Every channel has ended.
  bool all_ended() const;

  /// The watermark the input implies: no record with an event time below it
  /// is expected any more (one that comes is late), so a window [start, end)
  /// is complete once progress() >= end. min_timestamp before every live
  /// channel has sent something; max_timestamp once all have ended. Never
  /// goes back.
  timestamp progress() const { return progress_; }

  duration_us max_out_of_order() const { return max_out_of_order_; }

  /// Every channel's progress. restore() expects as many channels as were
  /// written (state_error otherwise).
  void snapshot(state_writer& w) const;
  void restore(state_reader& r);

private:
  struct channel_state {
    timestamp max_seen = min_timestamp;
    bool ended = false;
    bool idle = false;
  };

  std::size_t index(std::size_t port, std::size_t channel) const {
    return offsets_[port] + channel;
  }
  bool recompute();

  std::vector<std::size_t> offsets_;
  std::vector<channel_state> channels_;
  duration_us max_out_of_order_;
  timestamp min_seen_ = min_timestamp; ///< min over live channels of max_seen
  timestamp progress_ = min_timestamp;
};

} // namespace sluice::core
