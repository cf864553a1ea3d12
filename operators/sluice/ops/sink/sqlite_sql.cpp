#include "sluice/ops/sink/sqlite_sql.hpp"

#include <algorithm>

namespace sluice::ops::sink {

namespace {

std::string identifier_list(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& n : names) {
    if (!out.empty()) out += ", ";
    out += sql_identifier(n);
  }
  return out;
}

} // namespace

std::string sql_identifier(std::string_view name) {
  std::string out = "\"";
  for (char c : name) {
    if (c == '"') out.push_back('"');
    out.push_back(c);
  }
  out.push_back('"');
  return out;
}

const char* sql_column_type(core::value_type t) {
  switch (t) {
    case core::value_type::int64:
    case core::value_type::boolean: return "INTEGER";
    case core::value_type::float64: return "REAL";
    case core::value_type::string:
    case core::value_type::timestamp: return "TEXT";
  }
  return "TEXT";
}

std::string create_table_sql(const std::string& table, const core::schema& s,
                             const std::vector<std::string>& key) {
  std::string sql = "CREATE TABLE IF NOT EXISTS " + sql_identifier(table) + " (";
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (i) sql += ", ";
    sql += sql_identifier(s.at(i).name) + " " + sql_column_type(s.at(i).type);
  }
  if (key.empty()) return sql + ")";
  return sql + ", PRIMARY KEY (" + identifier_list(key) + ")) WITHOUT ROWID";
}

std::string insert_sql(const std::string& table, const core::schema& s,
                       const std::vector<std::string>& key, std::size_t rows) {
  std::string names;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (i) names += ", ";
    names += sql_identifier(s.at(i).name);
  }
  std::string sql = "INSERT INTO " + sql_identifier(table) + " (" + names + ") VALUES ";
  for (std::size_t r = 0, p = 1; r < rows; ++r) {
    sql += r ? ", (" : "(";
    for (std::size_t i = 0; i < s.size(); ++i, ++p) sql += (i ? ", ?" : "?") + std::to_string(p);
    sql += ")";
  }
  if (key.empty()) return sql;
  std::string set;
  for (const auto& f : s.fields()) {
    if (std::find(key.begin(), key.end(), f.name) != key.end()) continue;
    if (!set.empty()) set += ", ";
    set += sql_identifier(f.name) + " = excluded." + sql_identifier(f.name);
  }
  sql += " ON CONFLICT (" + identifier_list(key) + ")";
  return sql + (set.empty() ? " DO NOTHING" : " DO UPDATE SET " + set);
}

std::string key_index_sql(const std::string& table, const std::vector<std::string>& key) {
  return "CREATE UNIQUE INDEX IF NOT EXISTS " + sql_identifier("sluice_key_" + table) + " ON "
         + sql_identifier(table) + " (" + identifier_list(key) + ")";
}

std::string checkpoints_table_sql() {
  return "CREATE TABLE IF NOT EXISTS " + sql_identifier(checkpoints_table)
         + " (sink TEXT PRIMARY KEY, checkpoint INTEGER NOT NULL, ended INTEGER NOT NULL DEFAULT "
           "0)";
}

std::string select_checkpoint_sql() {
  return "SELECT checkpoint, ended FROM " + sql_identifier(checkpoints_table) + " WHERE sink = ?1";
}

std::string record_checkpoint_sql() {
  return "INSERT INTO " + sql_identifier(checkpoints_table)
         + " (sink, checkpoint, ended) VALUES (?1, ?2, ?3) ON CONFLICT (sink) DO UPDATE SET "
           "checkpoint = excluded.checkpoint, ended = excluded.ended";
}

std::string forget_checkpoint_sql() {
  return "DELETE FROM " + sql_identifier(checkpoints_table) + " WHERE sink = ?1";
}

} // namespace sluice::ops::sink
