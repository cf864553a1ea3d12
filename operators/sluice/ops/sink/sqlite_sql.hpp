#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "sluice/core/schema.hpp"

namespace sluice::ops::sink {

/// SQL text for sink.sqlite, built once at open. Identifiers are always
/// double-quoted (inner quotes doubled), so any field or table name works.

/// "\"name\"", with `"` doubled.
std::string sql_identifier(std::string_view name);

/// INTEGER (int, bool 0/1), REAL (double) or TEXT (string, timestamp as
/// ISO-8601 with milliseconds).
const char* sql_column_type(core::value_type t);

/// CREATE TABLE IF NOT EXISTS with a column per field and, when `key` is not
/// empty, PRIMARY KEY(key...) WITHOUT ROWID: rows are stored in key order, so
/// an upsert is one B-tree search instead of two.
std::string create_table_sql(const std::string& table, const core::schema& s,
                             const std::vector<std::string>& key);

/// INSERT INTO table(fields) VALUES (?1, ?2, ...), (...) for `rows` rows:
/// parameter r * fields + i + 1 is field i of row r. With a `key`, an upsert:
/// ON CONFLICT(key) DO UPDATE SET every other field to its new value (DO
/// NOTHING if every field is a key); rows are applied in order, so a later
/// row of the same key wins.
std::string insert_sql(const std::string& table, const core::schema& s,
                       const std::vector<std::string>& key, std::size_t rows = 1);

/// CREATE UNIQUE INDEX IF NOT EXISTS on `key`, for an existing table that an
/// upsert needs a conflict target on.
std::string key_index_sql(const std::string& table, const std::vector<std::string>& key);

/// The table in which sink.sqlite with checkpoints records, per sink
/// instance, the last checkpoint whose rows it committed (in the same
/// transaction as the rows), and whether it committed everything at end of
/// stream.
constexpr const char* checkpoints_table = "_sluice_checkpoints";

/// CREATE TABLE IF NOT EXISTS _sluice_checkpoints (sink TEXT PRIMARY KEY,
/// checkpoint INTEGER NOT NULL, ended INTEGER NOT NULL DEFAULT 0).
std::string checkpoints_table_sql();
/// SELECT checkpoint, ended of sink ?1.
std::string select_checkpoint_sql();
/// Sets (inserts or updates) the row of sink ?1 to checkpoint ?2, ended ?3.
std::string record_checkpoint_sql();
/// Deletes the row of sink ?1.
std::string forget_checkpoint_sql();

} // namespace sluice::ops::sink
