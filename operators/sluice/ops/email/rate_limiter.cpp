#include "sluice/ops/email/rate_limiter.hpp"

#include <algorithm>

namespace sluice::ops::email {

rate_limiter::rate_limiter(std::int64_t per_minute, std::int64_t burst)
  : interval_ns_(per_minute > 0 ? 60000000000 / per_minute : 0),
    burst_(std::max<std::int64_t>(1, burst)) {
  credit_ns_ = burst_ * interval_ns_; // starts full
}

void rate_limiter::refill(std::int64_t now_ns) {
  if (!started_) {
    started_ = true;
    last_ns_ = now_ns;
    return;
  }
  if (now_ns > last_ns_) {
    credit_ns_ = std::min(burst_ * interval_ns_, credit_ns_ + (now_ns - last_ns_));
    last_ns_ = now_ns;
  }
}

std::int64_t rate_limiter::wait_ns(std::int64_t now_ns) {
  if (interval_ns_ == 0) return 0;
  refill(now_ns);
  return credit_ns_ >= interval_ns_ ? 0 : interval_ns_ - credit_ns_;
}

void rate_limiter::take(std::int64_t now_ns) {
  if (interval_ns_ == 0) return;
  refill(now_ns);
  credit_ns_ = std::max<std::int64_t>(0, credit_ns_ - interval_ns_);
}

} // namespace sluice::ops::email
