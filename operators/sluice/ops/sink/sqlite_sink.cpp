// `sink.sqlite`: writes records into a table of an SQLite database (the
// embedded default store). `open()` creates the parent folders, the
// database and, if absent, the table from the input schema (INTEGER, REAL,
// TEXT; bools as 0/1, timestamps as ISO-8601 text with milliseconds), and
// sets WAL mode so readers can query the table while the pipeline runs
// (they see committed transactions only). Rows go in through prepared
// statements: a plain INSERT (`mode: append`) or an upsert on `key` (`mode:
// upsert`), which makes re-emitted results (corrected windows) idempotent.
// A row the database refuses (a constraint, a null key) goes to `errors`;
// any other database failure stops the run, naming the file and the table.
//
// Without checkpoints each batch is one transaction (synchronous=NORMAL),
// and the sink keeps no state.
//
// With checkpoints (operator_context::checkpoints) the output is
// exactly-once, for `append` as for `upsert`: one transaction per
// checkpoint, committed when the checkpoint completes.
//
// Where the rows wait. Records received since the last checkpoint are held
// in memory, not written (staged_rows.hpp); prepare_checkpoint(n) seals them
// as checkpoint n's, and the state snapshot() then writes holds every row
// sealed and not yet committed. checkpoint_complete(n) writes the rows of
// every checkpoint up to n in one transaction, which also sets this
// instance's row of the bookkeeping table `_sluice_checkpoints` (sink =
// "<node>.<instance>/<table>") to n, and commits it with synchronous=FULL
// (on disk when COMMIT returns). Readers see the rows of a checkpoint all at
// once, and only once the checkpoint is complete.
//
// Why not a transaction left open across the checkpoint, filled as records
// come and committed in checkpoint_complete? (1) It would hold SQLite's one
// write lock for a whole checkpoint interval: another instance or sink
// writing the same database would wait in BEGIN inside a callback, never
// pass its barrier, and the checkpoint whose completion would release the
// lock could never complete. (2) The records arriving between
// prepare_checkpoint(n) and checkpoint_complete(n), which are n+1's, would
// be committed with n. (3) The rows of a complete checkpoint would sit in an
// uncommitted transaction that a crash throws away: the checkpoint would be
// "written" without its rows being durable. Committing in
// prepare_checkpoint instead would show rows before their checkpoint
// completes, and a restore of the previous one could not take them back (an
// upsert overwrote older values). Holding the rows in the state answers all
// three: a checkpoint counts as written only once its part, rows included,
// is on disk; the transaction is short; nothing is visible early.
//
// Idempotency. The bookkeeping row commits atomically with the rows, so the
// table holds exactly the rows of the checkpoints up to the one it names, c.
// Restoring checkpoint m (restore, then open): of the rows the state holds
// (sealed up to m, uncommitted when m was taken), those of checkpoints <= c
// are in the table already and are dropped; the rest are written and
// committed with m (a crash before or during that commit leaves c as it was,
// and the next restore does it again). Then the records after m are
// replayed. c > m (restoring an older checkpoint than the sink committed)
// cannot happen when a run resumes from its newest complete checkpoint; in
// `append` mode it would write the rows after m twice, so open() refuses;
// `upsert` goes on (writing a key again is harmless).
//
// End of stream commits every row held, with ended = 1 in the bookkeeping
// row: the records after the last checkpoint are in the table too. If the
// run then fails elsewhere and resumes from a checkpoint, the sink reads
// ended = 1 and writes nothing more (what it is fed again is in the table).
// close() without end of stream commits nothing. A fresh run (not restored)
// deletes the instance's bookkeeping row. Null keys go to `errors` as
// batches arrive; rows the database refuses in a commit (in
// checkpoint_complete or open, which have no emitter) go to `errors` at the
// next batch or at end of stream. The cost: the rows of the checkpoints not
// yet complete are held in memory and written into each checkpoint.

#include <algorithm>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include "sluice/core/params.hpp"
#include "sluice/core/state.hpp"
#include "sluice/ops/descriptor_util.hpp"
#include "sluice/ops/sink/sqlite_sql.hpp"
#include "sluice/ops/sink/sqlite_writer.hpp"
#include "sluice/ops/sink/staged_rows.hpp"

