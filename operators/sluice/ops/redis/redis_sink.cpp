// `sink.redis`: writes every record to Redis, by `mode`:
//   stream   XADD to the `stream` template (the record's fields as the
//            entry's, or its JSON/CSV/raw text in `payload_field`), trimmed
//            to about `maxlen` entries if given;
//   hash     HSET of the record's fields on the hash named by the `key`
//            template (null fields are removed: HDEL): the latest state
//            per key, a cache;
//   string   SET of the `key` template to the record's JSON (CSV, raw);
//   publish  PUBLISH of the record's JSON (CSV, raw) on the `channel`
//            template.
// `ttl` sets the key's expiry with every write (SET PX, PEXPIRE).
// `delete_when` (hash and string): a record for which it is true deletes
// its key (DEL) instead of writing it: a change feed's deletes keep the
// cache in step (a row whose expression fails is written, not deleted).
// Commands are pipelined, up to `pipeline` at a time per round trip.
//
// Without checkpoints every batch is written before on_batch returns:
// at-least-once (a batch the connection lost halfway is written again). A
// command the server refuses for good (WRONGTYPE: the key holds another
// type) sends its record to `errors`.
// With checkpoints: the records are held (their batches are the sink's
// state) until the checkpoint covering them completes, then written in one
// MULTI/EXEC transaction that also sets `_sluice:<node>:<instance>` to the
// checkpoint id. Before each transaction the sink reads that key: one
// already recorded (the transaction went through but its reply was lost,
// or a run resumed after a crash that followed the commit) is not written
// again. So every mode is exactly-once on the server (publish: subscribers
// connected at that moment get each message once). A refused command fails
// the run then, naming the record (no emitter at checkpoint completion).
// Outages: the sink waits where it is (on_batch, checkpoint_complete) and
// retries after `reconnect_backoff`, doubled up to `reconnect_backoff_max`,
// reporting disconnected(); its input is held back meanwhile, so credit
// stops the sources and memory stays bounded.

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "sluice/core/expr/expression.hpp"
#include "sluice/core/params.hpp"
#include "sluice/core/record_format.hpp"
#include "sluice/core/state.hpp"
#include "sluice/ops/connect/backoff.hpp"
#include "sluice/ops/connect/record_template.hpp"
#include "sluice/ops/redis/redis_client.hpp"
#include "sluice/ops/sink/staged_rows.hpp"

namespace sluice::ops::redis {

namespace {

namespace expr = core::expr;

using core::value_type;

enum class sink_mode { stream, hash, string, publish };
enum class value_format { fields, json, csv, raw };

struct sink_config {
  std::shared_ptr<const core::params> params; ///< the secret is read at open
  server_url url;
  sink_mode mode = sink_mode::stream;
  value_format format = value_format::fields;
  connect::record_template target; ///< stream, key or channel
  std::string payload_field;
  std::int64_t maxlen = 0; ///< stream: 0 = no trimming
  std::int64_t ttl_ms = 0; ///< 0 = no expiry
  std::size_t pipeline = 1000;
  std::string marker_prefix; ///< "_sluice:<node>:"
  std::int64_t backoff_ns = 0, backoff_max_ns = 0;
  core::schema_ptr input;
  /// hash and string: records that delete their key instead (null: none)
  std::shared_ptr<const expr::compiled_expression> delete_when;
};

/// A command the server refused, and the record it wrote.
struct refusal {
  const core::batch* batch;
  std::size_t row;
  std::string reason;
};

class redis_sink final : public core::sink_operator {
public:
  redis_sink(std::shared_ptr<const sink_config> cfg, const core::operator_context& ctx)
    : cfg_(std::move(cfg)), two_phase_(ctx.checkpoints), status_(ctx.connector),
      marker_(cfg_->marker_prefix + std::to_string(ctx.instance)),
      backoff_(cfg_->backoff_ns, cfg_->backoff_max_ns) {}

  void open() override {
    password_ = password_for(*cfg_->params, cfg_->url);
    opened_ = true;
  }

  void close() override { conn_.reset(); }

  // With checkpoints the state is the records held back (staged_rows).
  std::uint32_t state_version() const override { return two_phase_ ? 1 : 0; }
  void snapshot(core::state_writer& w) const override {
    if (two_phase_) staged_.snapshot(w);
  }
  void restore(core::state_reader& r) override {
    if (!two_phase_) return;
    staged_.restore(r, *cfg_->input);
    restored_ = true;
  }

