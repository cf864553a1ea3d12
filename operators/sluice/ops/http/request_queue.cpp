#include "sluice/ops/http/request_queue.hpp"

namespace sluice::ops::http {

request_queue::outcome request_queue::push(accepted_request& r) {
  const std::size_t n = r.records();
  if (n > max_) return outcome::too_large;
  std::lock_guard<std::mutex> lock(mutex_);
  if (pending_ + n > max_) return outcome::full;
  pending_ += n;
  queue_.push_back(std::move(r));
  return outcome::queued;
}

request_queue::outcome request_queue::fits(std::size_t records) const {
  if (records > max_) return outcome::too_large;
  std::lock_guard<std::mutex> lock(mutex_);
  return pending_ + records > max_ ? outcome::full : outcome::queued;
}

std::vector<accepted_request> request_queue::take(std::size_t budget) {
  std::vector<accepted_request> out;
  std::lock_guard<std::mutex> lock(mutex_);
  std::size_t taken = 0;
  while (!queue_.empty() && (out.empty() || taken + queue_.front().records() <= budget)) {
    taken += queue_.front().records();
    pending_ -= queue_.front().records();
    out.push_back(std::move(queue_.front()));
    queue_.pop_front();
  }
  return out;
}

std::size_t request_queue::pending() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return pending_;
}

} // namespace sluice::ops::http
