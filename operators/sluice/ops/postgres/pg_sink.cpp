// `sink.postgres`: writes records into a PostgreSQL table with COPY (binary
// format). `mode: append` copies the rows into the table; `mode: upsert`
// copies them into a session's temporary table, then moves them with
// INSERT ... ON CONFLICT (key) DO UPDATE (the last record of a key in one
// transaction wins). A missing table is created from the input schema
// (int64 bigint, float64 double precision, boolean, string text,
// timestamp timestamptz; upsert adds a primary key on `key`); an existing
// table without a column of the right type for a field (or, for upsert,
// without a unique index on exactly the key) fails the run at open.
//
// Without checkpoints: one transaction per batch, at-least-once (a commit
// whose answer the outage swallowed is written again).
// With checkpoints: exactly-once, as sink.sqlite. Rows are held
// (sink::staged_rows, the sink's state) until the checkpoint that covers
// them completes; then the rows of every checkpoint up to n go in one
// transaction that also sets this instance's row of `_sluice_commits`
// (node, instance, checkpoint, ended) to n. Before writing, the
// transaction reads that row (FOR UPDATE): a retried commit whose first
// attempt went through is not written twice. Restored after a crash, the
// sink reads the row back and writes only the sealed rows the table does
// not hold yet. End of stream commits every row held with ended = true; a
// resumed run that finds ended writes nothing more. A fresh run deletes
// the instance's row. Row ids are (node id, instance): two runs of
// pipelines with the same node id must not share a database.
//
// Outages: a failed connection or a lost one is reported (connector
// disconnected), and the sink retries after connect::backoff, blocking in
// the callback that writes (on_batch without checkpoints,
// checkpoint_complete with them), so the credit protocol stops the sources
// and memory stays bounded; the transaction is written again whole.
// Authentication refused, an unknown database, a table of another shape,
// or any other error the server gives fails the run. Rows PostgreSQL
// would refuse (a null key, a NUL byte or invalid UTF-8 in a string) go to
// `errors` as they arrive.

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <set>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "sluice/core/params.hpp"
#include "sluice/core/state.hpp"
#include "sluice/ops/connect/backoff.hpp"
#include "sluice/ops/connect/record_template.hpp"
#include "sluice/ops/postgres/pg_client.hpp"
#include "sluice/ops/postgres/pg_copy.hpp"
#include "sluice/ops/postgres/pg_table.hpp"
#include "sluice/ops/sink/staged_rows.hpp"

namespace sluice::ops::postgres {

namespace {

constexpr std::size_t copy_chunk = std::size_t{1} << 20; // bytes handed to libpq at once
constexpr const char* stage_table = "_sluice_stage";

struct sink_config {
  connection_settings conn;
  std::string table;
  bool upsert = false;
  std::vector<std::string> key;
  std::vector<std::size_t> key_columns;
  core::schema_ptr input;
  std::int64_t backoff_ns = 0, backoff_max_ns = 0;
  connect::record_template table_name; ///< `table`, which may name fields: "events_{region}"
  std::string columns;                 ///< the input's fields, quoted, in order
  std::string upsert_tail;             ///< stage -> table: what follows "INSERT INTO <table>"
  std::string stage_sql; ///< the session's staging table: the input's fields, and arrival order
};

std::string column_list(const core::schema& s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) out += (i ? ", " : "") + quote_ident(s.at(i).name);
  return out;
}

class pg_sink final : public core::sink_operator {
public:
  pg_sink(std::shared_ptr<const sink_config> cfg, const core::operator_context& ctx)
    : cfg_(std::move(cfg)), two_phase_(ctx.checkpoints), node_(ctx.node_id),
      instance_(std::to_string(ctx.instance)), status_(ctx.connector),
      backoff_(cfg_->backoff_ns, cfg_->backoff_max_ns) {}

  void open() override {
    pending_start_ = two_phase_;
    // One attempt now: a table of another shape or a refused login fails
    // the run before it starts; a server that is away is waited for by the
    // first write.
    try {
      ensure_connected();
    } catch (const outage& e) {
      lost(e.what(), false);
    }
  }

