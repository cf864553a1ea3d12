#pragma once

// How the metrics endpoint serves its connections (an httplib task queue).
// httplib's own pool has a fixed number of threads, each held by one
// connection for as long as its client keeps it: four clients sending a
// byte a second, or a few hundred idle connections, left nobody to answer
// /api/health, and the end of a run waited for them all.

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>

#include <httplib.h>

namespace sluice::observe {

/// Each connection gets a thread of its own, up to `max_threads` at once;
/// more wait for a free one. `shutdown()` (httplib calls it when the server
/// stops) waits at most `grace` for the connections in progress and then
/// lets them be: their threads are detached and finish on their own, so a
/// client never delays the end of a run. Connections still waiting are
/// dropped unserved.
class connection_threads final : public httplib::TaskQueue {
public:
  /// What the detached threads share with the queue, which httplib deletes
  /// after shutdown().
  struct state {
    std::mutex mutex;
    std::condition_variable changed;
    std::size_t running = 0;
    std::deque<std::function<void()>> waiting;
    bool shut = false;
  };

  connection_threads(std::shared_ptr<state> s, std::size_t max_threads,
                     std::chrono::milliseconds grace);

  void enqueue(std::function<void()> fn) override;
  void shutdown() override;

  /// Connections still being served (by threads left running after shutdown).
  static std::size_t running(state& s);

private:
  static void serve(std::shared_ptr<state> s, std::function<void()> fn);

  std::shared_ptr<state> state_;
  std::size_t max_threads_;
  std::chrono::milliseconds grace_;
};

} // namespace sluice::observe
