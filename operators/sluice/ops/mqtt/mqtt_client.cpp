#include "sluice/ops/mqtt/mqtt_client.hpp"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <stdexcept>

#include "sluice/core/errors.hpp"
#include "sluice/core/secrets.hpp"

namespace sluice::ops::mqtt {

namespace {

/// libmosquitto keeps process-wide state (OpenSSL); init once, never clean
/// up (other handles may live until exit).
void init_library() {
  static const int once = [] { return mosquitto_lib_init(); }();
  (void)once;
}

unsigned seconds_up(std::int64_t ns) {
  const std::int64_t s = (ns + 999999999) / 1000000000;
  return static_cast<unsigned>(std::max<std::int64_t>(1, s));
}

/// Errors after which libmosquitto's thread stops instead of reconnecting.
bool ends_loop(int rc) {
  switch (rc) {
    case MOSQ_ERR_NOMEM:
    case MOSQ_ERR_PROTOCOL:
    case MOSQ_ERR_INVAL:
    case MOSQ_ERR_NOT_FOUND:
    case MOSQ_ERR_TLS:
    case MOSQ_ERR_PAYLOAD_SIZE:
    case MOSQ_ERR_NOT_SUPPORTED:
    case MOSQ_ERR_AUTH:
    case MOSQ_ERR_ACL_DENIED:
    case MOSQ_ERR_UNKNOWN:
    case MOSQ_ERR_EAI:
    case MOSQ_ERR_PROXY: return true;
    default: return false;
  }
}

} // namespace

endpoint parse_url(const std::string& url) {
  endpoint e;
  std::string rest;
  if (url.rfind("mqtt://", 0) == 0) rest = url.substr(7);
  else if (url.rfind("mqtts://", 0) == 0) {
    rest = url.substr(8);
    e.tls = true;
    e.port = 8883;
  } else
    throw core::param_error("url", "must start with mqtt:// or mqtts:// (TLS), e.g. "
                                   "\"mqtt://127.0.0.1:1883\"");
  if (!rest.empty() && rest.back() == '/') rest.pop_back();
  if (rest.find('@') != std::string::npos)
    throw core::param_error("url", "put credentials in the username and password params, not "
                                   "in the url");
  if (rest.find('/') != std::string::npos || rest.find('?') != std::string::npos)
    throw core::param_error("url", "must be mqtt[s]://host[:port], without a path");
  std::string port;
  if (!rest.empty() && rest[0] == '[') { // [IPv6]:port
    const auto close = rest.find(']');
    if (close == std::string::npos) throw core::param_error("url", "'[' without ']'");
    e.host = rest.substr(1, close - 1);
    if (close + 1 < rest.size()) {
      if (rest[close + 1] != ':') throw core::param_error("url", "expected ':' after ']'");
      port = rest.substr(close + 2);
    }
  } else {
    const auto colon = rest.rfind(':');
    e.host = rest.substr(0, colon);
    if (colon != std::string::npos) port = rest.substr(colon + 1);
  }
  if (e.host.empty()) throw core::param_error("url", "names no host");
  if (!port.empty() || rest.find(':') != std::string::npos) {
    if (port.empty() || port.size() > 5
        || !std::all_of(port.begin(), port.end(), [](unsigned char c) { return std::isdigit(c); }))
      throw core::param_error("url", "port '" + port + "' is not a number");
    e.port = std::stoi(port);
    if (e.port < 1 || e.port > 65535)
      throw core::param_error("url", "port " + port + " is out of range");
  }
  return e;
}

client_settings read_client_settings(const core::params& p) {
  client_settings s;
  s.url = p.string("url");
  s.where = parse_url(s.url);
  s.qos = static_cast<int>(p.integer("qos"));
  if (p.has("client_id")) {
    s.client_id = p.string("client_id");
    if (s.client_id.empty() || s.client_id.size() > 65535)
      throw core::param_error("client_id", "must not be empty");
  }
  if (p.has("username")) s.username = p.string("username");
  if (p.has("password") && !p.has("username"))
    throw core::param_error("password", "needs a username");
  for (auto [name, field] : {std::pair{"ca_file", &s.ca_file}, std::pair{"cert_file", &s.cert_file},
                             std::pair{"key_file", &s.key_file}}) {
    if (!p.has(name)) continue;
    *field = p.string(name);
    if (field->empty()) throw core::param_error(name, "must not be empty");
    if (!s.where.tls)
      throw core::param_error(name, "is for TLS: use an mqtts:// url (" + core::redact_url(s.url)
                                      + " is plain TCP)");
  }
  if (s.cert_file.empty() != s.key_file.empty())
    throw core::param_error(s.cert_file.empty() ? "cert_file" : "key_file",
                            "cert_file and key_file go together (a client certificate and its "
                            "key)");
  s.insecure = p.boolean("insecure");
  if (s.insecure && !s.where.tls)
    throw core::param_error("insecure", "is for TLS: use an mqtts:// url");
  s.keepalive_s = p.duration("keepalive") / 1000000;
  if (s.keepalive_s < 5) throw core::param_error("keepalive", "must be at least 5s");
  s.backoff_ns = p.duration("reconnect_backoff") * 1000;
  s.backoff_max_ns = p.duration("reconnect_backoff_max") * 1000;
  if (s.backoff_max_ns < s.backoff_ns)
    throw core::param_error("reconnect_backoff_max", "must not be shorter than reconnect_backoff");
  s.params = std::make_shared<const core::params>(p);
  return s;
}

std::vector<prop> client_properties(const std::string& qos_help) {
  using core::param_type;
  std::vector<prop> props = {
    prop("url", param_type::string,
         "the broker: mqtt://host[:port] (default port 1883) or mqtts://host[:port] (TLS, 8883)")
      .required(),
    prop("qos", param_type::integer, qos_help).def(1).min(0).max(2),
    prop("client_id", param_type::string,
         "the MQTT client id, which names the persistent session on the broker (default "
         "sluice-<node id>-<instance>); with parallelism > 1 the instance number is appended"),
    prop("username", param_type::string, "user name to log in with"),
    prop("password", param_type::secret,
         "password to log in with: the text, {\"env\": \"VAR\"} or {\"file\": \"path\"}"),
    prop("ca_file", param_type::path,
         "mqtts: PEM file of the CA(s) that signed the broker's certificate (default: the "
         "system's CAs)"),
    prop("cert_file", param_type::path, "mqtts: PEM client certificate (with key_file)"),
    prop("key_file", param_type::path, "mqtts: PEM private key of cert_file"),
    prop("insecure", param_type::boolean,
         "mqtts: do not check that the certificate names the host (testing only)")
      .def(false),
    prop("keepalive", param_type::duration, "MQTT keepalive interval (at least 5s)").def("30s"),
  };
  for (auto& b : connect::backoff_properties()) props.push_back(b);
  return props;
}

std::string error_text(const std::string& what, int rc) {
  return "mqtt: " + what + ": " + mosquitto_strerror(rc);
}

client::client(const client_settings& s, std::string client_id,
               std::shared_ptr<core::connector_status> status, callbacks cb)
  : settings_(s), status_(std::move(status)), cb_(std::move(cb)),
    shown_url_(core::redact_url(s.url)),
    backoff_(std::make_unique<connect::backoff>(s.backoff_ns, s.backoff_max_ns)) {
  init_library();
  mosq_ = mosquitto_new(client_id.c_str(), false, this); // persistent session
  if (!mosq_) throw std::runtime_error("mqtt: cannot create a client for " + shown_url_);
  mosquitto_int_option(mosq_, MOSQ_OPT_PROTOCOL_VERSION, MQTT_PROTOCOL_V311);
  mosquitto_connect_callback_set(mosq_, &client::on_connect);
  mosquitto_disconnect_callback_set(mosq_, &client::on_disconnect);
  mosquitto_message_callback_set(mosq_, &client::on_message);
  mosquitto_publish_callback_set(mosq_, &client::on_publish);
  mosquitto_log_callback_set(mosq_, &client::on_log);
  mosquitto_subscribe_callback_set(mosq_, &client::on_subscribe);
  // libmosquitto's thread reconnects by itself; it counts in whole seconds.
  mosquitto_reconnect_delay_set(mosq_, seconds_up(s.backoff_ns), seconds_up(s.backoff_max_ns),
                                true);
  if (!s.username.empty()) {
    const std::string password = s.params->secret("password");
    const int rc = mosquitto_username_pw_set(
      mosq_, s.username.c_str(), s.params->has("password") ? password.c_str() : nullptr);
    if (rc != MOSQ_ERR_SUCCESS) throw std::runtime_error(error_text("cannot set the username", rc));
  }
  if (s.where.tls) {
    int rc = MOSQ_ERR_SUCCESS;
    if (s.ca_file.empty()) rc = mosquitto_int_option(mosq_, MOSQ_OPT_TLS_USE_OS_CERTS, 1);
    if (rc == MOSQ_ERR_SUCCESS)
      // Without ca_file: the system's CAs (OpenSSL's hashed folder on Debian).
      rc = mosquitto_tls_set(mosq_, s.ca_file.empty() ? nullptr : s.ca_file.c_str(),
                             s.ca_file.empty() ? "/etc/ssl/certs" : nullptr,
                             s.cert_file.empty() ? nullptr : s.cert_file.c_str(),
                             s.key_file.empty() ? nullptr : s.key_file.c_str(), nullptr);
    if (rc != MOSQ_ERR_SUCCESS)
      throw std::runtime_error(error_text("cannot set TLS up (ca_file '" + s.ca_file
                                            + "', cert_file '" + s.cert_file + "', key_file '"
                                            + s.key_file + "': missing or unreadable?)",
                                          rc));
    if (s.insecure) mosquitto_tls_insecure_set(mosq_, true);
  }
}

client::~client() {
  stop();
  if (mosq_) mosquitto_destroy(mosq_);
}

namespace {

std::int64_t steady_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
           std::chrono::steady_clock::now().time_since_epoch())
    .count();
}

} // namespace