  void close() override { conn_.reset(); }

  void on_batch(std::size_t, const core::batch_ptr& b, core::emitter& out) override {
    auto rows = without_refused(b, out);
    if (!rows) return;
    if (!two_phase_) {
      with_connection([&] { write_transaction({rows}); });
      return;
    }
    if (!skip_all_ && !ended_) staged_.add(rows);
  }

  void prepare_checkpoint(std::uint64_t id) override {
    if (two_phase_ && !ended_) staged_.seal(id);
  }

  void checkpoint_complete(std::uint64_t id) override {
    if (!two_phase_ || ended_ || skip_all_) return;
    auto rows = staged_.sealed_up_to(id);
    if (rows.empty()) return; // the bookkeeping row may lag: see recover()
    with_connection([&] { commit(rows, id, false); });
    staged_.drop_up_to(id);
  }

  void on_end_of_stream(core::emitter&) override {
    if (!two_phase_ || ended_) return;
    ended_ = true;
    if (skip_all_) return;
    auto rows = staged_.all();
    with_connection([&] { commit(rows, std::max(committed_, staged_.last_sealed()), true); });
    staged_.clear();
  }

  std::uint32_t state_version() const override { return two_phase_ ? 1 : 0; }
  void snapshot(core::state_writer& w) const override { staged_.snapshot(w); }
  void restore(core::state_reader& r) override {
    staged_.restore(r, *cfg_->input);
    restored_ = true;
  }

private:
  // Rows PostgreSQL would refuse go to errors; the rest are kept.
  core::batch_ptr without_refused(const core::batch_ptr& b, core::emitter& out) const {
    std::vector<std::uint32_t> keep;
    bool any = false;
    for (std::size_t r = 0; r < b->rows(); ++r) {
      auto why = refusal(*b, r, cfg_->key_columns);
      if (why.empty() && !cfg_->table_name.constant() && cfg_->table_name.render(*b, r).empty())
        why = "the table name is empty";
      if (why.empty()) {
        keep.push_back(static_cast<std::uint32_t>(r));
        continue;
      }
      out.error(*b, r, "table '" + cfg_->table + "': " + why);
      any = true;
    }
    if (!any) return b;
    return keep.empty() ? nullptr : b->select(keep);
  }

  // Runs `step` on a working connection; while the server is away, waits
  // (backoff) and tries again, the whole step.
  template <class Step>
  void with_connection(Step step) {
    for (;;) {
      try {
        ensure_connected();
        step();
        return;
      } catch (const outage& e) {
        lost(e.what(), true);
      }
    }
  }

  void lost(const std::string& why, bool wait) {
    conn_.reset();
    prepared_.clear();
    status_->disconnected(why);
    if (wait) std::this_thread::sleep_for(std::chrono::nanoseconds(backoff_.next_ns()));
  }

  // Connects if needed; on a new connection checks the tables, makes the
  // staging table, and does what open() left for the first connection.
  void ensure_connected() {
    if (conn_) return;
    auto c = connect(cfg_->conn);
    if (cfg_->table_name.constant()) // else each table when rows first go to it
      prepare_tables(c.get(), cfg_->table, *cfg_->input,
                     cfg_->upsert ? cfg_->key : std::vector<std::string>{});
    if (cfg_->upsert) exec(c.get(), cfg_->stage_sql, "create the staging table");
    conn_ = std::move(c);
    if (cfg_->table_name.constant()) prepared_.insert(cfg_->table);
    if (pending_start_) {
      if (restored_) recover();
      else
        exec_params(conn_.get(),
                    std::string("DELETE FROM ") + commits_table
                      + " WHERE node = $1 AND instance = $2",
                    {node_, instance_}, "reset the bookkeeping row");
      pending_start_ = false;
    }
    status_->connected();
    backoff_.reset();
  }

  using table_rows = std::map<std::string, std::vector<core::batch_ptr>>;

