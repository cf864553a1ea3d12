// The SQLite side of lookup_source.hpp.
#include <cmath>
#include <filesystem>
#include <memory>
#include <stdexcept>

#include <sqlite3.h>

#include "sluice/core/errors.hpp"
#include "sluice/ops/text/text_values.hpp"
#include "sluice/ops/transform/lookup_source.hpp"

namespace sluice::ops::transform {

namespace {

struct db_closer {
  void operator()(sqlite3* db) const { sqlite3_close(db); }
};
struct stmt_finalizer {
  void operator()(sqlite3_stmt* s) const { sqlite3_finalize(s); }
};
using db_ptr = std::unique_ptr<sqlite3, db_closer>;
using stmt_ptr = std::unique_ptr<sqlite3_stmt, stmt_finalizer>;

/// Opens read-only; `fail` builds the exception for a message.
template <class Fail>
db_ptr open_db(const std::string& path, Fail fail) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) throw fail("no database file '" + path + "'");
  sqlite3* raw = nullptr;
  int rc = sqlite3_open_v2(path.c_str(), &raw, SQLITE_OPEN_READONLY, nullptr);
  db_ptr db(raw);
  if (rc != SQLITE_OK)
    throw fail("cannot open '" + path + "': " + (raw ? sqlite3_errmsg(raw) : "out of memory"));
  return db;
}

template <class Fail>
stmt_ptr prepare(sqlite3* db, const std::string& sql, Fail fail) {
  sqlite3_stmt* raw = nullptr;
  if (sqlite3_prepare_v2(db, sql.c_str(), -1, &raw, nullptr) != SQLITE_OK)
    throw fail(sqlite3_errmsg(db));
  return stmt_ptr(raw);
}

std::string quote_identifier(const std::string& name) {
  std::string out = "\"";
  for (char c : name) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

std::string upper(std::string s) {
  for (auto& c : s)
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  return s;
}

/// A declared SQL column type as a Sluice type (SQLite's affinity rules,
/// plus BOOL and TIMESTAMP/DATETIME, which SQLite has no affinity for).
core::value_type type_of_declared(const std::string& declared) {
  auto t = upper(declared);
  auto has = [&](const char* s) { return t.find(s) != std::string::npos; };
  if (has("TIMESTAMP") || has("DATETIME")) return core::value_type::timestamp;
  if (has("BOOL")) return core::value_type::boolean;
  if (has("INT")) return core::value_type::int64;
  if (has("CHAR") || has("CLOB") || has("TEXT")) return core::value_type::string;
  if (has("REAL") || has("FLOA") || has("DOUB") || has("NUM") || has("DEC"))
    return core::value_type::float64;
  return core::value_type::string;
}

/// Appends column `i` of the current row of `s`, converted to `col`'s type.
bool append_value(sqlite3_stmt* s, int i, core::column& col) {
  const int kind = sqlite3_column_type(s, i);
  if (kind == SQLITE_NULL) {
    col.append_null();
    return true;
  }
  if (kind == SQLITE_TEXT || col.type() == core::value_type::string) {
    if (kind == SQLITE_BLOB && col.type() != core::value_type::string) return false;
    const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(s, i));
    std::string_view v(text ? text : "", static_cast<std::size_t>(sqlite3_column_bytes(s, i)));
    return text::append_parsed(col, v);
  }
  if (kind == SQLITE_BLOB) return false;
  switch (col.type()) {
    case core::value_type::int64:
    case core::value_type::timestamp: // an integer timestamp is microseconds since the epoch
      if (kind == SQLITE_FLOAT) {
        double d = sqlite3_column_double(s, i);
        if (d != std::floor(d)) return false;
      }
      col.append_int(sqlite3_column_int64(s, i));
      return true;
    case core::value_type::float64: col.append_double(sqlite3_column_double(s, i)); return true;
    case core::value_type::boolean:
      if (kind != SQLITE_INTEGER) return false;
      col.append_bool(sqlite3_column_int64(s, i) != 0);
      return true;
    case core::value_type::string: break; // handled above
  }
  return false;
}

} // namespace

std::vector<core::field> describe_sqlite(const lookup_source& src) {
  auto path_error = [](const std::string& m) { return core::param_error("path", m); };
  auto db = open_db(src.path, path_error);
  auto stmt = prepare(db.get(), "PRAGMA table_info(" + quote_identifier(src.table) + ")",
                      [&](const std::string& m) { return path_error("'" + src.path + "': " + m); });
  std::vector<core::field> fields;
  int rc;
  while ((rc = sqlite3_step(stmt.get())) == SQLITE_ROW) {
    const auto* name = reinterpret_cast<const char*>(sqlite3_column_text(stmt.get(), 1));
    const auto* type = reinterpret_cast<const char*>(sqlite3_column_text(stmt.get(), 2));
    fields.push_back({name ? name : "", type_of_declared(type ? type : "")});
  }
  if (rc != SQLITE_DONE) throw path_error("'" + src.path + "': " + sqlite3_errmsg(db.get()));
  if (fields.empty()) {
    std::string tables;
    auto list = prepare(
      db.get(), "SELECT name FROM sqlite_master WHERE type IN ('table', 'view') ORDER BY name",
      [&](const std::string& m) { return path_error("'" + src.path + "': " + m); });
    while (sqlite3_step(list.get()) == SQLITE_ROW)
      tables += (tables.empty() ? "" : ", ")
                + std::string(reinterpret_cast<const char*>(sqlite3_column_text(list.get(), 0)));
    throw core::param_error("table", "no table '" + src.table + "' in '" + src.path
                                       + "' (tables: " + (tables.empty() ? "none" : tables) + ")");
  }
  return fields;
}

std::vector<core::column> load_sqlite(const lookup_source& src,
                                      const std::vector<core::field>& wanted) {
  const std::string where = "lookup table '" + src.table + "' in '" + src.path + "'";
  auto fail = [&](const std::string& m) { return std::runtime_error(where + ": " + m); };
  auto db = open_db(src.path, fail);
  std::string sql = "SELECT ";
  for (std::size_t i = 0; i < wanted.size(); ++i)
    sql += (i ? ", " : "") + quote_identifier(wanted[i].name);
  if (wanted.empty()) sql += "1";
  sql += " FROM " + quote_identifier(src.table);
  auto stmt = prepare(db.get(), sql, fail);
  std::vector<core::column> out;
  for (const auto& w : wanted) out.emplace_back(w.type);
  int rc;
  std::size_t row = 0;
  while ((rc = sqlite3_step(stmt.get())) == SQLITE_ROW) {
    ++row;
    for (std::size_t k = 0; k < wanted.size(); ++k)
      if (!append_value(stmt.get(), static_cast<int>(k), out[k]))
        throw fail("row " + std::to_string(row) + ", column '" + wanted[k].name
                   + "': the value is not of type " + std::string(core::name_of(wanted[k].type)));
  }
  if (rc != SQLITE_DONE) throw fail(sqlite3_errmsg(db.get()));
  return out;
}

} // namespace sluice::ops::transform
