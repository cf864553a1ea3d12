// `source.postgres`: reads a PostgreSQL database, in one of two modes.
//
// `mode: cdc` streams the changes of `tables` through logical replication
// (the pgoutput plugin, protocol 1, on a replication=database connection):
// one record per inserted, updated or deleted row, with the row's columns
// (those the `schema` names; a delete carries the key columns only, unless
// the table has REPLICA IDENTITY FULL; an unchanged TOASTed value is null)
// and `op` (insert | update | delete). At open the source creates its
// publication (FOR TABLE `tables`) and its logical replication slot if they
// are missing. The slot has one reader, so parallelism must be 1.
// Position: the end LSN of the last transaction whose changes were all
// emitted, plus how many changes of the next one were emitted already;
// that is the source's state. The server is told (standby status update)
// that a position is flushed only once the checkpoint holding it
// completes (without checkpoints: once its records are emitted), so the
// slot keeps the WAL from there, and a run resumed from a checkpoint
// starts the stream there and skips the changes it emitted already:
// exactly-once with an exactly-once sink. Reading never blocks: the
// stream is read with PQgetCopyData in async mode, and poll() waits when
// nothing came.
//
// `mode: poll` runs `query` with the last value of `column` as $1 (at
// first `start`, else the smallest value of its type) every `interval`,
// and again at once while it returns rows (order by the column and LIMIT
// it: `SELECT * FROM events WHERE id > $1 ORDER BY id LIMIT 10000`). The
// last value is the state. Rows that change without changing the column
// are not seen again (use cdc for that). At-least-once without
// checkpoints; exactly-once from a checkpoint if the column strictly grows.
//
// Outages: a lost or refused connection is reported (connector
// disconnected) and tried again after connect::backoff; meanwhile poll()
// waits. A value that does not parse as its field's type goes to `errors`
// with the table and LSN (cdc) or the query's row (poll).

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cmath>
#include <map>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <unordered_map>
#include <vector>

#include "sluice/core/params.hpp"
#include "sluice/core/state.hpp"
#include "sluice/ops/connect/backoff.hpp"
#include "sluice/ops/postgres/pg_client.hpp"
#include "sluice/ops/postgres/pg_output.hpp"
#include "sluice/ops/source/schema_inference.hpp"
#include "sluice/ops/text/text_values.hpp"

namespace sluice::ops::postgres {

namespace {

using core::value_type;
using steady = std::chrono::steady_clock;

constexpr std::int64_t idle_wait_ns = 5000000;          // 5 ms
constexpr std::int64_t feedback_every_ns = 10000000000; // status updates while idle

struct source_config {
  connection_settings conn;
  bool cdc = true;
  core::schema_ptr payload; ///< the `schema` fields
  core::schema_ptr output;  ///< payload, op (cdc), metadata
  std::vector<std::string> tables;
  std::string publication, slot;
  std::string query, column;
  std::size_t column_index = 0;
  std::optional<std::string> start;
  std::int64_t interval_ns = 0;
  bool meta_table = false, meta_lsn = false;
  std::int64_t backoff_ns = 0, backoff_max_ns = 0;
};

const core::schema_ptr& error_context_schema() {
  static const core::schema_ptr s = core::make_schema({{"table", value_type::string},
                                                       {"position", value_type::string},
                                                       {"text", value_type::string}});
  return s;
}

std::string identifier_from(const std::string& node) {
  std::string out = "sluice_";
  for (char ch : node)
    out += std::isalnum(static_cast<unsigned char>(ch))
             ? static_cast<char>(std::tolower(static_cast<unsigned char>(ch)))
             : '_';
  return out;
}

// Appends PostgreSQL's text for a value of `col`'s type; false if it is
// not one.
bool append_pg_text(core::column& col, std::string_view text) {
  switch (col.type()) {
    case value_type::boolean:
      if (text == "t" || text == "true") col.append_bool(true);
      else if (text == "f" || text == "false") col.append_bool(false);
      else return false;
      return true;
    case value_type::float64:
      if (text == "NaN") col.append_double(std::nan(""));
      else if (text == "Infinity") col.append_double(HUGE_VAL);
      else if (text == "-Infinity") col.append_double(-HUGE_VAL);
      else return text::append_parsed(col, text);
      return true;
    case value_type::timestamp: {
      // timestamptz in UTC reads "2026-03-04 05:06:07.123456+00"
      std::string t(text);
      if (t.size() > 3 && (t.compare(t.size() - 3, 3, "+00") == 0)) t.replace(t.size() - 3, 3, "Z");
      else if (t.find('+', 10) == std::string::npos && t.find('Z') == std::string::npos
               && t.rfind('-') < 10)
        t += "Z"; // timestamp without time zone: taken as UTC
      return text::append_parsed(col, t);
    }
    default: return text::append_parsed(col, text);
  }
}

class pg_source final : public core::source_operator {
public:
  pg_source(std::shared_ptr<const source_config> cfg, const core::operator_context& ctx)
    : cfg_(std::move(cfg)), checkpoints_(ctx.checkpoints), status_(ctx.connector),
      backoff_(cfg_->backoff_ns, cfg_->backoff_max_ns) {}

