#pragma once

// The addresses HTTP connectors are given, checked at bind (no lookup, no
// I/O): `listen` ("host:port", "[::1]:port") and `url`
// ("http[s]://[user:password@]host[:port][/path][?query]").

#include <string>

namespace sluice::ops::http {

struct listen_address {
  std::string host;
  int port = 0; ///< 0: any free port
};

/// Throws core::param_error(param) if `text` is not host:port.
listen_address parse_listen(const std::string& param, const std::string& text);

struct url_parts {
  bool https = false;
  std::string host;   ///< without the brackets of an IPv6 address
  int port = 0;       ///< given, or 80 / 443
  std::string origin; ///< scheme://host:port, what httplib::Client takes
  std::string target; ///< path and query, at least "/"
  std::string user, password;
};

/// Throws core::param_error(param) naming what is wrong with `text`
/// (shown through core::redact_url).
url_parts parse_url(const std::string& param, const std::string& text);

} // namespace sluice::ops::http
