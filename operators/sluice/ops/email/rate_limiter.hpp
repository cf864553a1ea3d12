#pragma once

// How sink.email bounds a storm: a token bucket of `burst` messages,
// refilled at `per_minute` messages a minute. Pure arithmetic on times the
// caller passes (monotonic nanoseconds), so it is tested without waiting.

#include <cstdint>

namespace sluice::ops::email {

class rate_limiter {
public:
  /// `per_minute` 0: no limit. `burst` at least 1.
  rate_limiter(std::int64_t per_minute, std::int64_t burst);

  /// How long to wait, from `now_ns`, before the next message may go (0: now).
  std::int64_t wait_ns(std::int64_t now_ns);
  /// A message went at `now_ns` (after wait_ns said 0): takes a token.
  void take(std::int64_t now_ns);

private:
  void refill(std::int64_t now_ns);

  std::int64_t interval_ns_ = 0; ///< time to earn one token; 0: no limit
  std::int64_t burst_ = 1;
  /// Tokens, in nanoseconds of earning time (tokens * interval), so no
  /// fraction is lost between calls.
  std::int64_t credit_ns_ = 0;
  std::int64_t last_ns_ = 0;
  bool started_ = false;
};

} // namespace sluice::ops::email
