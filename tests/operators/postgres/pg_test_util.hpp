#pragma once

// What the PostgreSQL operator tests share: one server per test binary
// (a start costs a second or two), and a fresh table name per test.

#include <atomic>
#include <string>
#include <vector>

#include "operators/postgres/pg_server.hpp"

namespace sluice::test {

/// The test binary's server, started on first use, stopped at exit.
inline pg_server& shared_pg() {
  static pg_server server;
  return server;
}

/// A table name no other test of this binary uses.
inline std::string fresh_table(const std::string& stem) {
  static std::atomic<int> n{0};
  return stem + "_" + std::to_string(n++);
}

/// One string per row: its values joined by '|'.
inline std::vector<std::string> joined(const std::vector<std::vector<std::string>>& rows) {
  std::vector<std::string> out;
  for (const auto& r : rows) {
    std::string line;
    for (std::size_t i = 0; i < r.size(); ++i) line += (i ? "|" : "") + r[i];
    out.push_back(line);
  }
  return out;
}

} // namespace sluice::test
