#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "sluice/core/batch.hpp"
#include "sluice/core/operator.hpp"

struct sqlite3;
struct sqlite3_stmt;

namespace sluice::ops::sink {

/// One SQLite connection writing batches into one table, for sink.sqlite.
/// open() creates the parent folders, the database and the table (see
/// create_table_sql), in WAL mode with synchronous=NORMAL. write() stores a
/// batch as one transaction, through prepared INSERT (or upsert) statements
/// of several rows each, falling back to single rows around a refused one.
///
/// With `checkpoints`, the sink commits once per checkpoint instead: open()
/// also creates the bookkeeping table (checkpoints_table_sql) and sets
/// synchronous=FULL, so a COMMIT is on disk when it returns; begin(),
/// insert() for each batch, record_checkpoint() and commit() make one
/// transaction.
class sqlite_writer {
public:
  struct options {
    std::string path;
    std::string table;
    std::vector<std::string> key; ///< the primary key of a created table; may be empty
    bool upsert = false;          ///< update the row with the same key instead of failing
    bool checkpoints = false;     ///< one durable transaction per checkpoint (see above)
  };

  /// What the bookkeeping table says of one sink instance: the last
  /// checkpoint whose rows it committed, and whether it committed all its
  /// rows at end of stream (then also those after that checkpoint).
  struct committed_checkpoint {
    std::uint64_t id = 0; ///< 0: none
    bool ended = false;
  };

  sqlite_writer(options opts, core::schema_ptr schema);
  ~sqlite_writer(); ///< closes quietly if close() was not called
  sqlite_writer(const sqlite_writer&) = delete;
  sqlite_writer& operator=(const sqlite_writer&) = delete;

  /// Opens the database and prepares the statements. Throws
  /// std::runtime_error naming the file and the table.
  void open();
  /// Writes every row of `b` in one transaction. A row with a null key, or
  /// one the database refuses (a constraint), goes to `out.error`; any other
  /// failure rolls the transaction back and throws.
  void write(const core::batch& b, core::emitter& out);
  /// Finalizes the statements and closes the connection.
  void close();

  /// One transaction by hand: BEGIN IMMEDIATE, then insert() writes the
  /// rows of `b` as write() does (refused rows to `out.error`), commit()
  /// ends it, rollback() undoes it (quietly: for a failure path).
  void begin();
  void insert(const core::batch& b, core::emitter& out);
  void commit();
  void rollback();

  /// The bookkeeping row of `sink` (with `checkpoints` only).
  committed_checkpoint committed(const std::string& sink);
  /// Sets the bookkeeping row of `sink`, inside the open transaction.
  void record_checkpoint(const std::string& sink, std::uint64_t id, bool ended);
  /// Removes the bookkeeping row of `sink` (a fresh run).
  void forget_checkpoints(const std::string& sink);

private:
  bool keys_present(const core::batch& b, std::size_t begin, std::size_t end) const;
  void write_row(const core::batch& b, std::size_t row, core::emitter& out);
  void bind(sqlite3_stmt* s, const core::column& c, int param, std::string& time_text,
            std::size_t row);
  bool table_exists();
  void exec(const std::string& sql, const char* what);
  sqlite3_stmt* prepare(const std::string& sql);
  void step_control(sqlite3_stmt* s, const char* what);
  [[noreturn]] void fail(const char* what, int rc);
  int release();

  const options opts_;
  const core::schema_ptr schema_;
  const std::string target_; ///< "table 't' in 'db.sqlite'" for messages
  std::vector<std::size_t> key_columns_;
  std::size_t chunk_rows_ = 1;         ///< rows per multi-row statement
  std::vector<std::string> time_text_; ///< [row in chunk * fields + field]: bound text

  sqlite3* db_ = nullptr;
  sqlite3_stmt* insert_one_ = nullptr;
  sqlite3_stmt* insert_chunk_ = nullptr; ///< null when chunk_rows_ == 1
  sqlite3_stmt* begin_ = nullptr;
  sqlite3_stmt* commit_ = nullptr;
};

} // namespace sluice::ops::sink
