#pragma once

#include <memory>
#include <optional>
#include <string>

#include "sluice/observe/metrics_frame.hpp"
#include "sluice/observe/metrics_server.hpp"
#include "sluice/observe/sse_parser.hpp"

namespace sluice::observe {

/// Reads a run's endpoint (metrics_server) over HTTP: what `sluice top URL`
/// uses. Each call makes one GET with short timeouts and never throws; on
/// failure it returns nullopt and error() says why ("cannot connect to ...",
/// "cannot resolve the host name ...",
/// "HTTP 404", "bad JSON: ...").
class metrics_client {
public:
  /// `url`: "http://HOST:PORT" ("HOST:PORT" and a trailing path are fine).
  /// Throws std::invalid_argument, saying why, for another scheme or a URL
  /// without a host.
  explicit metrics_client(std::string url);
  ~metrics_client();

  std::optional<metrics_frame> frame();
  std::optional<run_health> health();
  std::optional<nlohmann::json> pipeline();

  /// Why a tap stream ended.
  enum class tap_end {
    ended,   ///< the server sent `end` (the run ended), or `on_event` said stop
    refused, ///< an HTTP error answer (400 unknown edge, 503 ...): error() has its message
    failed,  ///< no connection, or it broke: error() says why
  };
  /// Streams GET /api/tap (metrics_server.hpp) and calls `on_event` for
  /// every event as it arrives, until it returns false or `end` came. The
  /// connection has no overall time limit; it fails if nothing at all
  /// arrives for 10 s (the server sends a status every second).
  tap_end tap(const tap_request& request, const std::function<bool(const sse_message&)>& on_event);
  const std::string& error() const { return error_; }
  const std::string& url() const { return url_; }

private:
  std::optional<nlohmann::json> get_json(const std::string& path);

  struct impl;
  std::unique_ptr<impl> impl_;
  std::string url_;
  std::string error_;
};

} // namespace sluice::observe
