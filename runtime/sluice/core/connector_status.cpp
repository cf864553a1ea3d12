#include "sluice/core/connector_status.hpp"

#include <chrono>

namespace sluice::core {

void connector_status::connected() {
  if (up_.exchange(1) == 0) reconnects_.fetch_add(1, std::memory_order_relaxed);
}

void connector_status::disconnected(const std::string& error) {
  up_.store(0);
  this->error(error);
}

void connector_status::error(const std::string& error) {
  auto now = std::chrono::system_clock::now().time_since_epoch();
  std::lock_guard<std::mutex> lock(mutex_);
  last_error_ = error;
  last_error_unix_ns_ = std::chrono::duration_cast<std::chrono::nanoseconds>(now).count();
}

connector_status::view connector_status::read() const {
  view v;
  v.up = up_.load();
  v.reconnects = reconnects_.load(std::memory_order_relaxed);
  std::lock_guard<std::mutex> lock(mutex_);
  v.last_error = last_error_;
  v.last_error_unix_ns = last_error_unix_ns_;
  return v;
}

} // namespace sluice::core
