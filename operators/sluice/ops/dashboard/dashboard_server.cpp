#include "sluice/ops/dashboard/dashboard_server.hpp"

#include <httplib.h>
#include <sys/socket.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "sluice/ops/dashboard/html_text.hpp"
#include "sluice/ops/dashboard/web_assets.hpp"

namespace sluice::ops::dashboard {

namespace {

std::int64_t wall_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
           std::chrono::system_clock::now().time_since_epoch())
    .count();
}

/// Debian's libjs-chart.js; chart.umd.js is the name from Chart.js 4 on.
const char* const chart_js_candidates[] = {
  "/usr/share/javascript/chart.js/chart.min.js",
  "/usr/share/javascript/chart.js/chart.umd.js",
  "/usr/share/javascript/chart.js/chart.js",
};

constexpr auto sse_every = std::chrono::milliseconds(dashboard_state::publish_every_ms);
constexpr auto sse_repeat = std::chrono::seconds(2);

std::string key_of(const http::listen_address& a) { return a.host + ":" + std::to_string(a.port); }

/// The process's servers by listen address. Never destroyed: sinks may
/// drop their servers during static destruction.
struct registry {
  std::mutex mutex;
  std::map<std::string, std::weak_ptr<dashboard_server>> servers;
};

registry& the_registry() {
  static registry* r = new registry;
  return *r;
}

} // namespace

struct dashboard_server::impl {
  http::listen_address listen;
  std::string chart_js;
  httplib::Server http;
  std::thread thread;
  int port = 0;
  int listen_socket = -1;
  std::atomic<std::size_t> clients{0};

  std::mutex mutex; ///< pages, stopping
  std::condition_variable stop_cv;
  bool stopping = false;
  std::map<std::string, std::shared_ptr<dashboard_state>> pages;

  std::shared_ptr<dashboard_state> page(const std::string& id) {
    std::lock_guard<std::mutex> guard(mutex);
    auto it = pages.find(id);
    return it == pages.end() ? nullptr : it->second;
  }

  /// Waits `d`; false if the server is stopping.
  bool pause(std::chrono::milliseconds d) {
    std::unique_lock<std::mutex> lock(mutex);
    return !stop_cv.wait_for(lock, d, [&] { return stopping; });
  }

  void handle(const httplib::Request& req, httplib::Response& res) {
    res.set_header("Cache-Control", "no-store");
    const std::string& path = req.path;
    if (path == "/") return index(res);
    if (path == "/assets/chart.min.js") {
      res.set_header("Cache-Control", "max-age=3600");
      return res.set_content(chart_js, "text/javascript; charset=utf-8");
    }
    if (path == "/assets/dashboard.js")
      return res.set_content(std::string(web_asset("dashboard.js")),
                             "text/javascript; charset=utf-8");
    if (path == "/assets/dashboard.css")
      return res.set_content(std::string(web_asset("dashboard.css")), "text/css; charset=utf-8");
    if (path.rfind("/d/", 0) == 0) {
      std::string id = path.substr(3), tail;
      if (const auto slash = id.find('/'); slash != std::string::npos) {
        tail = id.substr(slash);
        id.resize(slash);
      }
      auto state = page(id);
      if (!state) return not_found(res, "no dashboard '" + id + "' here");
      if (tail.empty()) return page_html(res, id, *state);
      if (tail == "/state") {
        return res.set_content(state->publish(wall_ms()).text, "application/json");
      }
      if (tail == "/events") {
        // ?seconds=N ends the stream after N s (scripts, headless browsers)
        std::chrono::seconds lasts{0};
        if (req.has_param("seconds")) {
          const std::string text = req.get_param_value("seconds");
          const bool digits = !text.empty() && text.size() <= 5
                              && text.find_first_not_of("0123456789") == std::string::npos;
          if (!digits || std::stoi(text) < 1) {
            res.status = 400;
            return res.set_content("query parameter 'seconds' must be a whole number of seconds "
                                   "from 1 to 99999, got '"
                                     + text + "'\n",
                                   "text/plain; charset=utf-8");
          }
          lasts = std::chrono::seconds(std::stoi(text));
        }
        return events(res, std::move(state), lasts);
      }
    }
    not_found(res, "nothing at " + path);
  }

