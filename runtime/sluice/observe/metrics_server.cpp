#include "sluice/observe/metrics_server.hpp"

#include <httplib.h>
#include <sys/socket.h>

#include <atomic>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <mutex>
#include <stdexcept>
#include <thread>

#include "sluice/observe/connection_threads.hpp"
#include "sluice/observe/pipeline_json.hpp"
#include "sluice/observe/prometheus_text.hpp"
#include "sluice/observe/tap_stream.hpp"

namespace sluice::observe {

namespace {

using nlohmann::json;

void json_reply(httplib::Response& res, int status, const json& body) {
  res.status = status;
  // A request path is any bytes ("/%ff"); echoed in an error it must still
  // give valid JSON, so invalid UTF-8 becomes U+FFFD instead of throwing.
  res.set_content(body.dump(-1, ' ', false, json::error_handler_t::replace), "application/json");
}

void error_reply(httplib::Response& res, int status, const std::string& message) {
  json_reply(res, status, {{"error", message}, {"status", status}});
}

std::string reason(int status) {
  switch (status) {
    case 400: return "bad request";
    case 404: return "not found";
    case 405: return "method not allowed";
    case 413: return "payload too large";
    case 414: return "URI too long";
    case 503: return "service unavailable";
    default: return "HTTP error " + std::to_string(status);
  }
}

const char* const known_paths[] = {
  "/metrics", "/api/pipeline", "/api/metrics", "/api/metrics/history", "/api/health", "/api/tap"};

bool known(const std::string& path) {
  for (const auto* p : known_paths)
    if (path == p) return true;
  return false;
}

} // namespace

struct metrics_server::impl {
  core::pipeline::checked_pipeline pipeline;
  run_source source;
  server_options options;
  std::string pipeline_body;

  std::mutex mutex; ///< guards the sampler and `last_ns`
  metrics_sampler sampler;
  std::int64_t last_ns = 0;

  httplib::Server http;
  int port = 0;
  int listen_socket = -1; ///< seen in set_socket_options, before httplib listens
  std::thread http_thread, sampler_thread;
  std::mutex stop_mutex;
  std::condition_variable stop_cv;
  bool stopping = false;
  /// Requests inside handle(); stop() waits for them, as they read the run.
  std::size_t handling = 0;
  std::shared_ptr<connection_threads::state> connections =
    std::make_shared<connection_threads::state>();
  std::atomic<std::size_t> open_taps{0}; ///< tap streams being served

  impl(core::pipeline::checked_pipeline p, run_source s, server_options o)
    : pipeline(std::move(p)), source(std::move(s)), options(std::move(o)), sampler(pipeline) {
    pipeline_body = pipeline_json(pipeline).dump();
  }

  const metrics_frame& sample_locked() {
    auto snap = source.snapshot ? source.snapshot() : std::vector<core::instance_snapshot>{};
    auto checkpoints = source.checkpoints ? source.checkpoints() : checkpoint_figures{};
    last_ns = steady_now_ns();
    return sampler.sample(snap, last_ns, wall_now_ms(), std::move(checkpoints));
  }

  metrics_frame fresh() {
    std::lock_guard<std::mutex> guard(mutex);
    auto max_age = std::chrono::duration_cast<std::chrono::nanoseconds>(options.max_age).count();
    if (last_ns == 0 || steady_now_ns() - last_ns > max_age) return sample_locked();
    return sampler.latest();
  }

  run_health health() {
    if (!source.health) return {};
    return source.health();
  }

  /// Answers one request; after stop() (the run may be gone) only with 503.
  void handle(const httplib::Request& req, httplib::Response& res) {
    {
      std::lock_guard<std::mutex> guard(stop_mutex);
      if (stopping) {
        error_reply(res, 503, "the run is over and this endpoint is closing");
        return;
      }
      ++handling;
    }
    struct done_t {
      impl& d;
      ~done_t() {
        std::lock_guard<std::mutex> guard(d.stop_mutex);
        --d.handling;
        d.stop_cv.notify_all();
      }
    } done{*this};
    answer(req, res);
  }