void client::start() {
  if (started_) return;
  started_ = true;
  status_->disconnected("connecting to " + shown_url_);
  {
    std::lock_guard lock(watch_mutex_);
    stopping_ = false;
    const int rc =
      mosquitto_connect_async(mosq_, settings_.where.host.c_str(), settings_.where.port,
                              static_cast<int>(settings_.keepalive_s));
    if (rc != MOSQ_ERR_SUCCESS) {
      status_->disconnected(error_text("cannot reach " + shown_url_, rc));
      retry_connect_ = true;
      retry_at_ns_ = steady_ns() + backoff_->next_ns();
    }
  }
  const int lrc = mosquitto_loop_start(mosq_);
  if (lrc != MOSQ_ERR_SUCCESS)
    throw std::runtime_error(error_text("cannot start the network thread", lrc));
  supervisor_ = std::thread([this] { watch(); });
}

void client::stop() {
  if (!started_) return;
  started_ = false;
  {
    std::lock_guard lock(watch_mutex_);
    stopping_ = true;
  }
  watch_cv_.notify_all();
  if (supervisor_.joinable()) supervisor_.join();
  mosquitto_disconnect(mosq_);
  // Not connected, the thread may sleep before its next attempt for up to
  // reconnect_backoff_max, or wait for a connect call: cancel it rather
  // than wait.
  mosquitto_loop_stop(mosq_, !connected_.load());
  connected_ = false;
}

