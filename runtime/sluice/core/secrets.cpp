#include "sluice/core/secrets.hpp"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace sluice::core {

bool is_secret_reference(const nlohmann::json& v) {
  if (!v.is_object() || v.size() != 1) return false;
  auto it = v.begin();
  return (it.key() == "env" || it.key() == "file") && it->is_string()
         && !it->get<std::string>().empty();
}

std::string resolve_secret(const nlohmann::json& v) {
  if (v.is_string()) return v.get<std::string>();
  if (!is_secret_reference(v))
    throw std::runtime_error(
      "a secret is a string, {\"env\": \"VARIABLE\"} or {\"file\": \"/path\"}");
  auto where = v.begin()->get<std::string>();
  if (v.contains("env")) {
    const char* value = std::getenv(where.c_str());
    if (!value) throw std::runtime_error("the environment variable " + where + " is not set");
    return value;
  }
  std::ifstream in(where, std::ios::binary);
  if (!in)
    throw std::runtime_error("cannot read the secret file " + where + ": " + std::strerror(errno));
  std::ostringstream text;
  text << in.rdbuf();
  auto s = text.str();
  if (!s.empty() && s.back() == '\n') s.pop_back();
  if (!s.empty() && s.back() == '\r') s.pop_back();
  return s;
}

std::string redact_url(const std::string& url) {
  auto scheme = url.find("://");
  if (scheme == std::string::npos) return url;
  auto authority_end = url.find_first_of("/?#", scheme + 3);
  auto at = url.rfind('@', authority_end == std::string::npos ? url.size() : authority_end);
  if (at == std::string::npos || at < scheme + 3) return url;
  auto colon = url.find(':', scheme + 3);
  if (colon == std::string::npos || colon > at) return url;
  return url.substr(0, colon + 1) + "****" + url.substr(at);
}

} // namespace sluice::core
