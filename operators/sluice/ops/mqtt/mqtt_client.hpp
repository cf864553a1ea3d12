#pragma once

// What source.mqtt and sink.mqtt share: the connection params (url, client
// id, credentials, TLS, reconnect backoff), checked at bind, and a client
// that owns one libmosquitto handle and its network thread
// (mosquitto_loop_start), reports its link to the node's connector status,
// and reconnects by itself while the broker is away: libmosquitto's thread
// does (mosquitto_reconnect_delay_set from reconnect_backoff and
// reconnect_backoff_max, rounded up to whole seconds, its "exponential"
// growth); a supervisor thread retries, after connect::backoff, what that
// thread does not: a first connection refused at once, and a network
// thread that stopped on an error.

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <mosquitto.h>

#include "sluice/core/connector_status.hpp"
#include "sluice/core/params.hpp"
#include "sluice/ops/connect/backoff.hpp"
#include "sluice/ops/descriptor_util.hpp"

namespace sluice::ops::mqtt {

/// Where the broker is: mqtt://host[:port] (1883) or mqtts://host[:port]
/// (8883, TLS).
struct endpoint {
  std::string host;
  int port = 1883;
  bool tls = false;
};

/// Parses `url`; throws param_error("url") naming what is wrong.
endpoint parse_url(const std::string& url);

struct client_settings {
  std::string url; ///< as given, for messages (through core::redact_url)
  endpoint where;
  std::string client_id; ///< empty: sluice-<node>-<instance>
  std::string username;
  std::string ca_file, cert_file, key_file;
  bool insecure = false;
  int qos = 1;
  std::int64_t keepalive_s = 30;
  std::int64_t backoff_ns = 0, backoff_max_ns = 0;
  /// The node's params, kept to read the `password` secret at open.
  std::shared_ptr<const core::params> params;
};

/// Reads and checks the shared params; throws param_error. No I/O.
client_settings read_client_settings(const core::params& p);

/// The shared props: url, qos, client_id, username, password, ca_file,
/// cert_file, key_file, insecure, keepalive, reconnect_backoff(_max).
std::vector<prop> client_properties(const std::string& qos_help);

/// "mqtt: <what>: <libmosquitto's text for rc>".
std::string error_text(const std::string& what, int rc);

/// One connection to the broker with a persistent session (clean_session
/// false), driven by libmosquitto's own thread. The callbacks run on that
/// thread.
class client {
public:
  struct callbacks {
    /// Connected; subscribe here. Returns how many SUBACKs to wait for
    /// before the link counts as up (0: up now).
    std::function<int(client&)> connected;
    std::function<void(const mosquitto_message&)> message; ///< may block (bounded)
    std::function<void(int mid)> published;                ///< a publish was acknowledged
  };

  /// Resolves the password and sets TLS up; throws std::runtime_error if
  /// the TLS files cannot be used. Does not connect yet.
  client(const client_settings& s, std::string client_id,
         std::shared_ptr<core::connector_status> status, callbacks cb);
  ~client();
  client(const client&) = delete;
  client& operator=(const client&) = delete;

  /// Connects (or keeps trying to, in the background), starts the network
  /// thread and a supervisor thread (see watch()).
  void start();
  /// Disconnects and joins both threads. Idempotent.
  void stop();

  bool connected() const { return connected_.load(); }
  /// Set when the broker refused us for good (bad credentials, not
  /// authorised): retrying cannot fix it, so the operator fails the run.
  std::string fatal() const;
  mosquitto* handle() { return mosq_; }
  const std::string& shown_url() const { return shown_url_; }

private:
  /// The supervisor thread: every 100 ms, maintain().
  void watch();
  /// What libmosquitto's thread does not do by itself: a first connection
  /// that fails at once (the broker down when the run starts) leaves its
  /// thread waiting for a connect call, and some errors (a TLS handshake
  /// that fails) end that thread instead of retrying. Both are retried
  /// here after connect::backoff. A TLS error before the first successful
  /// connection is taken as a configuration error (a wrong CA, a plain
  /// port behind mqtts://): fatal().
  void maintain(std::int64_t now_ns);
  /// reconnect_async; on failure, tries again from maintain().
  void try_connect(std::int64_t now_ns);

  static void on_connect(mosquitto*, void* self, int rc);
  static void on_disconnect(mosquitto*, void* self, int rc);
  static void on_message(mosquitto*, void* self, const mosquitto_message* m);
  static void on_publish(mosquitto*, void* self, int mid);
  static void on_subscribe(mosquitto*, void* self, int mid, int count, const int* granted);
  static void on_log(mosquitto*, void* self, int level, const char* text);

  const client_settings settings_;
  std::shared_ptr<core::connector_status> status_;
  callbacks cb_;
  std::string shown_url_;
  mosquitto* mosq_ = nullptr;
  bool started_ = false;
  std::thread supervisor_;
  std::mutex watch_mutex_;
  std::condition_variable watch_cv_;
  bool stopping_ = false;
  bool retry_connect_ = false; ///< the last connect call failed at once
  std::int64_t retry_at_ns_ = 0;
  std::atomic<bool> connected_{false}, ever_connected_{false}, loop_ended_{false};
  std::unique_ptr<connect::backoff> backoff_;
  std::int64_t restart_at_ns_ = -1;
  std::atomic<int> pending_subacks_{0};
  std::atomic<bool> reset_backoff_{false};
  mutable std::mutex fatal_mutex_;
  std::string fatal_;
};

} // namespace sluice::ops::mqtt
