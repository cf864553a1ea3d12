#include "sluice/ops/sink/sqlite_writer.hpp"

#include <sqlite3.h>

#include <algorithm>
#include <filesystem>
#include <stdexcept>

#include "sluice/core/record_format.hpp"
#include "sluice/ops/sink/sqlite_sql.hpp"

namespace sluice::ops::sink {

namespace {

using core::value_type;

/// Bound parameters per multi-row statement (at most 32 rows): enough to
/// amortise the per-statement cost, small enough to stay in the cache.
constexpr std::size_t chunk_params = 256;
constexpr std::size_t max_chunk_rows = 32;

bool refused(int rc) {
  int primary = rc & 0xff;
  return primary == SQLITE_CONSTRAINT || primary == SQLITE_MISMATCH || primary == SQLITE_TOOBIG;
}

} // namespace

sqlite_writer::sqlite_writer(options opts, core::schema_ptr schema)
  : opts_(std::move(opts)), schema_(std::move(schema)),
    target_("table '" + opts_.table + "' in '" + opts_.path + "'") {
  for (const auto& k : opts_.key)
    key_columns_.push_back(static_cast<std::size_t>(schema_->index_of(k)));
  chunk_rows_ = std::clamp<std::size_t>(chunk_params / std::max<std::size_t>(1, schema_->size()), 1,
                                        max_chunk_rows);
  time_text_.resize(chunk_rows_ * schema_->size());
  for (auto& t : time_text_) t.reserve(32);
}

sqlite_writer::~sqlite_writer() { release(); }

void sqlite_writer::open() {
  namespace fs = std::filesystem;
  fs::path p(opts_.path);
  if (p.has_parent_path()) {
    std::error_code ec;
    fs::create_directories(p.parent_path(), ec);
    if (ec)
      throw std::runtime_error("cannot create the folder of '" + opts_.path + "': " + ec.message());
  }
  // NOMUTEX: the connection is only ever used by this instance's thread.
  int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
  if (sqlite3_open_v2(opts_.path.c_str(), &db_, flags, nullptr) != SQLITE_OK) {
    std::string msg = db_ ? sqlite3_errmsg(db_) : "out of memory";
    release();
    throw std::runtime_error("cannot open the database '" + opts_.path + "': " + msg);
  }
  sqlite3_busy_timeout(db_, 10000);
  exec("PRAGMA journal_mode=WAL", "set WAL mode for");
  if (opts_.checkpoints) {
    exec("PRAGMA synchronous=FULL", "set synchronous=FULL for");
    exec(checkpoints_table_sql(), "create the checkpoint bookkeeping table next to");
  } else {
    exec("PRAGMA synchronous=NORMAL", "set synchronous=NORMAL for");
  }
  bool existed = table_exists();
  exec(create_table_sql(opts_.table, *schema_, opts_.key), "create");
  if (existed && opts_.upsert) exec(key_index_sql(opts_.table, opts_.key), "index the key of");
  const std::vector<std::string> no_key;
  const auto& conflict_key = opts_.upsert ? opts_.key : no_key;
  insert_one_ = prepare(insert_sql(opts_.table, *schema_, conflict_key, 1));
  if (chunk_rows_ > 1)
    insert_chunk_ = prepare(insert_sql(opts_.table, *schema_, conflict_key, chunk_rows_));
  begin_ = prepare("BEGIN IMMEDIATE");
  commit_ = prepare("COMMIT");
}

void sqlite_writer::write(const core::batch& b, core::emitter& out) {
  if (!db_) throw std::logic_error("sink.sqlite: write before open for " + target_);
  if (b.rows() == 0) return;
  begin();
  try {
    insert(b, out);
  } catch (...) {
    rollback();
    throw;
  }
  commit();
}

void sqlite_writer::begin() {
  if (!db_) throw std::logic_error("sink.sqlite: begin before open for " + target_);
  step_control(begin_, "begin a transaction on");
}

void sqlite_writer::insert(const core::batch& b, core::emitter& out) {
  const std::size_t n = b.rows(), fields = b.num_columns();
  std::size_t r = 0;
  while (r < n) {
    const std::size_t end = r + chunk_rows_;
    if (!insert_chunk_ || end > n || !keys_present(b, r, end)) {
      write_row(b, r++, out);
      continue;
    }
    for (std::size_t k = 0; k < chunk_rows_; ++k)
      for (std::size_t i = 0; i < fields; ++i)
        bind(insert_chunk_, b.col(i), static_cast<int>(k * fields + i) + 1,
             time_text_[k * fields + i], r + k);
    int rc = sqlite3_step(insert_chunk_);
    sqlite3_reset(insert_chunk_);
    if (rc != SQLITE_DONE) {
      if (!refused(rc)) fail("write to", rc);
      // The statement was undone as a whole: find the refused rows one by one.
      for (std::size_t k = r; k < end; ++k) write_row(b, k, out);
    }
    r = end;
  }
}

void sqlite_writer::commit() { step_control(commit_, "commit to"); }

void sqlite_writer::rollback() {
  if (db_ && !sqlite3_get_autocommit(db_)) sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
}

sqlite_writer::committed_checkpoint sqlite_writer::committed(const std::string& sink) {
  sqlite3_stmt* q = prepare(select_checkpoint_sql());
  sqlite3_bind_text(q, 1, sink.c_str(), -1, SQLITE_TRANSIENT);
  committed_checkpoint c;
  int rc = sqlite3_step(q);
  if (rc == SQLITE_ROW) {
    c.id = static_cast<std::uint64_t>(sqlite3_column_int64(q, 0));
    c.ended = sqlite3_column_int(q, 1) != 0;
  }
  sqlite3_finalize(q);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE) fail("read the checkpoint bookkeeping of", rc);
  return c;
}