  void answer(const httplib::Request& req, httplib::Response& res) {
    if (!known(req.path)) {
      error_reply(res, 404,
                  "no such path: " + req.path
                    + " (try /metrics, /api/pipeline, /api/metrics, "
                      "/api/metrics/history, /api/health, /api/tap)");
      return;
    }
    if (req.method != "GET" && req.method != "HEAD") {
      res.set_header("Allow", "GET, HEAD");
      error_reply(res, 405, "method " + req.method + " not allowed on " + req.path + "; use GET");
      return;
    }
    if (req.path == "/metrics") {
      auto frame = fresh();
      res.set_content(prometheus_text(frame, read_process_stats(), wall_now_ms()),
                      "text/plain; version=0.0.4; charset=utf-8");
      return;
    }
    if (req.path == "/api/tap") {
      open_tap(req, res);
      return;
    }
    // The JSON API takes no query parameters but `since` on the history.
    for (const auto& [key, value] : req.params) {
      if (req.path == "/api/metrics/history" && key == "since") continue;
      error_reply(res, 400, "unknown query parameter '" + key + "' on " + req.path);
      return;
    }
    if (req.path == "/api/pipeline") {
      res.set_content(pipeline_body, "application/json");
    } else if (req.path == "/api/metrics") {
      json_reply(res, 200, to_json(fresh()));
    } else if (req.path == "/api/metrics/history") {
      double since = -INFINITY;
      if (req.has_param("since")) {
        const auto text = req.get_param_value("since");
        std::size_t used = 0;
        bool ok = !text.empty();
        try {
          since = std::stod(text, &used);
        } catch (const std::exception&) {
          ok = false;
        }
        if (!ok || used != text.size() || !std::isfinite(since)) {
          error_reply(res, 400,
                      "query parameter 'since' must be a number of seconds, got '" + text + "'");
          return;
        }
      }
      fresh();
      json frames = json::array();
      {
        std::lock_guard<std::mutex> guard(mutex);
        for (const auto& f : sampler.history())
          if (f.t_seconds > since) frames.push_back(to_json(f));
      }
      json_reply(res, 200, frames);
    } else if (req.path == "/api/health") {
      auto h = health();
      json_reply(res, 200, {{"status", h.status}, {"error", h.error}});
    }
  }

  /// GET /api/tap: checks the query, opens the tap and hands the response
  /// a stream that waits `tap_every` between steps on the connection's own
  /// thread (never the run's), and ends when the run ends or stop() is
  /// called. A slow client misses records (the tap keeps the newest);
  /// nothing grows.
  void open_tap(const httplib::Request& req, httplib::Response& res) {
    tap_request tr;
    for (const auto& [key, value] : req.params) {
      if (key == "from") tr.from = value;
      else if (key == "to") tr.to = value;
      else if (key == "filter") tr.options.filter = value;
      else if (key == "rate") {
        std::size_t used = 0;
        bool ok = !value.empty();
        try {
          tr.options.rate = std::stod(value, &used);
        } catch (const std::exception&) {
          ok = false;
        }
        if (!ok || used != value.size() || !std::isfinite(tr.options.rate) || tr.options.rate < 1
            || tr.options.rate > core::max_tap_rate) {
          error_reply(res, 400,
                      "query parameter 'rate' must be 1 to "
                        + std::to_string(static_cast<int>(core::max_tap_rate))
                        + " (records per second), got '" + value + "'");
          return;
        }
      } else {
        error_reply(res, 400,
                    "unknown query parameter '" + key
                      + "' on /api/tap (it takes from, to, filter and rate)");
        return;
      }
    }
    if (tr.from.empty() || tr.to.empty()) {
      error_reply(res, 400, "/api/tap needs ?from=NODE[.PORT]&to=NODE");
      return;
    }
    if (!source.tap) {
      error_reply(res, 404, "this endpoint serves no taps");
      return;
    }
    if (open_taps.fetch_add(1) >= options.max_taps) {
      open_taps.fetch_sub(1);
      error_reply(res, 503,
                  "too many taps open at once (" + std::to_string(options.max_taps)
                    + "); close one and try again");
      return;
    }
    std::shared_ptr<core::edge_tap> tap;
    try {
      tap = source.tap(tr);
    } catch (const std::invalid_argument& e) {
      open_taps.fetch_sub(1);
      error_reply(res, 400, e.what());
      return;
    } catch (...) {
      open_taps.fetch_sub(1);
      throw;
    }
    auto stream = std::make_shared<tap_stream>(std::move(tap));
    res.set_header("Cache-Control", "no-cache");
    res.set_chunked_content_provider(
      "text/event-stream",
      [this, stream](std::size_t, httplib::DataSink& sink) {
        bool closing;
        {
          std::unique_lock<std::mutex> lock(stop_mutex);
          if (stream->started())
            stop_cv.wait_for(lock, options.tap_every, [&] { return stopping; });
          closing = stopping;
        }
        auto text = stream->next(closing);
        if (!text.empty() && !sink.write(text.data(), text.size())) return false;
        if (stream->done()) sink.done();
        return true;
      },
      [this, stream](bool) {
        stream->close();
        open_taps.fetch_sub(1);
      });
  }