  static void not_found(httplib::Response& res, const std::string& what) {
    res.status = 404;
    res.set_content(what + "\n", "text/plain; charset=utf-8");
  }

  void index(httplib::Response& res) {
    std::string items;
    {
      std::lock_guard<std::mutex> guard(mutex);
      for (const auto& [id, state] : pages) {
        const auto& cfg = state->config();
        items += "<li><a href=\"/d/" + html_escape(id) + "\">"
                 + html_escape(cfg.title.empty() ? id : cfg.title) + "</a> <span class=\"kind\">"
                 + name_of(cfg.chart) + "</span></li>\n";
      }
    }
    if (items.empty()) items = "<li class=\"none\">no dashboards</li>\n";
    res.set_content(fill(web_asset("index.html"), {{"items", items}}), "text/html; charset=utf-8");
  }

  void page_html(httplib::Response& res, const std::string& id, const dashboard_state& state) {
    const auto& cfg = state.config();
    res.set_content(fill(web_asset("page.html"), {{"title", html_escape(cfg.title)},
                                                  {"id", html_escape(id)},
                                                  {"chart", name_of(cfg.chart)}}),
                    "text/html; charset=utf-8");
  }

  // The newest state at most every 250 ms, the same again every 2 s (so the
  // page sees a stall or the server going away), as long as the client reads
  // or, with `lasts`, that long; then an `end` event.
  void events(httplib::Response& res, std::shared_ptr<dashboard_state> state,
              std::chrono::seconds lasts) {
    if (clients.fetch_add(1) >= max_clients) {
      --clients;
      res.status = 503;
      res.set_content("too many live dashboards open on this server (at most "
                        + std::to_string(max_clients) + ")\n",
                      "text/plain; charset=utf-8");
      return;
    }
    struct client {
      std::uint64_t sequence = 0;
      std::chrono::steady_clock::time_point sent{}, until{};
    };
    auto c = std::make_shared<client>();
    c->until = lasts.count() > 0 ? std::chrono::steady_clock::now() + lasts
                                 : std::chrono::steady_clock::time_point::max();
    res.set_header("X-Accel-Buffering", "no");
    res.set_chunked_content_provider(
      "text/event-stream",
      [this, state, c](std::size_t, httplib::DataSink& sink) {
        if (c->sequence != 0 && !pause(sse_every)) return false;
        if (!sink.is_writable()) return false;
        const auto now = std::chrono::steady_clock::now();
        if (now >= c->until) {
          static const std::string end = "event: end\ndata: {}\n\n";
          if (!sink.write(end.data(), end.size())) return false;
          sink.done();
          return true;
        }
        const auto published = state->publish(wall_ms());
        if (published.sequence == c->sequence && now - c->sent < sse_repeat) return true;
        const std::string event = "data: " + published.text + "\n\n";
        if (!sink.write(event.data(), event.size())) return false;
        c->sequence = published.sequence;
        c->sent = now;
        return true;
      },
      [this](bool) { --clients; });
  }
};

std::string dashboard_server::chart_js_path() {
  for (const char* p : chart_js_candidates) {
    std::error_code ec;
    if (std::filesystem::is_regular_file(p, ec)) return p;
  }
  return "";
}

