#pragma once

// How a connector's link to its server is doing (docs/ARCHITECTURE.md §12):
// up or down, how often it came back, and the last error with its time.
// One per node instance, shared by the operator (which writes it, from its
// callbacks or its client library's threads) and the metrics (which read
// it: /metrics, /api/metrics, `sluice top`, the editor's canvas).

#include <atomic>
#include <cstdint>
#include <mutex>
#include <string>

namespace sluice::core {

class connector_status {
public:
  /// What a reader sees at one moment.
  struct view {
    /// -1: the operator is not a connector (it never reported); 0 down; 1 up.
    int up = -1;
    /// How often the link came back after it was lost.
    std::uint64_t reconnects = 0;
    /// The last error a connector reported, and when (Unix ns; 0 = never).
    std::string last_error;
    std::int64_t last_error_unix_ns = 0;
  };

  /// The link to the server works. After disconnected(), counts a reconnect.
  void connected();
  /// The link is lost because of `error` (the connector retries).
  void disconnected(const std::string& error);
  /// Something failed without taking the link down (a refused write that is
  /// retried, a payload the server rejected): recorded as the last error.
  void error(const std::string& error);

  view read() const;

private:
  std::atomic<int> up_{-1};
  std::atomic<std::uint64_t> reconnects_{0};
  mutable std::mutex mutex_;
  std::string last_error_;
  std::int64_t last_error_unix_ns_ = 0;
};

} // namespace sluice::core