  void open() override {
    if (!cfg_->cdc) return;
    // One attempt now, so a missing table or a refused login fails the
    // run before it starts; a server that is away is waited for.
    try {
      start_stream();
    } catch (const outage& e) {
      lost(e.what());
    }
  }

  void close() override { conn_.reset(); }

  core::poll_result poll(core::emitter& out, std::size_t budget) override {
    const auto now = steady::now();
    if (now < next_attempt_)
      return core::poll_result::wait(
        std::chrono::duration_cast<std::chrono::nanoseconds>(next_attempt_ - now).count());
    try {
      return cfg_->cdc ? poll_cdc(out, budget) : poll_query(out);
    } catch (const outage& e) {
      lost(e.what());
      return core::poll_result::wait(
        std::chrono::duration_cast<std::chrono::nanoseconds>(next_attempt_ - steady::now())
          .count());
    }
  }

  void prepare_checkpoint(std::uint64_t id) override {
    if (cfg_->cdc) pending_[id] = position_;
  }

  void checkpoint_complete(std::uint64_t id) override {
    auto it = pending_.upper_bound(id);
    if (it == pending_.begin()) return;
    confirmed_ = std::max(confirmed_, std::prev(it)->second);
    pending_.erase(pending_.begin(), it);
    send_feedback(false);
  }

  std::uint32_t state_version() const override { return 1; }
  void snapshot(core::state_writer& w) const override {
    w.u64(position_);
    w.u64(pending_skip());
    w.boolean(has_last_);
    w.str(last_);
  }
  void restore(core::state_reader& r) override {
    position_ = confirmed_ = r.u64();
    skip_ = r.u64();
    has_last_ = r.boolean();
    last_ = r.str();
  }

private:
  void lost(const std::string& why) {
    conn_.reset();
    status_->disconnected(why);
    next_attempt_ = steady::now() + std::chrono::nanoseconds(backoff_.next_ns());
    // The stream starts again from the last confirmed position: what was
    // emitted since is skipped (see handle()).
    skip_ = pending_skip();
    in_txn_ = replayed_ = false;
    txn_changes_ = 0;
  }

  // Changes of the first transaction after position_ emitted already.
  std::uint64_t pending_skip() const {
    return in_txn_ && !replayed_ ? std::max(skip_, txn_changes_) : skip_;
  }

  void up() {
    status_->connected();
    backoff_.reset();
  }

  // --- cdc --------------------------------------------------------------

  void start_stream() {
    {
      auto c = connect(cfg_->conn);
      auto pub =
        exec_params(c.get(), "SELECT 1 FROM pg_publication WHERE pubname = $1", {cfg_->publication},
                    "look up publication '" + cfg_->publication + "'");
      if (PQntuples(pub.get()) == 0) {
        std::string list;
        for (const auto& t : cfg_->tables) list += (list.empty() ? "" : ", ") + quote_table(t);
        exec(c.get(), "CREATE PUBLICATION " + quote_ident(cfg_->publication) + " FOR TABLE " + list,
             "create publication '" + cfg_->publication + "'");
      }
      auto slot = exec_params(c.get(), "SELECT 1 FROM pg_replication_slots WHERE slot_name = $1",
                              {cfg_->slot}, "look up replication slot '" + cfg_->slot + "'");
      if (PQntuples(slot.get()) == 0)
        exec_params(c.get(), "SELECT pg_create_logical_replication_slot($1, 'pgoutput')",
                    {cfg_->slot}, "create replication slot '" + cfg_->slot + "'");
    }
    auto c = connect(cfg_->conn, true);
    const std::string sql = "START_REPLICATION SLOT " + quote_ident(cfg_->slot) + " LOGICAL "
                            + lsn_text(confirmed_) + " (proto_version '1', publication_names "
                            + quote_literal(quote_ident(cfg_->publication)) + ")";
    result_ptr r(PQexec(c.get(), sql.c_str()));
    if (!r || PQresultStatus(r.get()) != PGRES_COPY_BOTH)
      fail(c.get(), r.get(), "start replication from slot '" + cfg_->slot + "'");
    conn_ = std::move(c);
    received_ = confirmed_;
    flush_sent_ = 0;
    last_feedback_ = steady::now();
    up();
  }