  void sample_loop() {
    std::unique_lock<std::mutex> lock(stop_mutex);
    while (!stopping) {
      {
        std::lock_guard<std::mutex> guard(mutex);
        sample_locked();
      }
      stop_cv.wait_for(lock, options.sample_every, [&] { return stopping; });
    }
  }
};

metrics_server::metrics_server(core::pipeline::checked_pipeline pipeline, run_source source,
                               server_options options)
  : impl_(std::make_unique<impl>(std::move(pipeline), std::move(source), std::move(options))) {
  auto& d = *impl_;
  // A thread per connection (up to 512), and a run's end waits at most 1.5 s
  // for clients (connection_threads.hpp): long enough for an idle keep-alive
  // connection (1 s) to end on its own, so only a client that is still
  // sending is left to a detached thread.
  d.http.new_task_queue = [state = d.connections] {
    return new connection_threads(state, 512, std::chrono::milliseconds(1500));
  };
  d.http.set_keep_alive_timeout(1);
  // SO_REUSEADDR only: httplib's default adds SO_REUSEPORT, which would let
  // a second run bind the same port and share its requests.
  d.http.set_socket_options([raw = impl_.get()](socket_t sock) {
    int yes = 1;
    ::setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, reinterpret_cast<const void*>(&yes), sizeof yes);
    raw->listen_socket = sock;
  });
  d.http.set_read_timeout(2);
  d.http.set_payload_max_length(64 * 1024); // nothing here takes a body
  d.http.set_write_timeout(5);
  auto* raw = impl_.get();
  // Every request goes through one dispatcher, whatever its method, so
  // wrong methods and unknown paths get a JSON answer too.
  d.http.set_pre_routing_handler([raw](const httplib::Request& req, httplib::Response& res) {
    raw->handle(req, res);
    return httplib::Server::HandlerResponse::Handled;
  });
  d.http.set_error_handler(
    httplib::Server::HandlerWithResponse([](const httplib::Request&, httplib::Response& res) {
      if (res.body.empty()) error_reply(res, res.status, reason(res.status));
      return httplib::Server::HandlerResponse::Handled;
    }));
  d.http.set_exception_handler(
    [](const httplib::Request&, httplib::Response& res, std::exception_ptr ep) {
      std::string what = "internal error";
      try {
        if (ep) std::rethrow_exception(ep);
      } catch (const std::exception& e) {
        what += std::string(": ") + e.what();
      } catch (...) {}
      error_reply(res, 500, what);
    });
  if (d.options.port == 0) {
    d.port = d.http.bind_to_any_port(d.options.bind);
    if (d.port <= 0) throw std::runtime_error("cannot bind a metrics port on " + d.options.bind);
  } else {
    if (!d.http.bind_to_port(d.options.bind, d.options.port))
      throw std::runtime_error("cannot bind metrics endpoint " + d.options.bind + ":"
                               + std::to_string(d.options.port) + " (in use, or a bad address?)");
    d.port = d.options.port;
  }
  // httplib listens with a backlog of 5: a burst of connections (a few
  // hundred clients at once) would be refused. Listening again on Linux
  // only raises the backlog.
  if (d.listen_socket >= 0) ::listen(d.listen_socket, 1024);
  d.sampler_thread = std::thread([raw] { raw->sample_loop(); });
  d.http_thread = std::thread([raw] { raw->http.listen_after_bind(); });
  // stop() only reaches a server that is listening: wait until it is.
  for (int i = 0; i < 2000 && !d.http.is_running(); ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
}

metrics_server::~metrics_server() {
  stop();
  // Connections of slow clients may still be served on detached threads,
  // which use the HTTP server (never the run: handle() answers 503 after
  // stop). Leave it to them rather than delay the end of the run.
  if (impl_ && connection_threads::running(*impl_->connections) > 0) (void)impl_.release();
}

void metrics_server::stop() {
  if (!impl_) return;
  auto& d = *impl_;
  {
    std::unique_lock<std::mutex> lock(d.stop_mutex);
    if (d.stopping) return;
    d.stopping = true;
    // Requests already reading the run finish first (they take microseconds).
    d.stop_cv.wait(lock, [&] { return d.handling == 0; });
  }
  d.stop_cv.notify_all();
  d.http.stop();
  if (d.http_thread.joinable()) d.http_thread.join();
  if (d.sampler_thread.joinable()) d.sampler_thread.join();
}

int metrics_server::port() const { return impl_->port; }

std::string metrics_server::url() const {
  auto host = impl_->options.bind;
  if (host.find(':') != std::string::npos) host = "[" + host + "]";
  return "http://" + host + ":" + std::to_string(impl_->port);
}

metrics_frame metrics_server::sample_now() {
  std::lock_guard<std::mutex> guard(impl_->mutex);
  return impl_->sample_locked();
}

metrics_frame metrics_server::latest() { return impl_->fresh(); }

} // namespace sluice::observe
