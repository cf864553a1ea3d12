#include "sluice/core/event_time_progress.hpp"

#include <string>

#include "sluice/core/state.hpp"

#include <stdexcept>

namespace sluice::core {

event_time_progress::event_time_progress(std::vector<std::size_t> channels_per_port,
                                         std::size_t ports, duration_us max_out_of_order)
  : max_out_of_order_(max_out_of_order) {
  if (channels_per_port.empty()) channels_per_port.assign(ports, 1);
  std::size_t total = 0;
  for (auto n : channels_per_port) {
    offsets_.push_back(total);
    total += n;
  }
  channels_.resize(total);
  if (total == 0) progress_ = max_timestamp;
}

bool event_time_progress::ended(std::size_t port, std::size_t channel) {
  channels_[index(port, channel)].ended = true;
  return recompute();
}

bool event_time_progress::idle(std::size_t port, std::size_t channel) {
  auto& c = channels_[index(port, channel)];
  if (c.ended) return false;
  c.idle = true;
  return recompute();
}

bool event_time_progress::all_ended() const {
  for (const auto& c : channels_)
    if (!c.ended) return false;
  return true;
}

bool event_time_progress::recompute() {
  timestamp lowest = max_timestamp, highest = min_timestamp;
  bool any_live = false, all_ended = true;
  for (const auto& c : channels_) {
    if (!c.ended) all_ended = false;
    if (c.max_seen > highest) highest = c.max_seen;
    if (c.ended || c.idle) continue;
    any_live = true;
    if (c.max_seen < lowest) lowest = c.max_seen;
  }
  // Every channel still open is idle: none holds progress back, so it goes
  // as far as the records seen on any channel allow.
  if (!any_live && !all_ended) {
    any_live = highest != min_timestamp;
    lowest = highest;
  }
  timestamp next = progress_;
  if (all_ended) {
    next = max_timestamp;
    min_seen_ = max_timestamp;
  } else if (any_live) {
    min_seen_ = lowest;
    if (lowest != min_timestamp) {
      timestamp p = lowest - max_out_of_order_;
      if (p > next) next = p;
    }
  }
  if (next == progress_) return false;
  progress_ = next;
  return true;
}

void event_time_progress::snapshot(state_writer& w) const {
  w.count(channels_.size());
  for (const auto& c : channels_) {
    w.i64(c.max_seen);
    w.boolean(c.ended);
    w.boolean(c.idle);
  }
  w.i64(min_seen_);
  w.i64(progress_);
}

void event_time_progress::restore(state_reader& r) {
  auto n = r.count();
  if (n != channels_.size())
    throw state_error("event-time progress of " + std::to_string(n)
                      + " input channels, this instance has " + std::to_string(channels_.size()));
  for (auto& c : channels_) {
    c.max_seen = r.i64();
    c.ended = r.boolean();
    c.idle = r.boolean();
  }
  min_seen_ = r.i64();
  progress_ = r.i64();
}

} // namespace sluice::core
