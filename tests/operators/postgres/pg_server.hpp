#pragma once

// A private PostgreSQL 15 server for tests: initdb into a fresh folder under
// the system temp folder, started on 127.0.0.1 on a free port with logical
// replication on, its socket in that folder, and stopped (immediate) and
// removed by the destructor, so a failing test stops it too. initdb and
// pg_ctl refuse to run as root, so when the tests run as root the server
// runs as `nobody` (runuser), in a folder nobody owns.
//
// Authentication: trust for the superuser `postgres`; the role
// `sluice_pw` (password `secret-pw`) must give its password
// (scram-sha-256), for tests of the `password` param.

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include <libpq-fe.h>

#include "operators/free_port.hpp"

namespace sluice::test {

class pg_server {
public:
  pg_server() : port_(free_port()) {
    static std::atomic<int> counter{0};
    dir_ = std::filesystem::temp_directory_path()
           / ("sluice-pg-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    if (::geteuid() == 0) run("chown nobody " + quoted(dir_.string()), false);
    run_as_owner(bin("initdb") + " -D " + quoted(data())
                 + " -U postgres -A trust -E UTF8 "
                   "--no-locale --no-sync > "
                 + quoted(log("initdb.log")) + " 2>&1");
    std::ofstream(data() + "/pg_hba.conf", std::ios::trunc)
      << "local all all trust\n"
         "host all sluice_pw 127.0.0.1/32 scram-sha-256\n"
         "host all all 127.0.0.1/32 trust\n"
         "host replication sluice_pw 127.0.0.1/32 scram-sha-256\n"
         "host replication all 127.0.0.1/32 trust\n";
    start();
    exec("CREATE ROLE sluice_pw LOGIN SUPERUSER PASSWORD 'secret-pw'");
  }
  ~pg_server() {
    run_as_owner(bin("pg_ctl") + " stop -m immediate -D " + quoted(data()) + " >> "
                   + quoted(log("pg_ctl.log")) + " 2>&1",
                 false);
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
  pg_server(const pg_server&) = delete;
  pg_server& operator=(const pg_server&) = delete;

  int port() const { return port_; }
  /// A libpq URI for `user` (trust unless sluice_pw) on database `db`.
  std::string url(const std::string& user = "postgres", const std::string& db = "postgres") const {
    return "postgresql://" + user + "@127.0.0.1:" + std::to_string(port_) + "/" + db;
  }

  void start() {
    run_as_owner(bin("pg_ctl") + " start -w -t 60 -D " + quoted(data()) + " -l "
                 + quoted(log("server.log")) + " -o " + quoted(server_options()) + " >> "
                 + quoted(log("pg_ctl.log")) + " 2>&1");
  }
  /// Stops the server as an administrator would (pg_ctl stop -m fast:
  /// sessions are ended, the WAL is kept).
  void stop() {
    run_as_owner(bin("pg_ctl") + " stop -w -m fast -D " + quoted(data()) + " >> "
                 + quoted(log("pg_ctl.log")) + " 2>&1");
  }

  /// Runs `sql` as postgres; throws with the server's message.
  void exec(const std::string& sql) const { query(sql); }
  /// The rows of `sql`, each value as text ("" for NULL).
  std::vector<std::vector<std::string>> query(const std::string& sql) const {
    return query_in("postgres", sql);
  }
  /// The same in database `db`.
  std::vector<std::vector<std::string>> query_in(const std::string& db,
                                                 const std::string& sql) const {
    PGconn* c = PQconnectdb(("host=127.0.0.1 port=" + std::to_string(port_)
                             + " user=postgres dbname=" + db + " options='-c TimeZone=UTC'")
                              .c_str());
    if (PQstatus(c) != CONNECTION_OK) {
      std::string why = PQerrorMessage(c);
      PQfinish(c);
      throw std::runtime_error("test server: " + why);
    }
    PGresult* r = PQexec(c, sql.c_str());
    const auto st = PQresultStatus(r);
    if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
      std::string why = PQresultErrorMessage(r);
      PQclear(r);
      PQfinish(c);
      throw std::runtime_error("test server: " + sql + ": " + why);
    }
    std::vector<std::vector<std::string>> rows;
    for (int i = 0; i < PQntuples(r); ++i) {
      rows.emplace_back();
      for (int j = 0; j < PQnfields(r); ++j) rows.back().push_back(PQgetvalue(r, i, j));
    }
    PQclear(r);
    PQfinish(c);
    return rows;
  }
  /// The single value `sql` returns.
  std::string value(const std::string& sql) const {
    auto rows = query(sql);
    if (rows.size() != 1 || rows[0].size() != 1)
      throw std::runtime_error("test server: " + sql + " did not return one value");
    return rows[0][0];
  }

  std::string server_log() const {
    std::ifstream in(log("server.log"));
    return std::string(std::istreambuf_iterator<char>(in), {});
  }

private:
  std::string data() const { return (dir_ / "data").string(); }
  std::string log(const std::string& name) const { return (dir_ / name).string(); }
  static std::string bin(const std::string& name) { return "/usr/lib/postgresql/15/bin/" + name; }
  static std::string quoted(const std::string& s) { return "'" + s + "'"; }
  std::string server_options() const {
    return "-c listen_addresses=127.0.0.1 -c port=" + std::to_string(port_)
           + " -c unix_socket_directories=" + dir_.string()
           + " -c wal_level=logical -c max_replication_slots=8 -c max_wal_senders=8"
             " -c fsync=off -c full_page_writes=off -c synchronous_commit=off";
  }
  void run_as_owner(const std::string& cmd, bool check = true) const {
    run(::geteuid() == 0 ? "runuser -u nobody -- sh -c " + quote_for_sh(cmd) : cmd, check);
  }
  static std::string quote_for_sh(const std::string& s) {
    std::string out = "'";
    for (char ch : s) out += ch == '\'' ? std::string("'\\''") : std::string(1, ch);
    return out + "'";
  }
  void run(const std::string& cmd, bool check) const {
    const int rc = std::system(cmd.c_str());
    if (check && rc != 0)
      throw std::runtime_error("test server: '" + cmd + "' failed (" + std::to_string(rc)
                               + "); see " + dir_.string());
  }

  int port_;
  std::filesystem::path dir_;
};

} // namespace sluice::test
