#include "sluice/observe/connection_threads.hpp"

#include <thread>

namespace sluice::observe {

connection_threads::connection_threads(std::shared_ptr<state> s, std::size_t max_threads,
                                       std::chrono::milliseconds grace)
  : state_(std::move(s)), max_threads_(max_threads), grace_(grace) {}

void connection_threads::enqueue(std::function<void()> fn) {
  std::lock_guard<std::mutex> guard(state_->mutex);
  if (state_->shut) return;
  if (state_->running >= max_threads_) {
    state_->waiting.push_back(std::move(fn));
    return;
  }
  ++state_->running;
  std::thread([s = state_, fn = std::move(fn)]() mutable {
    serve(std::move(s), std::move(fn));
  }).detach();
}

void connection_threads::serve(std::shared_ptr<state> s, std::function<void()> fn) {
  for (;;) {
    fn();
    std::lock_guard<std::mutex> guard(s->mutex);
    if (s->shut || s->waiting.empty()) {
      --s->running;
      s->changed.notify_all();
      return;
    }
    fn = std::move(s->waiting.front());
    s->waiting.pop_front();
  }
}

void connection_threads::shutdown() {
  std::unique_lock<std::mutex> lock(state_->mutex);
  state_->changed.wait_for(lock, grace_, [&] { return state_->running == 0; });
  state_->shut = true;
  state_->waiting.clear();
}

std::size_t connection_threads::running(state& s) {
  std::lock_guard<std::mutex> guard(s.mutex);
  return s.running;
}

} // namespace sluice::observe
