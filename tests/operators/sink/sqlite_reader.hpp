#pragma once

// A reading connection to an SQLite database of its own, as a dashboard
// would open, for the sqlite sink's tests.

#include <catch2/catch.hpp>

#include <sqlite3.h>

#include <string>
#include <vector>

namespace sluice::test {

class sqlite_reader {
public:
  using rows = std::vector<std::string>;

  explicit sqlite_reader(const std::string& path) {
    REQUIRE(sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK);
  }
  ~sqlite_reader() { sqlite3_close(db_); }
  sqlite_reader(const sqlite_reader&) = delete;
  sqlite_reader& operator=(const sqlite_reader&) = delete;

  /// Every row of `sql`, values joined by '|', NULL as "NULL".
  rows query(const std::string& sql) {
    sqlite3_stmt* s = nullptr;
    REQUIRE(sqlite3_prepare_v2(db_, sql.c_str(), -1, &s, nullptr) == SQLITE_OK);
    rows out;
    while (sqlite3_step(s) == SQLITE_ROW) {
      std::string row;
      for (int i = 0; i < sqlite3_column_count(s); ++i) {
        if (i) row += "|";
        auto* text = sqlite3_column_text(s, i);
        row += text ? reinterpret_cast<const char*>(text) : "NULL";
      }
      out.push_back(row);
    }
    sqlite3_finalize(s);
    return out;
  }
  void exec(const std::string& sql) {
    REQUIRE(sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, nullptr) == SQLITE_OK);
  }

private:
  sqlite3* db_ = nullptr;
};

} // namespace sluice::test
