#pragma once

// What source.redis and sink.redis share: the `url` they connect to, a
// connection to one Redis server (hiredis, blocking, every call bounded by a
// timeout), and the params both take.
//
// Errors are of two kinds. `link_error`: the connection is gone or the
// server cannot serve now (refused, reset, timed out, LOADING while it reads
// its append-only file): the connector reports disconnected() and retries
// after its backoff. Anything else a command returns (WRONGTYPE, a password
// refused) is the server's answer, and retrying cannot change it.

#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include <hiredis/hiredis.h>

#include "sluice/core/params.hpp"
#include "sluice/ops/descriptor_util.hpp"

namespace sluice::ops::redis {

/// redis://[[user]:password@]host[:port][/db] (also unix:///path/to.sock).
struct server_url {
  std::string text; ///< as given (show it through core::redact_url)
  std::string host = "127.0.0.1";
  int port = 6379;
  std::string unix_path; ///< set for unix:// URLs
  std::string user;      ///< ACL user; empty: the default user
  std::string password;  ///< from the URL; the `password` param wins
  int db = 0;
};

/// Parses `text`; throws param_error(param) saying what is wrong.
server_url parse_url(const std::string& param, const std::string& text);

/// The connection is lost or the server cannot serve for now: retry later.
struct link_error : std::runtime_error {
  using std::runtime_error::runtime_error;
};

struct reply_deleter {
  void operator()(redisReply* r) const { freeReplyObject(r); }
};
using reply_ptr = std::unique_ptr<redisReply, reply_deleter>;

/// A reply's string (status, error or bulk string) as a view.
inline std::string_view text_of(const redisReply& r) {
  return {r.str ? r.str : "", r.str ? static_cast<std::size_t>(r.len) : 0};
}

/// One blocking connection. Every socket read and write gives up after
/// `timeout_ms` (a link_error), so a silent server holds nobody for long.
class connection {
public:
  connection() = default;
  ~connection() { reset(); }
  connection(const connection&) = delete;
  connection& operator=(const connection&) = delete;

  /// Connects, authenticates and selects the database. Throws link_error
  /// when the server cannot be reached, std::runtime_error when it refuses
  /// the password or the database.
  void open(const server_url& url, const std::string& password, int timeout_ms);
  void reset();
  bool is_open() const { return ctx_ != nullptr; }

  /// Queues one command (sent by the next reply()).
  void append(const std::vector<std::string_view>& argv);
  /// The reply to the oldest queued command; throws link_error (and drops
  /// the connection) when the link fails. Error replies are returned.
  reply_ptr reply();
  /// append() then reply().
  reply_ptr command(const std::vector<std::string_view>& argv);

private:
  redisContext* ctx_ = nullptr;
  std::vector<const char*> argv_;
  std::vector<std::size_t> lens_;
  std::string where_; ///< the redacted URL, for messages
};

/// Whether an error reply means "try again later" (LOADING, BUSY, ...).
bool transient_error(std::string_view error);

/// Throws link_error for a transient error reply, std::runtime_error
/// ("redis: <what>: <error>") for any other error reply; returns otherwise.
void check_reply(const redisReply& r, const std::string& what);

/// The `url`, `password` and reconnect params.
std::vector<core::property_spec> connection_properties();
/// The password for `url`: the `password` param if given, else the URL's.
/// Reads the secret (a file, an environment variable): call it at open.
std::string password_for(const core::params& p, const server_url& url);

/// The per-call timeout of connections: longer than any BLOCK a command asks for.
constexpr int io_timeout_ms = 2000;

} // namespace sluice::ops::redis