  core::poll_result poll_cdc(core::emitter& out, std::size_t budget) {
    if (!conn_) start_stream();
    PGconn* c = conn_.get();
    if (PQconsumeInput(c) != 1) fail(c, nullptr, "read the replication stream");
    std::size_t rows = 0;
    while (rows < budget) {
      char* buf = nullptr;
      const int n = PQgetCopyData(c, &buf, 1);
      if (n == 0) break;
      if (n < 0) {
        // The server ended the stream: it shuts down (an outage), or it
        // refuses us (the slot was dropped: fail).
        result_ptr r(PQgetResult(c));
        const char* state = r ? PQresultErrorField(r.get(), PG_DIAG_SQLSTATE) : nullptr;
        if (state && !is_outage(c, r.get())) fail(c, r.get(), "read the replication stream");
        throw outage("postgres: the server ended the replication stream of slot '" + cfg_->slot
                     + "'");
      }
      std::unique_ptr<char, void (*)(void*)> hold(buf, PQfreemem);
      rows += handle(std::string_view(buf, static_cast<std::size_t>(n)), out);
    }
    flush(out);
    if (!checkpoints_ && !in_txn_ && position_ > confirmed_) {
      confirmed_ = position_; // emitted: the server may forget it
      send_feedback(false);
    }
    if (steady::now() - last_feedback_ > std::chrono::nanoseconds(feedback_every_ns))
      send_feedback(false);
    return rows > 0 ? core::poll_result::more() : core::poll_result::wait(idle_wait_ns);
  }

  // One CopyData message; how many records it added.
  std::size_t handle(std::string_view msg, core::emitter& out) {
    wire_reader in(msg);
    const std::uint8_t type = in.u8();
    if (type == 'k') {
      const std::uint64_t wal_end = in.u64();
      in.u64(); // server clock
      const bool reply = in.u8() != 0;
      received_ = std::max(received_, wal_end);
      // Between transactions everything up to wal_end was sent: nothing
      // of ours lies before it any more.
      if (!in_txn_ && skip_ == 0) position_ = std::max(position_, wal_end);
      if (reply) send_feedback(false);
      return 0;
    }
    if (type != 'w') return 0;
    const std::uint64_t start = in.u64();
    in.u64(); // wal end
    in.u64(); // send time
    received_ = std::max(received_, start);
    const auto c = decode_pgoutput(msg.substr(25), relations_);
    switch (c.what) {
      case change::kind::begin:
        in_txn_ = true;
        txn_changes_ = 0;
        // A transaction that committed before our position was emitted
        // whole already (the stream restarts from the confirmed position).
        replayed_ = c.end_lsn < position_;
        return 0;
      case change::kind::commit:
        if (!replayed_) {
          skip_ = 0;
          position_ = std::max(position_, c.end_lsn);
        }
        in_txn_ = replayed_ = false;
        txn_changes_ = 0;
        return 0;
      case change::kind::insert:
      case change::kind::update:
      case change::kind::del: {
        if (replayed_) return 0;
        ++txn_changes_;
        if (txn_changes_ <= skip_) return 0; // emitted before the restart
        return add_change(c, start, out);
      }
      default: return 0;
    }
  }

  std::size_t add_change(const change& c, std::uint64_t lsn, core::emitter& out) {
    auto rel = relations_.find(c.relation);
    if (rel == relations_.end())
      throw std::runtime_error("postgres: a change of relation " + std::to_string(c.relation)
                               + " came before its description");
    const auto& info = rel->second;
    auto& fields = field_maps_[c.relation];
    if (fields.size() != info.columns.size()) {
      fields.clear();
      for (const auto& name : info.columns) fields.push_back(cfg_->payload->index_of(name));
    }
    std::vector<std::optional<std::string_view>> values(cfg_->payload->size());
    for (std::size_t i = 0; i < c.row.values.size() && i < fields.size(); ++i)
      if (fields[i] >= 0) values[static_cast<std::size_t>(fields[i])] = c.row.values[i];
    const char* op = c.what == change::kind::insert   ? "insert"
                     : c.what == change::kind::update ? "update"
                                                      : "delete";
    return add_row(values, info.name, lsn_text(lsn), op, out);
  }