  // The rows of `batches` per table they go to; creates or checks each
  // table the connection has not seen yet (in transactions of their own,
  // so before the one that writes).
  table_rows by_table(const std::vector<core::batch_ptr>& batches) {
    table_rows out;
    if (cfg_->table_name.constant()) {
      out[cfg_->table] = batches;
      return out;
    }
    std::map<std::string, std::vector<std::uint32_t>> rows;
    std::string name;
    for (const auto& b : batches) {
      rows.clear();
      for (std::size_t r = 0; r < b->rows(); ++r) {
        name.clear();
        cfg_->table_name.render(*b, r, name);
        rows[name].push_back(static_cast<std::uint32_t>(r));
      }
      for (const auto& [table, list] : rows)
        out[table].push_back(list.size() == b->rows() ? b : b->select(list));
    }
    for (const auto& entry : out) {
      if (prepared_.count(entry.first)) continue;
      prepare_tables(conn_.get(), entry.first, *cfg_->input,
                     cfg_->upsert ? cfg_->key : std::vector<std::string>{});
      prepared_.insert(entry.first);
    }
    return out;
  }

  void write_rows(const table_rows& tables) {
    for (const auto& [table, parts] : tables) copy_into(table, parts);
  }

  // Copies `batches` into `table` (or the staging table, then upserts).
  void copy_into(const std::string& table, const std::vector<core::batch_ptr>& batches) {
    PGconn* c = conn_.get();
    const std::string sql = "COPY " + (cfg_->upsert ? std::string(stage_table) : quote_table(table))
                            + " (" + cfg_->columns + ") FROM STDIN WITH (FORMAT binary)";
    result_ptr r(PQexec(c, sql.c_str()));
    if (!r || PQresultStatus(r.get()) != PGRES_COPY_IN)
      fail(c, r.get(), "start COPY into '" + table + "'");
    encoder_.begin();
    for (const auto& b : batches)
      for (std::size_t row = 0; row < b->rows(); ++row) {
        encoder_.add_row(*b, row);
        if (encoder_.data().size() >= copy_chunk) {
          put(encoder_.data());
          encoder_.clear_data();
        }
      }
    encoder_.end();
    put(encoder_.data());
    if (PQputCopyEnd(c, nullptr) != 1) fail(c, nullptr, "end COPY into '" + table + "'");
    result_ptr done(PQgetResult(c));
    while (result_ptr more{PQgetResult(c)}) {}
    if (!done || PQresultStatus(done.get()) != PGRES_COMMAND_OK)
      fail(c, done.get(), "COPY into '" + table + "'");
    if (!cfg_->upsert) return;
    exec(c, "INSERT INTO " + quote_table(table) + cfg_->upsert_tail, "upsert into '" + table + "'");
    // The staging table empties at commit; the next table's rows come first.
    if (!cfg_->table_name.constant())
      exec(c, std::string("DELETE FROM ") + stage_table, "empty the staging table");
  }

  void put(const std::string& data) {
    if (data.empty()) return;
    if (PQputCopyData(conn_.get(), data.data(), static_cast<int>(data.size())) != 1)
      fail(conn_.get(), nullptr, "COPY into '" + cfg_->table + "'");
  }

  void write_transaction(const std::vector<core::batch_ptr>& batches) {
    const auto tables = by_table(batches);
    exec(conn_.get(), "BEGIN", "begin a transaction");
    try {
      write_rows(tables);
      exec(conn_.get(), "COMMIT", "commit into '" + cfg_->table + "'");
    } catch (...) {
      rollback();
      throw;
    }
  }

