#include "sluice/ops/connect/backoff.hpp"

#include <algorithm>
#include <chrono>

namespace sluice::ops::connect {

backoff::backoff(std::int64_t initial_ns, std::int64_t max_ns)
  : initial_ns_(std::max<std::int64_t>(1, initial_ns)), max_ns_(std::max(initial_ns_, max_ns)),
    jitter_state_(
      static_cast<std::uint64_t>(std::chrono::steady_clock::now().time_since_epoch().count()) | 1) {
}

backoff::backoff(const core::params& p)
  : backoff(p.duration("reconnect_backoff") * 1000, p.duration("reconnect_backoff_max") * 1000) {}

std::int64_t backoff::next_ns() {
  std::int64_t wait = initial_ns_;
  for (std::uint64_t i = 0; i < failures_ && wait < max_ns_; ++i) wait *= 2;
  wait = std::min(wait, max_ns_);
  ++failures_;
  // xorshift: cheap, and good enough to spread retries
  jitter_state_ ^= jitter_state_ << 13;
  jitter_state_ ^= jitter_state_ >> 7;
  jitter_state_ ^= jitter_state_ << 17;
  auto quarter = static_cast<std::uint64_t>(wait / 4);
  return wait - (quarter ? static_cast<std::int64_t>(jitter_state_ % quarter) : 0);
}

std::vector<prop> backoff_properties() {
  return {prop("reconnect_backoff", core::param_type::duration,
               "wait after the first failed attempt to reach the server; doubled after each "
               "further failure")
            .def("100ms"),
          prop("reconnect_backoff_max", core::param_type::duration,
               "the longest wait between two attempts to reach the server")
            .def("10s")};
}

} // namespace sluice::ops::connect