  // --- poll -------------------------------------------------------------

  core::poll_result poll_query(core::emitter& out) {
    if (!conn_) {
      conn_ = connect(cfg_->conn);
      up();
    }
    std::optional<std::string> arg = has_last_ ? std::optional<std::string>(last_) : cfg_->start;
    if (!arg) arg = smallest(cfg_->payload->at(cfg_->column_index).type);
    auto r = exec_params(conn_.get(), cfg_->query, {arg}, "run the query");
    const int n = PQntuples(r.get());
    std::vector<int> columns;
    for (std::size_t f = 0; f < cfg_->payload->size(); ++f)
      columns.push_back(PQfnumber(r.get(), quote_ident(cfg_->payload->at(f).name).c_str()));
    const int key = columns[cfg_->column_index];
    if (key < 0)
      throw std::runtime_error("postgres: the query returns no column '" + cfg_->column + "'");
    for (int row = 0; row < n; ++row) {
      std::vector<std::optional<std::string_view>> values(columns.size());
      for (std::size_t f = 0; f < columns.size(); ++f)
        if (columns[f] >= 0 && !PQgetisnull(r.get(), row, columns[f]))
          values[f] =
            std::string_view(PQgetvalue(r.get(), row, columns[f]),
                             static_cast<std::size_t>(PQgetlength(r.get(), row, columns[f])));
      add_row(values, "query", "row " + std::to_string(row), nullptr, out);
      if (!PQgetisnull(r.get(), row, key)) {
        last_ = PQgetvalue(r.get(), row, key);
        has_last_ = true;
      }
    }
    flush(out);
    if (n > 0) return core::poll_result::more();
    next_attempt_ = steady::now() + std::chrono::nanoseconds(cfg_->interval_ns);
    return core::poll_result::wait(cfg_->interval_ns);
  }

  static std::string smallest(value_type t) {
    switch (t) {
      case value_type::int64: return "-9223372036854775808";
      case value_type::float64: return "-Infinity";
      case value_type::timestamp: return "-infinity";
      case value_type::boolean: return "false";
      case value_type::string: return "";
    }
    return "";
  }

  // --- records ----------------------------------------------------------

  std::size_t add_row(const std::vector<std::optional<std::string_view>>& values,
                      const std::string& table, const std::string& where, const char* op,
                      core::emitter& out) {
    if (!builder_) builder_.emplace(cfg_->output);
    auto& b = *builder_;
    const std::size_t row = b.rows();
    for (std::size_t f = 0; f < values.size(); ++f) {
      auto& col = b.column_at(f);
      if (!values[f]) {
        col.append_null();
        continue;
      }
      if (!append_pg_text(col, *values[f])) {
        // Undo the fields appended so far, and report the change.
        for (std::size_t g = 0; g < f; ++g) truncate(b.column_at(g), row);
        core::batch_builder e(error_context_schema(), 1);
        e.column_at(0).append_string(table);
        e.column_at(1).append_string(where);
        e.column_at(2).append_string(*values[f]);
        out.error(*e.finish(), 0,
                  table + " " + where + ": field '" + cfg_->payload->at(f).name + "': '"
                    + std::string(values[f]->substr(0, 200)) + "' is not a "
                    + std::string(core::name_of(cfg_->payload->at(f).type)));
        return 0;
      }
    }
    std::size_t f = values.size();
    if (op) b.column_at(f++).append_string(op);
    if (cfg_->meta_table) b.column_at(f++).append_string(table);
    if (cfg_->meta_lsn) b.column_at(f++).append_string(where);
    return 1;
  }

  static void truncate(core::column& c, std::size_t rows) {
    while (c.size() > rows) {
      switch (c.type()) {
        case value_type::int64:
        case value_type::timestamp: c.ints.pop_back(); break;
        case value_type::float64: c.doubles.pop_back(); break;
        case value_type::boolean: c.bools.pop_back(); break;
        case value_type::string:
          c.offsets.pop_back();
          c.bytes.resize(c.offsets.back());
          break;
      }
      if (!c.valid.empty()) c.valid.pop_back();
    }
  }

