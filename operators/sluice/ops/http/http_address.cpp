#include "sluice/ops/http/http_address.hpp"

#include <cctype>

#include "sluice/core/errors.hpp"
#include "sluice/core/secrets.hpp"

namespace sluice::ops::http {

namespace {

/// Splits "host:port" or "[v6]:port"; false if there is no port.
bool split_host_port(const std::string& text, std::string& host, std::string& port) {
  if (!text.empty() && text[0] == '[') {
    const auto close = text.find(']');
    if (close == std::string::npos) return false;
    host = text.substr(1, close - 1);
    if (close + 1 >= text.size()) {
      port.clear();
      return true;
    }
    if (text[close + 1] != ':') return false;
    port = text.substr(close + 2);
    return true;
  }
  const auto colon = text.rfind(':');
  if (colon == std::string::npos) {
    host = text;
    port.clear();
    return true;
  }
  if (text.find(':') != colon) return false; // a bare IPv6 address needs brackets
  host = text.substr(0, colon);
  port = text.substr(colon + 1);
  return true;
}

bool parse_port(const std::string& text, int& port) {
  if (text.empty() || text.size() > 5) return false;
  for (char c : text)
    if (!std::isdigit(static_cast<unsigned char>(c))) return false;
  port = std::stoi(text);
  return port <= 65535;
}

} // namespace

listen_address parse_listen(const std::string& param, const std::string& text) {
  listen_address a;
  std::string port;
  if (!split_host_port(text, a.host, port) || port.empty() || a.host.empty())
    throw core::param_error(param, "must be host:port (\"127.0.0.1:8080\", \"[::1]:0\"), not '"
                                     + text + "'");
  if (!parse_port(port, a.port))
    throw core::param_error(param, "port '" + port + "' is not a number from 0 to 65535");
  return a;
}

url_parts parse_url(const std::string& param, const std::string& text) {
  const std::string shown = core::redact_url(text);
  url_parts u;
  std::string rest;
  if (text.rfind("http://", 0) == 0) rest = text.substr(7);
  else if (text.rfind("https://", 0) == 0) {
    u.https = true;
    rest = text.substr(8);
  } else throw core::param_error(param, "must start with http:// or https:// ('" + shown + "')");
  const auto authority_end = rest.find_first_of("/?#");
  std::string authority = rest.substr(0, authority_end);
  u.target = authority_end == std::string::npos ? "/" : rest.substr(authority_end);
  if (u.target[0] == '?') u.target = "/" + u.target;
  const auto hash = u.target.find('#');
  if (hash != std::string::npos) u.target.erase(hash);
  if (u.target.empty()) u.target = "/";
  const auto at = authority.rfind('@');
  if (at != std::string::npos) {
    const std::string info = authority.substr(0, at);
    authority = authority.substr(at + 1);
    const auto colon = info.find(':');
    u.user = info.substr(0, colon);
    if (colon != std::string::npos) u.password = info.substr(colon + 1);
  }
  std::string port;
  if (!split_host_port(authority, u.host, port) || u.host.empty())
    throw core::param_error(param, "has no host ('" + shown + "')");
  if (port.empty()) u.port = u.https ? 443 : 80;
  else if (!parse_port(port, u.port) || u.port == 0)
    throw core::param_error(param, "port '" + port + "' is not a number from 1 to 65535");
  const bool v6 = u.host.find(':') != std::string::npos;
  u.origin = std::string(u.https ? "https://" : "http://") + (v6 ? "[" + u.host + "]" : u.host)
             + ":" + std::to_string(u.port);
  return u;
}

} // namespace sluice::ops::http
