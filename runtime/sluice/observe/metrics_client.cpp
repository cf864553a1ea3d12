#include "sluice/observe/metrics_client.hpp"

#include <netdb.h>
#include <sys/socket.h>

#include <algorithm>
#include <sstream>
#include <stdexcept>

#include <httplib.h>

namespace sluice::observe {

struct metrics_client::impl {
  explicit impl(const std::string& url) : http(url) {
    http.set_connection_timeout(1, 0);
    http.set_read_timeout(3, 0);
    http.set_write_timeout(3, 0);
    http.set_keep_alive(true);
  }
  httplib::Client http;
};

namespace {

/// "http://HOST:PORT": adds the scheme, drops a path ("/metrics" pasted
/// along with the address). Refuses what the HTTP client would throw on.
std::string normalise(std::string url) {
  if (url.find("://") == std::string::npos) url = "http://" + url;
  auto scheme_end = url.find("://");
  auto scheme = url.substr(0, scheme_end);
  if (scheme != "http")
    throw std::invalid_argument("only http:// URLs are supported, got '" + scheme.substr(0, 32)
                                + "://'");
  auto path = url.find('/', scheme_end + 3);
  if (path != std::string::npos) url.resize(path);
  if (url.size() == scheme_end + 3) throw std::invalid_argument("the URL names no host");
  return url;
}

/// The host part of a normalised URL ("http://HOST:PORT").
std::string host_of(const std::string& url) {
  auto start = url.find("://") + 3;
  if (start < url.size() && url[start] == '[')
    return url.substr(start + 1, url.find(']') - start - 1);
  auto colon = url.find(':', start);
  return url.substr(start, colon == std::string::npos ? std::string::npos : colon - start);
}

/// Whether `host` resolves to an address.
bool resolves(const std::string& host) {
  addrinfo hints{};
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  int rc = ::getaddrinfo(host.c_str(), nullptr, &hints, &found);
  if (found) ::freeaddrinfo(found);
  return rc == 0;
}

} // namespace

metrics_client::metrics_client(std::string url) : url_(normalise(std::move(url))) {
  impl_ = std::make_unique<impl>(url_);
}

metrics_client::~metrics_client() = default;

std::optional<nlohmann::json> metrics_client::get_json(const std::string& path) {
  auto res = impl_->http.Get(path);
  if (!res) {
    error_ = httplib::to_string(res.error());
    if (res.error() == httplib::Error::Connection) {
      auto host = host_of(url_);
      error_ = resolves(host) ? "cannot connect to " + url_ + " (nothing listening there?)"
                              : "cannot resolve the host name '" + host + "'";
    }
    return std::nullopt;
  }
  if (res->status != 200) {
    error_ = "HTTP " + std::to_string(res->status) + " from " + path;
    return std::nullopt;
  }
  try {
    auto j = nlohmann::json::parse(res->body);
    error_.clear();
    return j;
  } catch (const std::exception& e) {
    error_ = std::string("bad JSON from ") + path + ": " + e.what();
    return std::nullopt;
  }
}

std::optional<metrics_frame> metrics_client::frame() {
  auto j = get_json("/api/metrics");
  if (!j) return std::nullopt;
  try {
    return frame_from_json(*j);
  } catch (const std::exception& e) {
    error_ = std::string("unexpected /api/metrics: ") + e.what();
    return std::nullopt;
  }
}

std::optional<run_health> metrics_client::health() {
  auto j = get_json("/api/health");
  if (!j) return std::nullopt;
  if (!j->is_object()) {
    error_ = "unexpected /api/health";
    return std::nullopt;
  }
  run_health h;
  h.status = j->value("status", std::string("unknown"));
  h.error = j->value("error", std::string());
  return h;
}

std::optional<nlohmann::json> metrics_client::pipeline() { return get_json("/api/pipeline"); }

metrics_client::tap_end
metrics_client::tap(const tap_request& request,
                    const std::function<bool(const sse_message&)>& on_event) {
  std::string path = "/api/tap?from=" + httplib::detail::encode_query_param(request.from)
                     + "&to=" + httplib::detail::encode_query_param(request.to);
  if (!request.options.filter.empty())
    path += "&filter=" + httplib::detail::encode_query_param(request.options.filter);
  if (request.options.rate != core::default_tap_rate) {
    std::ostringstream rate;
    rate << request.options.rate;
    path += "&rate=" + rate.str();
  }
  httplib::Client http(url_);
  http.set_connection_timeout(1, 0);
  http.set_read_timeout(10, 0);
  http.set_write_timeout(3, 0);
  int status = 0;
  std::string body; // an error answer's, bounded
  sse_parser parser;
  bool got_end = false, stopped = false;
  std::string parse_error;
  auto res = http.Get(
    path,
    [&](const httplib::Response& r) {
      status = r.status;
      return true;
    },
    [&](const char* data, std::size_t n) {
      if (status != 200) {
        body.append(data, std::min(n, std::size_t(64 * 1024)
                                        - std::min(body.size(), std::size_t(64 * 1024))));
        return true;
      }
      try {
        return parser.feed({data, n}, [&](const sse_message& m) {
          if (m.event == "end") got_end = true;
          if (!on_event(m)) stopped = true;
          return !got_end && !stopped;
        });
      } catch (const std::exception& e) {
        parse_error = e.what();
        return false;
      }
    });
  if (got_end || stopped) {
    error_.clear();
    return tap_end::ended;
  }
  if (!parse_error.empty()) {
    error_ = "bad event stream from /api/tap: " + parse_error;
    return tap_end::failed;
  }
  if (status != 0 && status != 200) {
    error_ = "HTTP " + std::to_string(status);
    try {
      auto j = nlohmann::json::parse(body);
      if (j.is_object() && j.contains("error") && j["error"].is_string())
        error_ = j["error"].get<std::string>();
    } catch (const std::exception&) {}
    return tap_end::refused;
  }
  if (!res) {
    error_ = httplib::to_string(res.error());
    if (res.error() == httplib::Error::Connection) {
      auto host = host_of(url_);
      error_ = resolves(host) ? "cannot connect to " + url_ + " (nothing listening there?)"
                              : "cannot resolve the host name '" + host + "'";
    } else if (status == 200) {
      error_ = "the tap's stream broke off (" + error_ + ")";
    }
    return tap_end::failed;
  }
  error_ = "the tap's stream ended without an end event";
  return tap_end::failed;
}

} // namespace sluice::observe