namespace sluice::ops::sink {

namespace {

/// Keeps the rows a commit outside a callback refused, to report them to
/// the next callback's emitter.
class deferred_errors final : public core::emitter {
public:
  /// The batch whose rows the next error() calls are about.
  void about(core::batch_ptr b) { current_ = std::move(b); }

  void error(const core::batch&, std::size_t row, const std::string& reason) override {
    held_.push_back({current_, row, reason});
  }
  void emit(std::size_t, core::batch_ptr) override {}
  void filtered(std::size_t) override {}
  void watermark(core::timestamp) override {}

  void report_to(core::emitter& out) {
    auto held = std::move(held_);
    held_.clear();
    for (const auto& e : held) out.error(*e.batch, e.row, e.reason);
  }

private:
  struct held_error {
    core::batch_ptr batch;
    std::size_t row;
    std::string reason;
  };
  core::batch_ptr current_;
  std::vector<held_error> held_;
};

class sqlite_sink final : public core::sink_operator {
public:
  sqlite_sink(sqlite_writer::options opts, core::schema_ptr input, std::string bookkeeping_key)
    : upsert_(opts.upsert), two_phase_(opts.checkpoints), sink_key_(std::move(bookkeeping_key)),
      schema_(input), key_columns_(columns_of(opts.key, *input)),
      writer_(std::move(opts), std::move(input)) {}

  void open() override {
    writer_.open();
    opened_ = true;
    if (!two_phase_) return;
    if (restored_) recover();
    else writer_.forget_checkpoints(sink_key_);
  }

  void on_batch(std::size_t, const core::batch_ptr& b, core::emitter& out) override {
    refused_.report_to(out);
    if (!two_phase_) {
      writer_.write(*b, out);
      return;
    }
    if (skip_all_ || ended_) return;
    staged_.add(without_null_keys(b, out));
  }

  void prepare_checkpoint(std::uint64_t id) override {
    if (two_phase_ && !ended_) staged_.seal(id);
  }

  void checkpoint_complete(std::uint64_t id) override {
    if (!two_phase_ || !opened_ || ended_ || skip_all_) return;
    auto rows = staged_.sealed_up_to(id);
    if (rows.empty()) return; // the bookkeeping row may lag: see recover()
    commit(rows, id, false, refused_);
    staged_.drop_up_to(id);
  }

  void on_end_of_stream(core::emitter& out) override {
    refused_.report_to(out);
    if (!two_phase_ || !opened_ || ended_) return;
    ended_ = true;
    if (skip_all_) return;
    deferred_errors now;
    commit(staged_.all(), std::max(committed_, staged_.last_sealed()), true, now);
    staged_.clear();
    now.report_to(out);
  }

  void close() override { writer_.close(); }

  // With checkpoints, the state is the rows held back (staged_rows);
  // without, there is none: every batch is committed as it comes.
  std::uint32_t state_version() const override { return two_phase_ ? 1 : 0; }
  void snapshot(core::state_writer& w) const override { staged_.snapshot(w); }
  void restore(core::state_reader& r) override {
    staged_.restore(r, *schema_);
    restored_ = true;
  }

private:
  static std::vector<std::size_t> columns_of(const std::vector<std::string>& fields,
                                             const core::schema& s) {
    std::vector<std::size_t> out;
    for (const auto& f : fields) out.push_back(static_cast<std::size_t>(s.index_of(f)));
    return out;
  }

  // Rows with a null key go to `errors` now; the others are held.
  core::batch_ptr without_null_keys(const core::batch_ptr& b, core::emitter& out) const {
    std::vector<std::uint32_t> keep;
    bool any_null = false;
    for (std::size_t r = 0; r < b->rows(); ++r) {
      bool null_key = false;
      for (auto k : key_columns_)
        if (b->col(k).is_null(r)) {
          out.error(*b, r, "key field '" + schema_->at(k).name + "' is null");
          null_key = any_null = true;
          break;
        }
      if (!null_key) keep.push_back(static_cast<std::uint32_t>(r));
    }
    if (!any_null) return b;
    return keep.empty() ? nullptr : b->select(keep);
  }

  // One transaction: the rows of `batches`, then the bookkeeping row set to
  // checkpoint `id` (and `ended`). Nothing of it stays if it fails.
  void commit(const std::vector<core::batch_ptr>& batches, std::uint64_t id, bool ended,
              deferred_errors& refused) {
    writer_.begin();
    try {
      for (const auto& b : batches) {
        refused.about(b);
        writer_.insert(*b, refused);
      }
      writer_.record_checkpoint(sink_key_, std::max(committed_, id), ended);
      writer_.commit();
    } catch (...) {
      writer_.rollback();
      throw;
    }
    committed_ = std::max(committed_, id);
  }