  void flush(core::emitter& out) {
    if (!builder_ || builder_->rows() == 0) return;
    out.emit(0, builder_->finish());
    builder_.reset();
  }

  void send_feedback(bool reply) {
    last_feedback_ = steady::now();
    if (!conn_ || !cfg_->cdc) return;
    // The flush position moves the slot on; it is sent only when it
    // changed. Otherwise it is 0 (unknown), and the server goes by the
    // write position: a server shutting down waits until the client has
    // what it sent, and would wait for a checkpoint (up to
    // wal_sender_timeout) if we kept repeating an older flush position.
    const std::uint64_t flush = confirmed_ > flush_sent_ ? confirmed_ : 0;
    flush_sent_ = std::max(flush_sent_, confirmed_);
    const auto msg = status_update(received_, flush, reply);
    if (PQputCopyData(conn_.get(), msg.data(), static_cast<int>(msg.size())) != 1
        || PQflush(conn_.get()) < 0)
      lost("postgres: cannot send a status update: " + std::string(PQerrorMessage(conn_.get())));
  }

  const std::shared_ptr<const source_config> cfg_;
  const bool checkpoints_;
  const std::shared_ptr<core::connector_status> status_;
  connect::backoff backoff_;
  conn_ptr conn_;
  steady::time_point next_attempt_{}, last_feedback_{};
  std::optional<core::batch_builder> builder_;
  // cdc
  std::unordered_map<std::uint32_t, relation_info> relations_;
  std::unordered_map<std::uint32_t, std::vector<int>> field_maps_;
  std::uint64_t position_ = 0;  ///< end of the last transaction wholly emitted
  std::uint64_t confirmed_ = 0; ///< what the server was told it may forget
  std::uint64_t received_ = 0;
  std::uint64_t flush_sent_ = 0; ///< the last flush position the server was told
  std::uint64_t skip_ = 0;       ///< changes of the first transaction emitted before a restart
  bool in_txn_ = false;
  bool replayed_ = false; ///< the current transaction was emitted whole before
  std::uint64_t txn_changes_ = 0;
  std::map<std::uint64_t, std::uint64_t> pending_; ///< checkpoint -> position
  // poll
  bool has_last_ = false;
  std::string last_;
};

} // namespace

core::descriptor postgres_source_descriptor() {
  using core::param_type;
  core::descriptor d;
  d.kind = "source.postgres";
  d.category = "source";
  d.blocking_io = true;
  d.summary = "Reads PostgreSQL: the changes of tables through logical replication (cdc), or a "
              "query polled over an increasing column (poll)";
  d.outputs = {{"out", "the schema's fields, then op (cdc), then the metadata asked for"}};
  d.properties = {
    url_property(),
    password_property(),
    prop("mode", param_type::choice,
         "cdc: stream the inserts, updates and deletes of `tables` (logical replication); "
         "poll: run `query` every `interval` over an increasing `column`")
      .def("cdc")
      .choices({"cdc", "poll"})
      .shapes_state(),
    prop("schema", param_type::json,
         "field name -> int | double | bool | string | timestamp (or an array of "
         "\"name:type\"): the columns to read, by name")
      .required(),
    prop("tables", param_type::string_list,
         "cdc: the tables whose changes to stream (\"name\" or \"schema.name\"); the publication "
         "is created for them")
      .shapes_state(),
    prop("publication", param_type::string,
         "cdc: the publication to read (default sluice_<node id>), created if missing")
      .shapes_state(),
    prop("slot", param_type::string,
         "cdc: the logical replication slot (default sluice_<node id>), created if missing; it "
         "keeps the WAL the source has not confirmed")
      .shapes_state(),
    prop("query", param_type::string,
         "poll: the query, with $1 the last value of `column` (SELECT * FROM events WHERE id > $1 "
         "ORDER BY id LIMIT 10000)")
      .shapes_state(),
    prop("column", param_type::field,
         "poll: the increasing column (a field of `schema`) whose last value is the position")
      .shapes_state(),
    prop("start", param_type::string,
         "poll: $1 of the first query (default: the smallest value of the column's type)"),
    prop("interval", param_type::duration, "poll: the wait after a query that returned no rows")
      .def("1s"),
    prop("metadata", param_type::string_list,
         "fields to add, in this order: table (cdc: the table; poll: \"query\"), position (cdc: "
         "the change's LSN; poll: the row's number in its query)"),
  };
  for (auto& p : connect::backoff_properties()) d.properties.push_back(p);
  d.bind = [](const core::params& p, const core::bind_context& ctx) -> core::bound_ptr {
    auto cfg = std::make_shared<source_config>();
    cfg->conn = read_connection_settings(p);
    cfg->cdc = p.string("mode") == "cdc";
    cfg->payload = source::parse_schema_param(p.json("schema"));
    if (cfg->payload->size() == 0) throw core::param_error("schema", "names no field");
    std::vector<core::field> fields;
    for (std::size_t i = 0; i < cfg->payload->size(); ++i) fields.push_back(cfg->payload->at(i));
    auto add = [&](const std::string& name, const std::string& param) {
      if (cfg->payload->index_of(name) >= 0)
        throw core::param_error(param, "the schema has a field '" + name
                                         + "' already; the source adds one of that name");
      fields.push_back({name, value_type::string});
    };
    if (cfg->cdc) {
      if (ctx.parallelism > 1)
        throw core::param_error("mode", "cdc reads one replication slot, which has one reader: "
                                        "parallelism must be 1, not "
                                          + std::to_string(ctx.parallelism));
      cfg->tables = p.has("tables") ? p.strings("tables") : std::vector<std::string>{};
      if (cfg->tables.empty())
        throw core::param_error("tables", "cdc needs the tables whose changes to stream");
      for (const auto& t : cfg->tables)
        if (t.empty()) throw core::param_error("tables", "a table name is empty");
      cfg->publication =
        p.has("publication") ? p.string("publication") : identifier_from(ctx.node_id);
      cfg->slot = p.has("slot") ? p.string("slot") : identifier_from(ctx.node_id);
      if (cfg->publication.empty()) throw core::param_error("publication", "must not be empty");
      if (cfg->slot.empty() || cfg->slot.size() > 63
          || cfg->slot.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789_")
               != std::string::npos)
        throw core::param_error("slot", "a slot name is 1 to 63 of a-z, 0-9 and _, not '"
                                          + cfg->slot + "'");
      for (const char* n : {"query", "column", "start"})
        if (p.has(n)) throw core::param_error(n, std::string("only mode poll uses '") + n + "'");
      add("op", "schema");
    } else {
      for (const char* n : {"tables", "publication", "slot"})
        if (p.has(n)) throw core::param_error(n, std::string("only mode cdc uses '") + n + "'");
      if (!p.has("query") || p.string("query").empty())
        throw core::param_error("query", "poll needs a query, with $1 the last value of `column`");
      cfg->query = p.string("query");
      if (cfg->query.find("$1") == std::string::npos)
        throw core::param_error("query", "the query must use $1, the last value of `column`");
      if (!p.has("column")) throw core::param_error("column", "poll needs the increasing column");
      cfg->column = p.string("column");
      const int i = cfg->payload->index_of(cfg->column);
      if (i < 0)
        throw core::param_error("column", "no field '" + cfg->column + "' in the schema ("
                                            + cfg->payload->to_string() + ")");
      cfg->column_index = static_cast<std::size_t>(i);
      if (p.has("start")) cfg->start = p.string("start");
      cfg->interval_ns = p.duration("interval") * 1000;
      if (cfg->interval_ns <= 0) throw core::param_error("interval", "must be positive");
    }
    if (p.has("metadata"))
      for (const auto& m : p.strings("metadata")) {
        if (m == "table" && !cfg->meta_table) cfg->meta_table = true;
        else if (m == "position" && !cfg->meta_lsn) cfg->meta_lsn = true;
        else
          throw core::param_error("metadata",
                                  "'" + m + "' is not table or position, or is listed twice");
      }
    if (cfg->meta_table) add("table", "metadata");
    if (cfg->meta_lsn) add("position", "metadata");
    cfg->output = core::make_schema(fields);
    cfg->backoff_ns = p.duration("reconnect_backoff") * 1000;
    cfg->backoff_max_ns = p.duration("reconnect_backoff_max") * 1000;
    std::shared_ptr<const source_config> shared = cfg;
    return bound({cfg->output}, [shared](const core::operator_context& c) {
      return std::make_unique<pg_source>(shared, c);
    });
  };
  return d;
}

} // namespace sluice::ops::postgres