void sqlite_writer::record_checkpoint(const std::string& sink, std::uint64_t id, bool ended) {
  sqlite3_stmt* s = prepare(record_checkpoint_sql());
  sqlite3_bind_text(s, 1, sink.c_str(), -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64(s, 2, static_cast<sqlite3_int64>(id));
  sqlite3_bind_int(s, 3, ended ? 1 : 0);
  int rc = sqlite3_step(s);
  sqlite3_finalize(s);
  if (rc != SQLITE_DONE) fail("record the checkpoint in", rc);
}

void sqlite_writer::forget_checkpoints(const std::string& sink) {
  sqlite3_stmt* s = prepare(forget_checkpoint_sql());
  sqlite3_bind_text(s, 1, sink.c_str(), -1, SQLITE_TRANSIENT);
  int rc = sqlite3_step(s);
  sqlite3_finalize(s);
  if (rc != SQLITE_DONE) fail("reset the checkpoint bookkeeping of", rc);
}

void sqlite_writer::close() {
  if (!db_) return;
  int rc = release();
  if (rc != SQLITE_OK)
    throw std::runtime_error("cannot close the database '" + opts_.path + "' (" + sqlite3_errstr(rc)
                             + ")");
}

bool sqlite_writer::keys_present(const core::batch& b, std::size_t begin, std::size_t end) const {
  for (auto k : key_columns_) {
    const auto& c = b.col(k);
    if (!c.has_nulls()) continue;
    for (std::size_t r = begin; r < end; ++r)
      if (c.is_null(r)) return false;
  }
  return true;
}

void sqlite_writer::write_row(const core::batch& b, std::size_t row, core::emitter& out) {
  for (auto k : key_columns_)
    if (b.col(k).is_null(row)) {
      out.error(b, row, "key field '" + schema_->at(k).name + "' is null");
      return;
    }
  for (std::size_t i = 0; i < b.num_columns(); ++i)
    bind(insert_one_, b.col(i), static_cast<int>(i) + 1, time_text_[i], row);
  int rc = sqlite3_step(insert_one_);
  sqlite3_reset(insert_one_);
  if (rc == SQLITE_DONE) return;
  if (!refused(rc)) fail("write to", rc);
  out.error(b, row, std::string("the database refused the record: ") + sqlite3_errmsg(db_));
}

void sqlite_writer::bind(sqlite3_stmt* s, const core::column& c, int param, std::string& time_text,
                         std::size_t row) {
  if (c.is_null(row)) {
    sqlite3_bind_null(s, param);
    return;
  }
  switch (c.type()) {
    case value_type::int64: sqlite3_bind_int64(s, param, c.ints[row]); break;
    case value_type::float64: sqlite3_bind_double(s, param, c.doubles[row]); break;
    case value_type::boolean: sqlite3_bind_int(s, param, c.bools[row] ? 1 : 0); break;
    case value_type::string: {
      auto text = c.string_at(row);
      sqlite3_bind_text(s, param, text.data(), static_cast<int>(text.size()), SQLITE_STATIC);
      break;
    }
    case value_type::timestamp: // ISO-8601 with milliseconds; the text lives until the step
      time_text.clear();
      core::append_iso8601(c.ints[row], time_text);
      sqlite3_bind_text(s, param, time_text.data(), static_cast<int>(time_text.size()),
                        SQLITE_STATIC);
      break;
  }
}

bool sqlite_writer::table_exists() {
  sqlite3_stmt* q = prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?1");
  sqlite3_bind_text(q, 1, opts_.table.c_str(), -1, SQLITE_TRANSIENT);
  bool found = sqlite3_step(q) == SQLITE_ROW;
  sqlite3_finalize(q);
  return found;
}

void sqlite_writer::exec(const std::string& sql, const char* what) {
  char* err = nullptr;
  if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
    std::string msg = err ? err : sqlite3_errmsg(db_);
    sqlite3_free(err);
    throw std::runtime_error(std::string("cannot ") + what + " " + target_ + ": " + msg);
  }
}

sqlite3_stmt* sqlite_writer::prepare(const std::string& sql) {
  sqlite3_stmt* s = nullptr;
  if (sqlite3_prepare_v3(db_, sql.c_str(), -1, SQLITE_PREPARE_PERSISTENT, &s, nullptr) != SQLITE_OK)
    throw std::runtime_error("cannot prepare a statement for " + target_ + ": "
                             + sqlite3_errmsg(db_));
  return s;
}

void sqlite_writer::step_control(sqlite3_stmt* s, const char* what) {
  int rc = sqlite3_step(s);
  sqlite3_reset(s);
  if (rc != SQLITE_DONE) fail(what, rc);
}

void sqlite_writer::fail(const char* what, int rc) {
  throw std::runtime_error(std::string("cannot ") + what + " " + target_ + ": "
                           + sqlite3_errmsg(db_) + " (" + sqlite3_errstr(rc) + ")");
}

int sqlite_writer::release() {
  for (auto* s : {insert_one_, insert_chunk_, begin_, commit_})
    if (s) sqlite3_finalize(s);
  insert_one_ = insert_chunk_ = begin_ = commit_ = nullptr;
  int rc = SQLITE_OK;
  if (db_) rc = sqlite3_close(db_);
  db_ = nullptr;
  return rc;
}

} // namespace sluice::ops::sink
