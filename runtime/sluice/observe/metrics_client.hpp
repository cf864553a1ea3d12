#pragma once

#include <memory>
#include <optional>
#include <string>

#include "sluice/observe/metrics_frame.hpp"
#include "sluice/observe/metrics_server.hpp"

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
