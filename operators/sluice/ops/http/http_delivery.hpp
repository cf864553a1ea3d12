#pragma once

// One HTTP peer that sink.http sends request bodies to, with retries:
// connection errors, timeouts, 5xx, 408 and 429 are tried again after
// connect::backoff's wait (or the peer's Retry-After, if longer), until
// `max_attempts` attempts were made (0: no limit); any other answer that
// is not 2xx is final. Reports the link on the connector status.

#include <httplib.h>

#include <cstdint>
#include <memory>
#include <string>

#include "sluice/core/connector_status.hpp"
#include "sluice/ops/http/http_address.hpp"

namespace sluice::ops::http {

struct delivery_settings {
  url_parts url;
  std::string shown_url; ///< through core::redact_url
  bool put = false;
  httplib::Headers headers; ///< resolved (secrets read)
  std::int64_t timeout_ns = 10000000000;
  std::int64_t max_attempts = 10; ///< 0: no limit
  std::int64_t backoff_ns = 100000000, backoff_max_ns = 10000000000;
  std::string tls_ca; ///< PEM file of the CAs to trust; "" = the system's
  bool tls_verify = true;
};

struct delivery_result {
  bool delivered = false;
  int status = 0;     ///< the last HTTP status (0: no answer)
  std::string reason; ///< why it failed, naming the method, URL and status
  std::int64_t attempts = 0;
};

class http_delivery {
public:
  http_delivery(delivery_settings s, std::shared_ptr<core::connector_status> status);

  /// Sends `body` (retrying as above). `extra` headers go with this request only.
  delivery_result send(const std::string& body, const std::string& content_type,
                       const httplib::Headers& extra = {});

private:
  delivery_settings s_;
  std::shared_ptr<core::connector_status> status_;
  httplib::Client client_;
};

/// Seconds of a Retry-After header (a number, or an HTTP date); -1 if absent or unreadable.
std::int64_t retry_after_seconds(const std::string& value);

} // namespace sluice::ops::http