void client::watch() {
  std::unique_lock lock(watch_mutex_);
  while (!stopping_) {
    watch_cv_.wait_for(lock, std::chrono::milliseconds(100));
    if (!stopping_) maintain(steady_ns());
  }
}

void client::try_connect(std::int64_t now_ns) {
  const int rc = mosquitto_reconnect_async(mosq_);
  retry_connect_ = rc != MOSQ_ERR_SUCCESS;
  if (retry_connect_) {
    status_->disconnected(error_text("cannot reach " + shown_url_, rc));
    retry_at_ns_ = now_ns + backoff_->next_ns();
  }
}

// Called with watch_mutex_ held, from the supervisor thread only.
void client::maintain(std::int64_t now_ns) {
  if (reset_backoff_.exchange(false)) backoff_->reset();
  if (retry_connect_) {
    if (now_ns >= retry_at_ns_) try_connect(now_ns);
    return;
  }
  if (!loop_ended_.load()) return;
  if (!ever_connected_.load()) {
    std::lock_guard lock(fatal_mutex_);
    if (fatal_.empty())
      fatal_ = "mqtt: cannot connect to " + shown_url_ + ": " + status_->read().last_error;
    return;
  }
  if (restart_at_ns_ < 0) {
    restart_at_ns_ = now_ns + backoff_->next_ns();
    return;
  }
  if (now_ns < restart_at_ns_) return;
  restart_at_ns_ = -1;
  loop_ended_ = false;
  mosquitto_loop_stop(mosq_, false); // joins the thread that ended
  try_connect(now_ns);
  mosquitto_loop_start(mosq_);
}

