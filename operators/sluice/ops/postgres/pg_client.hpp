#pragma once

// What source.postgres and sink.postgres share: a libpq connection that
// frees itself, the connection settings of a node (`url`, `password`), how
// an error is told apart (the server is away: retry; anything else: fail),
// and quoting and type names for the SQL the connectors write.

#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include <libpq-fe.h>

#include "sluice/core/params.hpp"
#include "sluice/core/schema.hpp"
#include "sluice/ops/descriptor_util.hpp"

namespace sluice::ops::postgres {

struct conn_deleter {
  void operator()(PGconn* c) const { PQfinish(c); }
};
struct result_deleter {
  void operator()(PGresult* r) const { PQclear(r); }
};
using conn_ptr = std::unique_ptr<PGconn, conn_deleter>;
using result_ptr = std::unique_ptr<PGresult, result_deleter>;

/// The server cannot be reached or went away (connection refused or lost,
/// shutting down, starting up): the connector reports it and retries.
class outage : public std::runtime_error {
public:
  using std::runtime_error::runtime_error;
};

/// How to reach the server: `url` (a libpq URI or key=value string),
/// checked at bind by libpq's own parser (no connection), and the
/// `password` secret, resolved at open.
struct connection_settings {
  std::string url;
  nlohmann::json password; ///< the raw secret param (null: none)
  /// The url with its password masked, for messages.
  std::string shown() const;
};

/// Reads and checks `url` and `password`; throws param_error("url").
connection_settings read_connection_settings(const core::params& p);

/// The `url` and `password` props.
prop url_property();
prop password_property();

/// Connects (blocking, at most `connect_timeout` = 5 s), as a replication
/// connection when `replication` (replication=database). Sessions use UTC
/// and ISO dates, so timestamps read back as text parse the same anywhere.
/// Throws `outage` when the server is away, std::runtime_error when it
/// refuses us for good (authentication, no such database).
conn_ptr connect(const connection_settings& s, bool replication = false);

/// Whether the connection or the error of `r` means the server is away
/// (SQLSTATE class 08, 57P01-57P03, or a connection no longer OK).
bool is_outage(PGconn* c, const PGresult* r);

/// Runs `sql` (no parameters); returns its result if it succeeded
/// (PGRES_COMMAND_OK or PGRES_TUPLES_OK). Throws `outage` or
/// std::runtime_error("postgres: <what>: <server message>").
result_ptr exec(PGconn* c, const std::string& sql, const std::string& what);
/// The same with text parameters $1.. (nullopt: NULL).
result_ptr exec_params(PGconn* c, const std::string& sql,
                       const std::vector<std::optional<std::string>>& params,
                       const std::string& what);

/// Throws `outage` or std::runtime_error for the failed result `r`
/// (or the connection's error if `r` is null).
[[noreturn]] void fail(PGconn* c, const PGresult* r, const std::string& what);

/// "name" quoted as an SQL identifier; "a.b" is schema a, table b.
std::string quote_ident(const std::string& name);
std::string quote_table(const std::string& name);
/// 'text' as an SQL string literal.
std::string quote_literal(const std::string& text);

/// The column type a created table gives a Sluice type.
std::string sql_type(core::value_type t);
/// Whether a column of `pg_type` (format_type's text) holds `t` unchanged.
bool type_matches(core::value_type t, const std::string& pg_type);

} // namespace sluice::ops::postgres