  void on_batch(std::size_t, const core::batch_ptr& b, core::emitter& out) override {
    if (!opened_) open();
    if (two_phase_) {
      if (!ended_) staged_.add(b);
      return;
    }
    write({b}, std::nullopt, &out);
  }

  void on_end_of_stream(core::emitter& out) override {
    if (!two_phase_ || ended_) return;
    if (!opened_) open();
    ended_ = true;
    ensure_connected(); // a restored sink learns first what the server holds
    auto rows = staged_.all();
    // A checkpoint id of its own, above every one this run recorded.
    if (!rows.empty()) write(rows, std::max(committed_, staged_.last_sealed()) + 1, &out);
    staged_.clear();
  }

  void prepare_checkpoint(std::uint64_t id) override {
    if (two_phase_ && !ended_) staged_.seal(id);
  }

  void checkpoint_complete(std::uint64_t id) override {
    if (!two_phase_ || ended_) return;
    if (!opened_) open();
    ensure_connected(); // a restored sink learns first what the server holds
    auto rows = staged_.sealed_up_to(id);
    if (rows.empty()) return;
    write(rows, id, nullptr);
    staged_.drop_up_to(id);
  }

private:
  // Writes `rows` (with `id`: in one transaction recording it), retrying
  // through outages until the server has them.
  void write(const std::vector<core::batch_ptr>& rows, std::optional<std::uint64_t> id,
             core::emitter* out) {
    for (;;) {
      try {
        if (!conn_.is_open()) connect();
        if (id && already_written(*id)) return;
        refused_.clear();
        if (id) send_transaction(rows, *id);
        else send(rows);
        break;
      } catch (const link_error& e) {
        conn_.reset();
        status_->disconnected(e.what());
        std::this_thread::sleep_for(std::chrono::nanoseconds(backoff_.next_ns()));
      }
    }
    if (id) committed_ = std::max(committed_, *id);
    if (refused_.empty()) return;
    if (!out || id) {
      const auto& r = refused_.front();
      std::string json;
      core::append_json_record(*r.batch, r.row, json);
      throw std::runtime_error("redis: " + r.reason + " (record " + json + ")");
    }
    for (const auto& r : refused_) {
      status_->error(r.reason);
      out->error(*r.batch, r.row, r.reason);
    }
  }

  void ensure_connected() {
    while (!conn_.is_open()) {
      try {
        connect();
      } catch (const link_error& e) {
        conn_.reset();
        status_->disconnected(e.what());
        std::this_thread::sleep_for(std::chrono::nanoseconds(backoff_.next_ns()));
      }
    }
  }

  void connect() {
    conn_.open(cfg_->url, password_, io_timeout_ms);
    if (!marker_checked_) {
      if (two_phase_ && restored_) recover();
      else if (two_phase_) check(conn_.command({"DEL", marker_}), "cannot reset " + marker_);
      marker_checked_ = true;
    }
    status_->connected();
    backoff_.reset();
  }

  // After restore(): what the server already holds of the sealed rows.
  void recover() {
    committed_ = recorded_checkpoint();
    const std::uint64_t m = staged_.last_sealed();
    if (committed_ > m)
      throw std::runtime_error(
        "cannot resume sink.redis from checkpoint " + std::to_string(m) + ": '" + marker_
        + "' says the server already holds the records of its checkpoint "
        + std::to_string(committed_)
        + ", a later one, and writing them again would duplicate them (resume from the newest "
          "checkpoint, or start afresh)");
    staged_.drop_up_to(committed_);
  }

  std::uint64_t recorded_checkpoint() {
    auto r = conn_.command({"GET", marker_});
    check(std::move(r), "cannot read " + marker_);
    return last_marker_;
  }

  bool already_written(std::uint64_t id) { return recorded_checkpoint() >= id; }

  void check(reply_ptr r, const std::string& what) {
    check_reply(*r, what);
    last_marker_ = 0;
    if (r->type == REDIS_REPLY_STRING)
      last_marker_ = std::strtoull(std::string(text_of(*r)).c_str(), nullptr, 10);
  }

  // Pipelined, `pipeline` commands per round trip.
  void send(const std::vector<core::batch_ptr>& rows) {
    commands_.clear();
    for (const auto& b : rows) {
      mark_deletes(*b);
      for (std::size_t r = 0; r < b->rows(); ++r) {
        append_record(*b, r);
        if (commands_.size() >= cfg_->pipeline) collect(false);
      }
    }
    collect(false);
  }