std::string client::fatal() const {
  std::lock_guard lock(fatal_mutex_);
  return fatal_;
}

void client::on_connect(mosquitto*, void* self_ptr, int rc) {
  auto& self = *static_cast<client*>(self_ptr);
  if (rc != 0) {
    const std::string why = std::string("the broker at ") + self.shown_url_
                            + " refused the connection: " + mosquitto_connack_string(rc);
    self.status_->error(why);
    // 3 (server unavailable) may pass; a refused login or id will not.
    if (rc != 3) {
      std::lock_guard lock(self.fatal_mutex_);
      if (self.fatal_.empty()) self.fatal_ = "mqtt: " + why;
    }
    return;
  }
  self.connected_ = true;
  self.ever_connected_ = true;
  self.reset_backoff_ = true; // read by maintain(), on the supervisor thread
  // A source's link is up once the broker confirmed its subscriptions:
  // what is published from then on reaches it.
  const int pending = self.cb_.connected ? self.cb_.connected(self) : 0;
  self.pending_subacks_ = pending;
  if (pending == 0) self.status_->connected();
}

void client::on_disconnect(mosquitto*, void* self_ptr, int rc) {
  auto& self = *static_cast<client*>(self_ptr);
  self.connected_ = false;
  if (rc == 0) return; // we asked for it
  self.status_->disconnected(error_text("lost the connection to " + self.shown_url_, rc));
  if (ends_loop(rc)) self.loop_ended_ = true;
}

void client::on_log(mosquitto*, void* self_ptr, int level, const char* text) {
  if (level != MOSQ_LOG_ERR || !text) return;
  auto& self = *static_cast<client*>(self_ptr);
  const std::string why = std::string("mqtt: ") + self.shown_url_ + ": " + text;
  self.status_->error(why);
  // TLS that fails before we ever got in is a configuration error (a CA
  // that did not sign the broker's certificate, a plain port): retrying
  // cannot fix it.
  if (!self.ever_connected_.load() && std::string(text).find("OpenSSL") != std::string::npos) {
    std::lock_guard lock(self.fatal_mutex_);
    if (self.fatal_.empty()) self.fatal_ = "mqtt: TLS to " + self.shown_url_ + " failed: " + text;
  }
}

void client::on_subscribe(mosquitto*, void* self_ptr, int, int, const int*) {
  auto& self = *static_cast<client*>(self_ptr);
  if (self.pending_subacks_.load() > 0 && --self.pending_subacks_ == 0 && self.connected_.load())
    self.status_->connected();
}

void client::on_message(mosquitto*, void* self_ptr, const mosquitto_message* m) {
  auto& self = *static_cast<client*>(self_ptr);
  if (self.cb_.message) self.cb_.message(*m);
}

void client::on_publish(mosquitto*, void* self_ptr, int mid) {
  auto& self = *static_cast<client*>(self_ptr);
  if (self.cb_.published) self.cb_.published(mid);
}

} // namespace sluice::ops::mqtt
