#pragma once

// The web server of the dashboards: one per `listen` address in the
// process, shared by every `sink.dashboard` that gives that address.
//
// `acquire(listen)` returns the server of that address, starting it on the
// first call; the server stops when the last handle to it is dropped (the
// registry holds none). Pages:
//   /                      index: a link per page, by title
//   /d/<id>                the page of one sink (HTML)
//   /d/<id>/state          its state now (JSON)
//   /d/<id>/events         its state as Server-Sent Events: the newest state
//                          at most every 250 ms, a repeat every 2 s
//   /assets/<file>         the page's script and style, and Chart.js
// Every connection has a thread of the server's pool (`max_clients` event
// streams at once, more are answered 503); a slow or stuck browser holds
// only its own thread and never the sink, which only updates its state.

#include <cstddef>
#include <memory>
#include <string>

#include "sluice/ops/dashboard/dashboard_state.hpp"
#include "sluice/ops/http/http_address.hpp"

namespace sluice::ops::dashboard {

class dashboard_server {
public:
  static constexpr std::size_t max_clients = 16;

  /// The server listening on `listen` (started if none is). Throws
  /// std::runtime_error if the address cannot be listened on or Chart.js
  /// is missing.
  static std::shared_ptr<dashboard_server> acquire(const http::listen_address& listen);

  ~dashboard_server();
  dashboard_server(const dashboard_server&) = delete;
  dashboard_server& operator=(const dashboard_server&) = delete;

  /// Serves `state` at /d/<id> until remove_page(id, state); a page of the
  /// same id replaces the one there (a new run of the same pipeline).
  void add_page(const std::string& id, std::shared_ptr<dashboard_state> state);
  /// Removes the page if it is still `state`'s.
  void remove_page(const std::string& id, const std::shared_ptr<dashboard_state>& state);

  /// "http://host:port" (the port chosen for port 0).
  std::string url() const;
  int port() const;

  /// Where Chart.js is read from: the first of Debian's libjs-chart.js files
  /// that exists, or "" if none does.
  static std::string chart_js_path();

private:
  struct impl;
  explicit dashboard_server(std::unique_ptr<impl> d);
  std::unique_ptr<impl> impl_;
};

} // namespace sluice::ops::dashboard