  void send_transaction(const std::vector<core::batch_ptr>& rows, std::uint64_t id) {
    conn_.append({"MULTI"});
    check_reply(*conn_.reply(), "cannot start a transaction");
    commands_.clear();
    queued_.clear();
    for (const auto& b : rows) {
      mark_deletes(*b);
      for (std::size_t r = 0; r < b->rows(); ++r) {
        append_record(*b, r);
        if (commands_.size() >= cfg_->pipeline) collect(true);
      }
    }
    const std::string value = std::to_string(id);
    add({"SET", marker_, value}, nullptr, 0);
    collect(true);
    auto exec = conn_.command({"EXEC"});
    if (exec->type == REDIS_REPLY_ERROR) {
      check_reply(*exec, "transaction of checkpoint " + value);
      // EXECABORT: a command was refused while queued (recorded in refused_).
      if (refused_.empty()) throw std::runtime_error("redis: " + std::string(text_of(*exec)));
      return;
    }
    if (exec->type != REDIS_REPLY_ARRAY || exec->elements != queued_.size())
      throw link_error("redis: the transaction of checkpoint " + value + " was not executed");
    for (std::size_t i = 0; i < exec->elements; ++i)
      if (exec->element[i]->type == REDIS_REPLY_ERROR) refuse(queued_[i], *exec->element[i]);
  }

  struct command_of {
    const core::batch* batch; ///< null: bookkeeping
    std::size_t row;
  };

  // Reads the replies of the commands sent since the last call.
  void collect(bool queued) {
    for (const auto& c : commands_) {
      auto r = conn_.reply();
      if (r->type == REDIS_REPLY_ERROR) {
        if (transient_error(text_of(*r))) check_reply(*r, "cannot write");
        refuse(c, *r);
      } else if (queued) {
        queued_.push_back(c);
      }
    }
    commands_.clear();
  }

  void refuse(const command_of& c, const redisReply& r) {
    if (!c.batch)
      throw std::runtime_error("redis: cannot record the checkpoint in '" + marker_
                               + "': " + std::string(text_of(r)));
    std::string where;
    cfg_->target.render(*c.batch, c.row, where);
    if (!refused_.empty() && refused_.back().batch == c.batch && refused_.back().row == c.row)
      return; // one reason per record
    refused_.push_back(
      {c.batch, c.row, std::string(text_of(r)) + " (" + what_ + " '" + where + "')"});
  }

  void add(const std::vector<std::string_view>& argv, const core::batch* b, std::size_t row) {
    conn_.append(argv);
    commands_.push_back({b, row});
  }

  // Which rows of `b` delete their key (delete_when).
  void mark_deletes(const core::batch& b) {
    deletes_.assign(b.rows(), 0);
    if (!cfg_->delete_when) return;
    expr::row_errors errors;
    core::column_ptr mask = cfg_->delete_when->evaluate(b, &errors);
    for (std::size_t r = 0; r < b.rows(); ++r)
      deletes_[r] = !mask->is_null(r) && mask->bools[r] ? 1 : 0;
  }

  // The commands that write row `r` of `b` (mark_deletes(b) first).
  void append_record(const core::batch& b, std::size_t r) {
    target_.clear();
    cfg_->target.render(b, r, target_);
    args_.clear();
    if (r < deletes_.size() && deletes_[r]) {
      add({"DEL", target_}, &b, r);
      return;
    }
    switch (cfg_->mode) {
      case sink_mode::stream:
        args_ = {"XADD", target_};
        if (cfg_->maxlen > 0) {
          args_.push_back("MAXLEN");
          args_.push_back("~");
          args_.push_back(std::to_string(cfg_->maxlen));
        }
        args_.push_back("*");
        append_value(b, r);
        break;
      case sink_mode::hash: {
        args_ = {"HSET", target_};
        std::vector<std::string> nulls{"HDEL", target_};
        for (std::size_t c = 0; c < b.fields().size(); ++c)
          if (b.col(c).is_null(r)) nulls.push_back(b.fields().at(c).name);
        append_value(b, r);
        if (args_.size() > 2) add(views(args_), &b, r);
        if (nulls.size() > 2) add(views(nulls), &b, r);
        expire(b, r);
        return;
      }
      case sink_mode::string:
        args_ = {"SET", target_};
        append_value(b, r);
        if (cfg_->ttl_ms > 0) {
          args_.push_back("PX");
          args_.push_back(std::to_string(cfg_->ttl_ms));
        }
        add(views(args_), &b, r);
        return;
      case sink_mode::publish:
        args_ = {"PUBLISH", target_};
        append_value(b, r);
        break;
    }
    add(views(args_), &b, r);
    expire(b, r);
  }

