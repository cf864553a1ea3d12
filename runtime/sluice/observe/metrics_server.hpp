#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "sluice/core/edge_tap.hpp"
#include "sluice/core/metrics.hpp"
#include "sluice/core/pipeline/validator.hpp"
#include "sluice/observe/metrics_frame.hpp"

namespace sluice::observe {

/// A run's state as /api/health reports it.
struct run_health {
  std::string status = "running"; ///< "running", "finished", "stopped" or "failed"
  std::string error;              ///< what failed, for "failed"
};

/// A tap asked for by GET /api/tap.
struct tap_request {
  std::string from; ///< "NODE" or "NODE.PORT"
  std::string to;   ///< "NODE"
  core::tap_options options;
};

/// How the server reads the run it watches. All are called from the
/// server's threads, possibly at the same time as the owner's: they must be
/// thread-safe (exec::pipeline_run's snapshot(), status() and
/// checkpoints() are). `checkpoints` may be empty: a run without
/// checkpoints or restarts. `tap` (exec::pipeline_run::open_tap) opens a
/// tap or throws std::invalid_argument saying why not (unknown edge, bad
/// filter); empty: /api/tap answers 404.
struct run_source {
  std::function<std::vector<core::instance_snapshot>()> snapshot;
  std::function<run_health()> health;
  std::function<checkpoint_figures()> checkpoints;
  std::function<std::shared_ptr<core::edge_tap>(const tap_request&)> tap;
};

struct server_options {
  std::string bind = "127.0.0.1";
  int port = 0; ///< 0 = any free port (see metrics_server::port())
  std::chrono::milliseconds sample_every{1000};
  /// A request for metrics takes a fresh sample if the last one is older.
  std::chrono::milliseconds max_age{250};
  /// Taps streaming at once at most; more are answered 503.
  std::size_t max_taps = 8;
  /// How often a tap's stream sends the records sampled since the last time.
  std::chrono::milliseconds tap_every{250};
};

/// The HTTP endpoint of a headless run, on its own threads (one sampler,
/// a small pool for requests), so the pipeline's actors never wait for it:
///
///   GET /metrics               Prometheus text (prometheus_text.hpp), its
///                              checkpoint age taken at the request
///   GET /api/pipeline          the document plus every edge's schema
///   GET /api/metrics           to_json(latest frame)
///   GET /api/metrics/history   the frames of the last 5 minutes, oldest
///                              first; ?since=T (seconds, as t_seconds)
///                              keeps those with t_seconds > T
///   GET /api/health            {"status": ..., "error": ...}
///   GET /api/tap?from=NODE[.PORT]&to=NODE[&filter=EXPR][&rate=N]
///                              a Server-Sent Events stream of the records
///                              sampled on one edge (tap_stream.hpp):
///                              `schema`, then `records` and `status`, and
///                              `end` when the run ends; 400 for an unknown
///                              edge or a bad filter (naming the edges),
///                              503 beyond max_taps at once
///
/// Anything else is answered with a JSON error: 404 unknown path, 405 wrong
/// method (with Allow: GET), 400 bad or unknown query parameter.
class metrics_server {
public:
  /// Binds and starts serving; throws std::runtime_error if the address
  /// cannot be bound.
  metrics_server(core::pipeline::checked_pipeline pipeline, run_source source,
                 server_options options = {});
  /// Stops serving and joins the threads.
  ~metrics_server();
  metrics_server(const metrics_server&) = delete;
  metrics_server& operator=(const metrics_server&) = delete;

  /// The port bound (the chosen one when options.port was 0).
  int port() const;
  /// "http://BIND:PORT"
  std::string url() const;

  /// Takes a sample now (the run's end, say) and returns it.
  metrics_frame sample_now();
  /// A copy of the newest frame (sampling first if it is older than max_age).
  metrics_frame latest();

  void stop();

private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

} // namespace sluice::observe
