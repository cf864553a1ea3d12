#include "sluice/ops/postgres/pg_client.hpp"

#include <cstring>

#include "sluice/core/errors.hpp"
#include "sluice/core/secrets.hpp"

namespace sluice::ops::postgres {

namespace {

std::string trimmed(const char* text) {
  std::string s = text ? text : "";
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  return s;
}

// What retrying cannot fix when a connection attempt fails.
bool refused_for_good(const std::string& message) {
  for (const char* m : {"authentication failed", "no password supplied", "does not exist",
                        "pg_hba.conf", "permission denied", "password is required",
                        "invalid connection option", "invalid URI", "SSL"})
    if (message.find(m) != std::string::npos) return true;
  return false;
}

} // namespace

std::string connection_settings::shown() const { return core::redact_url(url); }

connection_settings read_connection_settings(const core::params& p) {
  connection_settings s;
  s.url = p.string("url");
  if (s.url.empty()) throw core::param_error("url", "must not be empty");
  char* err = nullptr;
  PQconninfoOption* opts = PQconninfoParse(s.url.c_str(), &err);
  if (!opts) {
    std::string why = trimmed(err ? err : "cannot be parsed");
    if (err) PQfreemem(err);
    throw core::param_error("url", "not a libpq connection URI ('" + s.shown() + "'): " + why);
  }
  PQconninfoFree(opts);
  if (p.has("password")) s.password = p.json("password");
  return s;
}

prop url_property() {
  return prop("url", core::param_type::string,
              "the server, as a libpq URI (postgresql://user@127.0.0.1:5432/db?sslmode=disable) "
              "or key=value string; a password here is masked in messages, but better given in "
              "`password`")
    .required();
}

prop password_property() {
  return prop(
    "password", core::param_type::secret,
    "the password (a string, {\"env\": \"PGPASSWORD\"} or {\"file\": \"/run/secrets/pg\"}); "
    "overrides one in the url");
}

conn_ptr connect(const connection_settings& s, bool replication) {
  std::string password;
  if (!s.password.is_null()) password = core::resolve_secret(s.password);
  // A server that stops answering mid-call (hung, or its host gone) fails
  // the call within about 10 s (TCP keepalives, tcp_user_timeout) instead
  // of holding the node forever; the url may say otherwise (later wins).
  std::vector<const char*> keys = {
    "connect_timeout",     "application_name", "keepalives",       "keepalives_idle",
    "keepalives_interval", "keepalives_count", "tcp_user_timeout", "dbname"};
  std::vector<const char*> values = {"5", "sluice", "1", "5", "2", "3", "10000", s.url.c_str()};
  if (!password.empty()) {
    keys.push_back("password");
    values.push_back(password.c_str());
  }
  keys.push_back("options");
  values.push_back(
    "-c TimeZone=UTC -c DateStyle=ISO -c extra_float_digits=3 -c client_min_messages=warning");
  if (replication) {
    keys.push_back("replication");
    values.push_back("database");
  }
  keys.push_back(nullptr);
  values.push_back(nullptr);
  conn_ptr c(PQconnectdbParams(keys.data(), values.data(), 1));
  if (!c) throw outage("postgres: cannot allocate a connection to '" + s.shown() + "'");
  if (PQstatus(c.get()) == CONNECTION_OK) return c;
  const std::string why = trimmed(PQerrorMessage(c.get()));
  const std::string text = "postgres: cannot connect to '" + s.shown() + "': " + why;
  if (refused_for_good(why)) throw std::runtime_error(text);
  throw outage(text);
}

bool is_outage(PGconn* c, const PGresult* r) {
  if (!c || PQstatus(c) != CONNECTION_OK) return true;
  if (!r) return true;
  const char* state = PQresultErrorField(r, PG_DIAG_SQLSTATE);
  if (!state) return PQresultStatus(r) == PGRES_FATAL_ERROR && PQstatus(c) != CONNECTION_OK;
  return std::strncmp(state, "08", 2) == 0 || std::strcmp(state, "57P01") == 0
         || std::strcmp(state, "57P02") == 0 || std::strcmp(state, "57P03") == 0;
}

void fail(PGconn* c, const PGresult* r, const std::string& what) {
  std::string why = trimmed(r ? PQresultErrorMessage(r) : nullptr);
  if (why.empty()) why = trimmed(c ? PQerrorMessage(c) : "no connection");
  const std::string text = "postgres: " + what + ": " + why;
  if (is_outage(c, r)) throw outage(text);
  throw std::runtime_error(text);
}

result_ptr exec(PGconn* c, const std::string& sql, const std::string& what) {
  result_ptr r(PQexec(c, sql.c_str()));
  const auto st = r ? PQresultStatus(r.get()) : PGRES_FATAL_ERROR;
  if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) fail(c, r.get(), what);
  return r;
}

result_ptr exec_params(PGconn* c, const std::string& sql,
                       const std::vector<std::optional<std::string>>& params,
                       const std::string& what) {
  std::vector<const char*> values;
  for (const auto& p : params) values.push_back(p ? p->c_str() : nullptr);
  result_ptr r(PQexecParams(c, sql.c_str(), static_cast<int>(values.size()), nullptr, values.data(),
                            nullptr, nullptr, 0));
  const auto st = r ? PQresultStatus(r.get()) : PGRES_FATAL_ERROR;
  if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) fail(c, r.get(), what);
  return r;
}

std::string quote_ident(const std::string& name) {
  std::string out = "\"";
  for (char ch : name) {
    if (ch == '"') out += '"';
    out += ch;
  }
  return out + "\"";
}

std::string quote_table(const std::string& name) {
  const auto dot = name.find('.');
  if (dot == std::string::npos) return quote_ident(name);
  return quote_ident(name.substr(0, dot)) + "." + quote_ident(name.substr(dot + 1));
}

std::string quote_literal(const std::string& text) {
  std::string out = "'";
  for (char ch : text) {
    if (ch == '\'') out += '\'';
    out += ch;
  }
  return out + "'";
}

std::string sql_type(core::value_type t) {
  switch (t) {
    case core::value_type::int64: return "bigint";
    case core::value_type::float64: return "double precision";
    case core::value_type::boolean: return "boolean";
    case core::value_type::string: return "text";
    case core::value_type::timestamp: return "timestamp with time zone";
  }
  return "text";
}

bool type_matches(core::value_type t, const std::string& pg_type) {
  switch (t) {
    case core::value_type::int64: return pg_type == "bigint";
    case core::value_type::float64: return pg_type == "double precision";
    case core::value_type::boolean: return pg_type == "boolean";
    case core::value_type::string:
      return pg_type == "text" || pg_type.rfind("character varying", 0) == 0;
    case core::value_type::timestamp:
      return pg_type == "timestamp with time zone" || pg_type == "timestamp without time zone";
  }
  return false;
}

} // namespace sluice::ops::postgres