  void expire(const core::batch& b, std::size_t r) {
    if (cfg_->ttl_ms <= 0) return;
    add({"PEXPIRE", target_, ttl_text_}, &b, r);
  }

  // The record as field/value pairs (fields) or one encoded value.
  void append_value(const core::batch& b, std::size_t r) {
    std::string v;
    switch (cfg_->format) {
      case value_format::fields:
        for (std::size_t c = 0; c < b.fields().size(); ++c) {
          if (b.col(c).is_null(r)) continue;
          args_.push_back(b.fields().at(c).name);
          v.clear();
          core::append_text_value(b.col(c), r, v);
          args_.push_back(v);
        }
        return;
      case value_format::json: core::append_json_record(b, r, v); break;
      case value_format::csv:
        core::append_csv_record(b, r, v);
        if (!v.empty() && v.back() == '\n') v.pop_back();
        break;
      case value_format::raw:
        if (!b.col(0).is_null(r)) v.append(b.col(0).string_at(r));
        break;
    }
    if (cfg_->mode == sink_mode::stream) args_.push_back(cfg_->payload_field);
    args_.push_back(std::move(v));
  }

  static std::vector<std::string_view> views(const std::vector<std::string>& args) {
    return {args.begin(), args.end()};
  }

  const std::shared_ptr<const sink_config> cfg_;
  const bool two_phase_;
  std::shared_ptr<core::connector_status> status_;
  const std::string marker_;
  const std::string ttl_text_ = std::to_string(cfg_->ttl_ms);
  const std::string what_ = cfg_->mode == sink_mode::stream    ? "stream"
                            : cfg_->mode == sink_mode::publish ? "channel"
                                                               : "key";
  connect::backoff backoff_;
  connection conn_;
  std::string password_;
  bool opened_ = false, restored_ = false, ended_ = false, marker_checked_ = false;
  std::uint64_t committed_ = 0; ///< the newest checkpoint the server holds
  std::uint64_t last_marker_ = 0;
  sink::staged_rows staged_; ///< with checkpoints: records not written yet
  std::vector<command_of> commands_, queued_;
  std::vector<refusal> refused_;
  std::vector<std::string> args_;
  std::vector<std::uint8_t> deletes_; ///< per row of the batch being written
  std::string target_;
};

sink_config read_config(const core::params& p, const core::bind_context& ctx) {
  sink_config c;
  c.params = std::make_shared<const core::params>(p);
  c.url = parse_url("url", p.string("url"));
  c.input = input_schema(ctx, 0, "in");
  const std::string mode = p.string("mode");
  c.mode = mode == "hash"      ? sink_mode::hash
           : mode == "string"  ? sink_mode::string
           : mode == "publish" ? sink_mode::publish
                               : sink_mode::stream;
  const std::string param = c.mode == sink_mode::stream    ? "stream"
                            : c.mode == sink_mode::publish ? "channel"
                                                           : "key";
  for (const std::string other : {"stream", "key", "channel"})
    if (other != param && p.has(other))
      throw core::param_error(other,
                              "mode '" + mode + "' writes to `" + param + "`, not `" + other + "`");
  if (!p.has(param) || p.string(param).empty())
    throw core::param_error(param, "mode '" + mode + "' needs `" + param + "`");
  c.target = connect::record_template(param, p.string(param), *c.input);
  const bool one_value = c.mode == sink_mode::string || c.mode == sink_mode::publish;
  const std::string format = p.has("format") ? p.string("format") : one_value ? "json" : "fields";
  c.format = format == "json"  ? value_format::json
             : format == "csv" ? value_format::csv
             : format == "raw" ? value_format::raw
                               : value_format::fields;
  if (c.format == value_format::fields && one_value)
    throw core::param_error("format", "mode '" + mode + "' writes one value: json, csv or raw");
  if (c.format != value_format::fields && c.mode == sink_mode::hash)
    throw core::param_error("format", "mode 'hash' writes the record's fields (format 'fields')");
  if (c.format == value_format::raw
      && (c.input->size() != 1 || c.input->at(0).type != value_type::string))
    throw core::param_error("format", "raw writes a record of one string field; the input is ("
                                        + c.input->to_string() + ")");
  c.payload_field = p.string("payload_field");
  if (c.payload_field.empty()) throw core::param_error("payload_field", "must not be empty");
  if (p.has("delete_when")) {
    if (c.mode != sink_mode::hash && c.mode != sink_mode::string)
      throw core::param_error("delete_when", "only modes 'hash' and 'string' delete keys");
    try {
      auto e = expr::compiled_expression::compile(p.string("delete_when"), *c.input);
      if (e.type() != value_type::boolean)
        throw core::param_error("delete_when", "must be a boolean expression, got "
                                                 + std::string(core::name_of(e.type())));
      c.delete_when = std::make_shared<const expr::compiled_expression>(std::move(e));
    } catch (const expr::expression_error& e) {
      throw core::param_error("delete_when", e.what(), e.position());
    }
  }
  if (p.has("maxlen")) {
    if (c.mode != sink_mode::stream)
      throw core::param_error("maxlen", "only mode 'stream' trims (XADD MAXLEN)");
    c.maxlen = p.integer("maxlen");
  }
  if (p.has("ttl")) {
    if (c.mode == sink_mode::publish)
      throw core::param_error("ttl", "mode 'publish' writes no key that could expire");
    c.ttl_ms = p.duration("ttl") / 1000;
    if (c.ttl_ms <= 0) throw core::param_error("ttl", "must be at least 1ms");
  }
  c.pipeline = static_cast<std::size_t>(p.integer("pipeline"));
  c.marker_prefix = "_sluice:" + ctx.node_id + ":";
  c.backoff_ns = p.duration("reconnect_backoff") * 1000;
  c.backoff_max_ns = p.duration("reconnect_backoff_max") * 1000;
  return c;
}

} // namespace

core::descriptor redis_sink_descriptor() {
  using core::param_type;
  core::descriptor d;
  d.kind = "sink.redis";
  d.category = "sink";
  d.blocking_io = true;
  d.summary = "Writes records to Redis: stream entries (XADD), hashes, strings (a cache of the "
              "latest state per key) or pub/sub messages; exactly-once with checkpoints";
  d.inputs = {{"in", "records to write, any schema"}};
  d.properties = connection_properties();
  const std::vector<prop> own = {
    prop("mode", param_type::choice,
         "stream: XADD each record to `stream`; hash: HSET its fields on the hash `key`; "
         "string: SET `key` to it; publish: PUBLISH it on `channel`")
      .def("stream")
      .choices({"stream", "hash", "string", "publish"})
      .shapes_state(),
    prop("stream", param_type::string,
         "mode stream: the stream's key, a template such as events:{device}")
      .shapes_state(),
    prop("key", param_type::string,
         "modes hash and string: the key, a template such as sensor:{device}")
      .shapes_state(),
    prop("channel", param_type::string,
         "mode publish: the channel, a template such as alerts/{device}")
      .shapes_state(),
    prop("format", param_type::choice,
         "fields: the record's fields as the entry's or hash's fields (default for stream and "
         "hash); json (default for string and publish), csv, raw: the record as one value")
      .choices({"fields", "json", "csv", "raw"}),
    prop("payload_field", param_type::string,
         "mode stream with json, csv or raw: the entry field holding the value")
      .def("value"),
    prop("maxlen", param_type::integer,
         "mode stream: trim the stream to about this many entries (XADD MAXLEN ~)")
      .min(1),
    prop("ttl", param_type::duration,
         "expire the written key this long after its last write (SET PX, PEXPIRE); not for "
         "publish"),
    prop("delete_when", param_type::expression,
         "hash and string modes: a boolean expression; a record for which it is true deletes "
         "its key instead of writing it, e.g. \"op == 'delete'\" for a change feed"),
    prop("pipeline", param_type::integer, "commands sent per round trip")
      .def(1000)
      .min(1)
      .max(100000),
  };
  d.properties.insert(d.properties.end(), own.begin(), own.end());
  d.bind = [](const core::params& p, const core::bind_context& ctx) -> core::bound_ptr {
    auto cfg = std::make_shared<const sink_config>(read_config(p, ctx));
    return bound(
      {}, [cfg](const core::operator_context& c) { return std::make_unique<redis_sink>(cfg, c); });
  };
  return d;
}

} // namespace sluice::ops::redis
