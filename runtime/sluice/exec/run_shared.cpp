#include "sluice/exec/run_shared.hpp"

#include <iostream>

namespace sluice::exec {

run_shared::run_shared(std::size_t instances, std::function<void(const std::string&)> log)
  : live_(instances), log_(std::move(log)) {}

void run_shared::set_abort(std::function<void()> abort) {
  std::lock_guard<std::mutex> guard(mutex_);
  abort_ = std::move(abort);
}

void run_shared::instance_finished() {
  std::lock_guard<std::mutex> guard(mutex_);
  if (live_ > 0) --live_;
  changed_.notify_all();
}

void run_shared::fail(const std::string& message) {
  std::function<void()> abort;
  {
    std::lock_guard<std::mutex> guard(mutex_);
    if (failed_) return;
    failed_ = true;
    failure_ = message;
    abort = abort_;
    changed_.notify_all();
  }
  if (abort) abort();
}

void run_shared::stopping() {
  std::lock_guard<std::mutex> guard(mutex_);
  stopping_ = true;
}

void run_shared::log(const std::string& line) const {
  if (log_) log_(line);
  else std::cerr << line << std::endl;
}

void run_shared::wait() {
  std::unique_lock<std::mutex> lock(mutex_);
  changed_.wait(lock, [this] { return ended_locked(); });
}

bool run_shared::wait_for(std::chrono::milliseconds timeout) {
  std::unique_lock<std::mutex> lock(mutex_);
  return changed_.wait_for(lock, timeout, [this] { return ended_locked(); });
}

run_status run_shared::status() const {
  std::lock_guard<std::mutex> guard(mutex_);
  if (failed_) return run_status::failed;
  if (live_ > 0) return run_status::running;
  return stopping_ ? run_status::stopped : run_status::finished;
}

std::string run_shared::failure() const {
  std::lock_guard<std::mutex> guard(mutex_);
  return failure_;
}

std::size_t run_shared::live() const {
  std::lock_guard<std::mutex> guard(mutex_);
  return live_;
}

bool run_shared::ended() const {
  std::lock_guard<std::mutex> guard(mutex_);
  return ended_locked();
}

} // namespace sluice::exec