  // One transaction: `batches`, and the bookkeeping row set to `id`
  // (and `ended`); nothing if the row says they are in already.
  void commit(const std::vector<core::batch_ptr>& batches, std::uint64_t id, bool ended) {
    PGconn* c = conn_.get();
    const auto tables = by_table(batches);
    exec(c, "BEGIN", "begin a transaction");
    try {
      const auto row = read_row();
      if (row.ended || (!ended && row.id >= id && id > 0)) {
        exec(c, "ROLLBACK", "end a transaction");
        committed_ = std::max(committed_, row.id);
        return;
      }
      write_rows(tables);
      exec_params(
        c,
        std::string("INSERT INTO ") + commits_table
          + " (node, instance, checkpoint, ended) VALUES ($1, $2, $3, $4) ON CONFLICT "
            "(node, instance) DO UPDATE SET checkpoint = EXCLUDED.checkpoint, ended = "
            "EXCLUDED.ended",
        {node_, instance_, std::to_string(std::max(committed_, id)), ended ? "true" : "false"},
        "record checkpoint " + std::to_string(id));
      exec(c, "COMMIT", "commit checkpoint " + std::to_string(id) + " into '" + cfg_->table + "'");
    } catch (...) {
      rollback();
      throw;
    }
    committed_ = std::max(committed_, id);
  }

  struct committed_row {
    std::uint64_t id = 0;
    bool ended = false;
  };

  committed_row read_row() {
    auto r = exec_params(conn_.get(),
                         std::string("SELECT checkpoint, ended FROM ") + commits_table
                           + " WHERE node = $1 AND instance = $2 FOR UPDATE",
                         {node_, instance_}, "read the bookkeeping row");
    committed_row row;
    if (PQntuples(r.get()) == 0) return row;
    row.id = std::stoull(PQgetvalue(r.get(), 0, 0));
    row.ended = std::string(PQgetvalue(r.get(), 0, 1)) == "t";
    return row;
  }

  void rollback() {
    if (conn_ && PQstatus(conn_.get()) == CONNECTION_OK) PQclear(PQexec(conn_.get(), "ROLLBACK"));
  }

  // After restore(): as sink.sqlite (see its contract).
  void recover() {
    exec(conn_.get(), "BEGIN", "begin a transaction");
    committed_row row;
    try {
      row = read_row();
      exec(conn_.get(), "COMMIT", "end a transaction");
    } catch (...) {
      rollback();
      throw;
    }
    committed_ = row.id;
    if (row.ended) {
      skip_all_ = true;
      staged_.clear();
      return;
    }
    const std::uint64_t m = staged_.last_sealed();
    if (row.id > m && !cfg_->upsert)
      throw std::runtime_error(
        "cannot resume sink.postgres from checkpoint " + std::to_string(m) + ": table '"
        + cfg_->table + "' already holds the rows of its checkpoint " + std::to_string(row.id)
        + ", a later one, and appending would write them twice (resume from the newest "
          "checkpoint, or start afresh)");
    staged_.drop_up_to(row.id);
    if (staged_.nothing_sealed()) return;
    commit(staged_.sealed_up_to(m), m, false);
    staged_.drop_up_to(m);
  }

  const std::shared_ptr<const sink_config> cfg_;
  const bool two_phase_;
  const std::string node_, instance_;
  const std::shared_ptr<core::connector_status> status_;
  connect::backoff backoff_;
  conn_ptr conn_;
  copy_encoder encoder_;
  std::set<std::string> prepared_; ///< tables created or checked on this connection
  sink::staged_rows staged_;
  std::uint64_t committed_ = 0; ///< the checkpoint the bookkeeping row names
  bool pending_start_ = false;  ///< recover (or reset the row) on the first connection
  bool restored_ = false, ended_ = false;
  bool skip_all_ = false; ///< an earlier attempt committed everything at end of stream
};

} // namespace