  // After restore(): see the contract above.
  void recover() {
    auto c = writer_.committed(sink_key_);
    committed_ = c.id;
    if (c.ended) {
      skip_all_ = true;
      staged_.clear();
      return;
    }
    const std::uint64_t m = staged_.last_sealed();
    if (c.id > m && !upsert_)
      throw std::runtime_error(
        "cannot resume sink.sqlite from checkpoint " + std::to_string(m) + ": the table already "
        + "holds the rows of its checkpoint " + std::to_string(c.id)
        + ", a later one, and appending would write them twice (resume from the newest "
          "checkpoint, or start afresh)");
    staged_.drop_up_to(c.id);
    if (staged_.nothing_sealed()) return;
    commit(staged_.sealed_up_to(m), m, false, refused_);
    staged_.drop_up_to(m);
  }

  const bool upsert_;
  const bool two_phase_;
  const std::string sink_key_; ///< this instance's row in _sluice_checkpoints
  const core::schema_ptr schema_;
  const std::vector<std::size_t> key_columns_;
  sqlite_writer writer_;
  staged_rows staged_;
  deferred_errors refused_;
  std::uint64_t committed_ = 0; ///< the checkpoint the bookkeeping row names
  bool opened_ = false;
  bool restored_ = false;
  bool ended_ = false;
  bool skip_all_ = false; ///< a failed run committed everything at end of stream
};

} // namespace

core::descriptor sqlite_sink_descriptor() {
  using core::param_type;
  core::descriptor d;
  d.kind = "sink.sqlite";
  d.category = "sink";
  d.blocking_io = true;
  d.summary = "Writes records into an SQLite table (append or upsert), one transaction per batch; "
              "with checkpoints, exactly-once: one transaction per checkpoint";
  d.inputs = {{"in", "records to store, any schema"}};
  d.properties = {
    prop("path", param_type::path, "database file; created with its parent folders if absent")
      .required()
      .shapes_state(),
    prop("table", param_type::string, "table to write; created from the input schema if absent")
      .required()
      .shapes_state(),
    prop("mode", param_type::choice,
         "append: insert every record; upsert: insert, or update the row with the same key")
      .def("append")
      .choices({"append", "upsert"})
      .shapes_state(),
    prop("key", param_type::field_list,
         "fields that identify a row (the primary key of a created table); required for "
         "upsert; when appending, a record with a key already stored goes to errors")
      .shapes_state(),
  };
  d.bind = [](const core::params& p, const core::bind_context& ctx) -> core::bound_ptr {
    const auto& input = input_schema(ctx, 0, "in");
    sqlite_writer::options cfg;
    cfg.path = p.string("path");
    if (cfg.path.empty()) throw core::param_error("path", "must not be empty");
    cfg.table = p.string("table");
    if (cfg.table.empty()) throw core::param_error("table", "must not be empty");
    if (cfg.table == checkpoints_table)
      throw core::param_error("table", "'" + cfg.table + "' is the sink's bookkeeping table");
    if (input->size() == 0) throw core::param_error("", "the input has no fields to store");
    cfg.upsert = p.string("mode") == "upsert";
    if (p.has("key")) cfg.key = p.strings("key");
    if (cfg.upsert && cfg.key.empty())
      throw core::param_error("key", "upsert needs a key: the fields that identify a row");
    for (const auto& k : cfg.key) {
      if (input->index_of(k) < 0)
        throw core::param_error("key",
                                "no field '" + k + "' in the input (" + input->to_string() + ")");
      if (std::count(cfg.key.begin(), cfg.key.end(), k) > 1)
        throw core::param_error("key", "field '" + k + "' is listed twice");
    }
    return bound({}, [cfg = std::move(cfg), input](const core::operator_context& c) {
      auto opts = cfg;
      opts.checkpoints = c.checkpoints;
      return std::make_unique<sqlite_sink>(
        opts, input, c.node_id + "." + std::to_string(c.instance) + "/" + cfg.table);
    });
  };
  return d;
}

} // namespace sluice::ops::sink