std::shared_ptr<dashboard_server> dashboard_server::acquire(const http::listen_address& listen) {
  auto& reg = the_registry();
  const std::string key = key_of(listen);
  for (int attempt = 0;; ++attempt) {
    std::unique_lock<std::mutex> lock(reg.mutex);
    auto it = reg.servers.find(key);
    if (it != reg.servers.end()) {
      if (auto s = it->second.lock()) return s;
      // The last sink let go of it and it is stopping: wait for its port.
      if (attempt < 500) {
        lock.unlock();
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
        continue;
      }
    }
    auto d = std::make_unique<impl>();
    d->listen = listen;
    const std::string chart_path = chart_js_path();
    if (chart_path.empty())
      throw std::runtime_error(
        "Chart.js is missing (looked for " + std::string(chart_js_candidates[0])
        + " and the like): install Debian's libjs-chart.js (scripts/setup.sh installs it)");
    {
      std::ifstream f(chart_path, std::ios::binary);
      std::ostringstream text;
      text << f.rdbuf();
      if (!f) throw std::runtime_error("cannot read Chart.js from " + chart_path);
      d->chart_js = text.str();
    }
    auto* raw = d.get();
    raw->http.new_task_queue = [] { return new httplib::ThreadPool(max_clients + 8); };
    raw->http.set_keep_alive_timeout(2);
    raw->http.set_read_timeout(5);
    raw->http.set_write_timeout(2); // a stuck browser holds a thread this long at most
    raw->http.set_payload_max_length(64 * 1024);
    // SO_REUSEADDR only: httplib's default adds SO_REUSEPORT, which would let
    // a second process bind the same port and take half of the requests.
    raw->http.set_socket_options([raw](socket_t sock) {
      int yes = 1;
      ::setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
      raw->listen_socket = sock;
    });
    raw->http.Get(
      ".*", [raw](const httplib::Request& req, httplib::Response& res) { raw->handle(req, res); });
    int port = listen.port;
    if (port == 0) port = raw->http.bind_to_any_port(listen.host);
    else if (!raw->http.bind_to_port(listen.host, port)) port = -1;
    if (port <= 0)
      throw std::runtime_error("cannot listen on " + key
                               + " (address in use, or not an address of this machine)");
    raw->port = port;
    if (raw->listen_socket >= 0) ::listen(raw->listen_socket, 128); // httplib's backlog is 5
    raw->thread = std::thread([raw] { raw->http.listen_after_bind(); });
    // stop() does nothing before the server runs: the destructor could hang
    for (int i = 0; i < 5000 && !raw->http.is_running(); ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    // The last handle stops the server, then drops its registry entry: an
    // acquire of the address in between waits for the port (above).
    std::shared_ptr<dashboard_server> s(new dashboard_server(std::move(d)),
                                        [key](dashboard_server* p) {
                                          auto& r = the_registry();
                                          delete p;
                                          std::lock_guard<std::mutex> guard(r.mutex);
                                          auto at = r.servers.find(key);
                                          if (at != r.servers.end() && at->second.expired())
                                            r.servers.erase(at);
                                        });
    reg.servers[key] = s;
    return s;
  }
}

dashboard_server::dashboard_server(std::unique_ptr<impl> d) : impl_(std::move(d)) {}

dashboard_server::~dashboard_server() {
  {
    std::lock_guard<std::mutex> guard(impl_->mutex);
    impl_->stopping = true;
  }
  impl_->stop_cv.notify_all();
  impl_->http.stop();
  if (impl_->thread.joinable()) impl_->thread.join();
}

void dashboard_server::add_page(const std::string& id, std::shared_ptr<dashboard_state> state) {
  std::lock_guard<std::mutex> guard(impl_->mutex);
  impl_->pages[id] = std::move(state);
}

void dashboard_server::remove_page(const std::string& id,
                                   const std::shared_ptr<dashboard_state>& state) {
  std::lock_guard<std::mutex> guard(impl_->mutex);
  auto it = impl_->pages.find(id);
  if (it != impl_->pages.end() && it->second == state) impl_->pages.erase(it);
}

std::string dashboard_server::url() const {
  const bool v6 = impl_->listen.host.find(':') != std::string::npos;
  return "http://" + (v6 ? "[" + impl_->listen.host + "]" : impl_->listen.host) + ":"
         + std::to_string(impl_->port);
}

int dashboard_server::port() const { return impl_->port; }

} // namespace sluice::ops::dashboard
