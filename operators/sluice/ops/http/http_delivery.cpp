#include "sluice/ops/http/http_delivery.hpp"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <ctime>
#include <thread>

#include "sluice/ops/connect/backoff.hpp"

namespace sluice::ops::http {

namespace {

constexpr std::int64_t max_retry_after_ns = 300000000000; // 5 min: a peer may not stall us longer
constexpr std::size_t max_body_in_reason = 300;

bool retriable(int status) { return status >= 500 || status == 408 || status == 429; }

/// What went wrong when no answer came, and whether trying again may help
/// (a certificate that is not trusted stays so).
std::string describe(httplib::Error e, bool& again) {
  again = true;
  switch (e) {
    case httplib::Error::Connection: return "cannot connect (refused, or no route to the host)";
    case httplib::Error::ConnectionTimeout: return "connection timed out";
    case httplib::Error::Read: return "no answer (the connection closed, or the timeout passed)";
    case httplib::Error::Write: return "cannot send the request (the connection closed)";
    case httplib::Error::SSLConnection: return "TLS handshake failed";
    case httplib::Error::SSLLoadingCerts:
      again = false;
      return "cannot load the certificate authorities (tls_ca)";
    case httplib::Error::SSLServerVerification:
      again = false;
      return "the server's certificate is not trusted (see tls_ca, tls_verify)";
    case httplib::Error::ExceedRedirectCount: again = false; return "too many redirects";
    default: return httplib::to_string(e);
  }
}

} // namespace

std::int64_t retry_after_seconds(const std::string& value) {
  if (value.empty()) return -1;
  if (std::all_of(value.begin(), value.end(),
                  [](char c) { return std::isdigit(static_cast<unsigned char>(c)); }))
    return value.size() > 9 ? -1 : std::stoll(value);
  std::tm tm{};
  if (!strptime(value.c_str(), "%a, %d %b %Y %H:%M:%S GMT", &tm)) return -1;
  const std::int64_t at = timegm(&tm);
  return std::max<std::int64_t>(0, at - std::time(nullptr));
}

http_delivery::http_delivery(delivery_settings s, std::shared_ptr<core::connector_status> status)
  : s_(std::move(s)), status_(std::move(status)), client_(s_.url.origin) {
  const auto timeout = std::chrono::nanoseconds(s_.timeout_ns);
  client_.set_connection_timeout(std::chrono::duration_cast<std::chrono::microseconds>(timeout));
  client_.set_read_timeout(std::chrono::duration_cast<std::chrono::microseconds>(timeout));
  client_.set_write_timeout(std::chrono::duration_cast<std::chrono::microseconds>(timeout));
  client_.set_keep_alive(true);
  // Headers and body go out in two writes: without this, Nagle and the
  // peer's delayed ACK hold each small request back for 40 ms.
  client_.set_tcp_nodelay(true);
  client_.set_follow_location(true);
  if (!s_.url.user.empty() || !s_.url.password.empty())
    client_.set_basic_auth(s_.url.user, s_.url.password);
  if (s_.url.https) {
    if (!s_.tls_ca.empty()) client_.set_ca_cert_path(s_.tls_ca);
    client_.enable_server_certificate_verification(s_.tls_verify);
  }
}

delivery_result http_delivery::send(const std::string& body, const std::string& content_type,
                                    const httplib::Headers& extra) {
  httplib::Headers headers = s_.headers;
  headers.insert(extra.begin(), extra.end());
  const char* method = s_.put ? "PUT" : "POST";
  connect::backoff wait(s_.backoff_ns, s_.backoff_max_ns);
  delivery_result r;
  for (;;) {
    ++r.attempts;
    auto res = s_.put ? client_.Put(s_.url.target, headers, body, content_type)
                      : client_.Post(s_.url.target, headers, body, content_type);
    std::int64_t peer_wait_ns = 0;
    bool again = true;
    if (!res) {
      r.status = 0;
      r.reason = std::string(method) + " " + s_.shown_url + ": " + describe(res.error(), again);
      status_->disconnected(r.reason);
    } else {
      status_->connected();
      r.status = res->status;
      if (r.status >= 200 && r.status < 300) {
        r.delivered = true;
        r.reason.clear();
        return r;
      }
      r.reason = std::string(method) + " " + s_.shown_url + " answered " + std::to_string(r.status);
      if (!res->body.empty()) r.reason += ": " + res->body.substr(0, max_body_in_reason);
      status_->error(r.reason);
      again = retriable(r.status);
      const std::int64_t s = retry_after_seconds(res->get_header_value("Retry-After"));
      if (s >= 0) peer_wait_ns = std::min(max_retry_after_ns, s * 1000000000);
    }
    if (!again) return r;
    if (s_.max_attempts > 0 && r.attempts >= s_.max_attempts) {
      r.reason += " (gave up after " + std::to_string(r.attempts) + " attempts)";
      return r;
    }
    std::this_thread::sleep_for(std::chrono::nanoseconds(std::max(wait.next_ns(), peer_wait_ns)));
  }
}

} // namespace sluice::ops::http