core::descriptor postgres_sink_descriptor() {
  using core::param_type;
  core::descriptor d;
  d.kind = "sink.postgres";
  d.category = "sink";
  d.blocking_io = true;
  d.summary = "Writes records into a PostgreSQL table with COPY (append or upsert), a transaction "
              "per batch; with checkpoints, exactly-once: one transaction per checkpoint";
  d.inputs = {{"in", "records to store, any schema"}};
  d.properties = {
    url_property(),
    password_property(),
    prop("table", param_type::string,
         "table to write (\"name\" or \"schema.name\"; {field} puts a field's value in it: "
         "\"events_{region}\"); created from the input schema if absent")
      .required()
      .shapes_state(),
    prop("mode", param_type::choice,
         "append: COPY every record in; upsert: insert, or update the row with the same key")
      .def("append")
      .choices({"append", "upsert"})
      .shapes_state(),
    prop("key", param_type::field_list,
         "upsert: the fields that identify a row (the primary key of a created table)")
      .shapes_state(),
  };
  for (auto& p : connect::backoff_properties()) d.properties.push_back(p);
  d.bind = [](const core::params& p, const core::bind_context& ctx) -> core::bound_ptr {
    auto cfg = std::make_shared<sink_config>();
    cfg->conn = read_connection_settings(p);
    cfg->input = input_schema(ctx, 0, "in");
    cfg->table = p.string("table");
    if (cfg->table.empty()) throw core::param_error("table", "must not be empty");
    cfg->table_name = connect::record_template("table", cfg->table, *cfg->input);
    if (cfg->table == commits_table || cfg->table == stage_table)
      throw core::param_error("table", "'" + cfg->table + "' is the sink's bookkeeping table");
    if (cfg->table_name.constant() && std::count(cfg->table.begin(), cfg->table.end(), '.') > 1)
      throw core::param_error("table", "\"name\" or \"schema.name\", not '" + cfg->table + "'");
    const auto& input = *cfg->input;
    if (input.size() == 0) throw core::param_error("", "the input has no fields to store");
    cfg->upsert = p.string("mode") == "upsert";
    if (p.has("key")) cfg->key = p.strings("key");
    if (cfg->upsert && cfg->key.empty())
      throw core::param_error("key", "upsert needs a key: the fields that identify a row");
    if (!cfg->upsert && !cfg->key.empty())
      throw core::param_error("key", "only mode upsert uses a key");
    for (const auto& k : cfg->key) {
      const int i = input.index_of(k);
      if (i < 0)
        throw core::param_error("key",
                                "no field '" + k + "' in the input (" + input.to_string() + ")");
      if (std::count(cfg->key.begin(), cfg->key.end(), k) > 1)
        throw core::param_error("key", "field '" + k + "' is listed twice");
      cfg->key_columns.push_back(static_cast<std::size_t>(i));
    }
    cfg->backoff_ns = p.duration("reconnect_backoff") * 1000;
    cfg->backoff_max_ns = p.duration("reconnect_backoff_max") * 1000;
    const std::string columns = column_list(input);
    cfg->columns = columns;
    if (cfg->upsert) {
      // Not LIKE the table: its other columns' NOT NULL would refuse the
      // staged rows, which leave them to the table's defaults.
      cfg->stage_sql = std::string("CREATE TEMP TABLE IF NOT EXISTS ") + stage_table + " (";
      for (std::size_t i = 0; i < input.size(); ++i)
        cfg->stage_sql += quote_ident(input.at(i).name) + " " + sql_type(input.at(i).type) + ", ";
      cfg->stage_sql += "_sluice_seq bigserial) ON COMMIT DELETE ROWS";
      std::string keys, updates;
      for (const auto& k : cfg->key) keys += (keys.empty() ? "" : ", ") + quote_ident(k);
      for (std::size_t i = 0; i < input.size(); ++i) {
        const auto& n = input.at(i).name;
        if (std::find(cfg->key.begin(), cfg->key.end(), n) != cfg->key.end()) continue;
        updates += (updates.empty() ? "" : ", ") + quote_ident(n) + " = EXCLUDED." + quote_ident(n);
      }
      cfg->upsert_tail = " (" + columns + ") SELECT DISTINCT ON (" + keys + ") " + columns
                         + " FROM " + stage_table + " ORDER BY " + keys
                         + ", _sluice_seq DESC ON CONFLICT (" + keys + ") DO "
                         + (updates.empty() ? "NOTHING" : "UPDATE SET " + updates);
    }
    std::shared_ptr<const sink_config> shared = cfg;
    return bound({}, [shared](const core::operator_context& c) {
      return std::make_unique<pg_sink>(shared, c);
    });
  };
  return d;
}

} // namespace sluice::ops::postgres
