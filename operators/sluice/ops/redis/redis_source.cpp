// `source.redis`: reads a Redis stream through a consumer group
// (XREADGROUP), one record per entry.
//
// The group is created (XGROUP CREATE ... MKSTREAM) when missing, at the
// stream's start (`start: earliest`) or end (`latest`). Every parallel
// instance is its own consumer, `<consumer>-<instance>`, so Redis spreads
// the entries over the instances and keeps each one's pending entries list
// (PEL: delivered, not acknowledged) apart.
// Acknowledgement (XACK) comes after the records are safe:
//   - with checkpoints, once the checkpoint that covers them completes. The
//     ids emitted before a checkpoint's barrier are its state, so a run
//     resumed from it acknowledges them first (they may not have been), and
//     everything else this consumer was delivered is still pending: the
//     source reads its PEL from the start (id 0) before new entries, so
//     what was emitted after the checkpoint is read again, and nothing the
//     checkpoint covers is. Exactly-once with an exactly-once sink.
//   - without checkpoints, once the records are emitted, in the round trip
//     of the next read (and at close): at-least-once (a crash before the
//     XACK reads them again).
// Outages: a lost connection is reported (connector status) and retried
// after `reconnect_backoff`, doubled up to `reconnect_backoff_max`; the
// source produces nothing meanwhile and never fails the run for it. After
// reconnecting it reads its PEL again for entries whose delivery the
// outage interrupted, skipping the ones it has already emitted.
// An entry that does not fit the schema goes to `errors` naming the stream
// and the entry id, and is acknowledged with the others.

#include <algorithm>
#include <map>
#include <memory>
#include <set>
#include <stdexcept>
#include <utility>
#include <vector>

#include "sluice/core/params.hpp"
#include "sluice/core/record_format.hpp"
#include "sluice/core/secrets.hpp"
#include "sluice/core/state.hpp"
#include "sluice/ops/connect/backoff.hpp"
#include "sluice/ops/redis/redis_client.hpp"
#include "sluice/ops/redis/stream_id.hpp"
#include "sluice/ops/source/payload_reader.hpp"
#include "sluice/ops/source/schema_inference.hpp"
#include "sluice/ops/text/text_values.hpp"

namespace sluice::ops::redis {

namespace {

using core::value_type;

constexpr std::size_t max_batch = 4096;
constexpr std::size_t ack_chunk = 1024; ///< ids per XACK
constexpr std::size_t max_error_text = 4096;
constexpr int block_ms = 100;                   ///< XREADGROUP BLOCK: bounded waits
constexpr std::int64_t idle_wait_ns = 1000000;  ///< after an empty read (that blocked)
constexpr std::int64_t max_wait_ns = 100000000; ///< longest poll wait while disconnected

/// The fields an entry can add besides its own, in this order.
const std::vector<std::pair<std::string, value_type>>& metadata_fields() {
  static const std::vector<std::pair<std::string, value_type>> f = {
    {"id", value_type::string}, {"stream", value_type::string}, {"time", value_type::timestamp}};
  return f;
}

enum class entry_format { fields, json, csv, raw };

struct source_config {
  std::shared_ptr<const core::params> params; ///< the secret is read at open
  server_url url;
  std::string stream, group, consumer;
  bool earliest = false;
  entry_format format = entry_format::fields;
  std::string payload_field; ///< json, csv, raw: the entry field holding the payload
  core::schema_ptr payload;
  std::vector<std::string> metadata;
  std::int64_t backoff_ns = 0, backoff_max_ns = 0;
  core::schema_ptr output;
};

const core::schema_ptr& error_context_schema() {
  static const core::schema_ptr s = core::make_schema(
    {{"stream", value_type::string}, {"id", value_type::string}, {"text", value_type::string}});
  return s;
}

/// Drops rows from `row` on (a row only partly appended).
void truncate(core::column& c, std::size_t rows) {
  if (c.size() <= rows) return;
  switch (c.type()) {
    case value_type::string:
      c.offsets.resize(rows + 1);
      c.bytes.resize(c.offsets.back());
      break;
    case value_type::float64: c.doubles.resize(rows); break;
    case value_type::boolean: c.bools.resize(rows); break;
    default: c.ints.resize(rows); break;
  }
  if (!c.valid.empty()) c.valid.resize(rows);
}

class redis_source final : public core::source_operator {
public:
  redis_source(std::shared_ptr<const source_config> cfg, const core::operator_context& ctx)
    : cfg_(std::move(cfg)), checkpoints_(ctx.checkpoints), clock_(ctx.clock),
      status_(ctx.connector), consumer_(cfg_->consumer + "-" + std::to_string(ctx.instance)),
      backoff_(cfg_->backoff_ns, cfg_->backoff_max_ns) {
    if (cfg_->format != entry_format::fields) {
      const auto f = cfg_->format == entry_format::json  ? source::payload_format::json
                     : cfg_->format == entry_format::csv ? source::payload_format::csv
                                                         : source::payload_format::raw;
      reader_ = std::make_unique<source::payload_reader>(f, cfg_->payload);
    }
  }

  void open() override {
    password_ = password_for(*cfg_->params, cfg_->url);
    opened_ = true;
  }

  void close() override {
    try_ack(); // without checkpoints, what the last read emitted
    conn_.reset();
  }

  std::uint32_t state_version() const override { return 1; }

  // The ids emitted before the last barrier and not known to be
  // acknowledged: a run resumed from this checkpoint acknowledges them.
  void snapshot(core::state_writer& w) const override {
    std::vector<stream_id> ids = ack_due_;
    for (const auto& [id, list] : sealed_) ids.insert(ids.end(), list.begin(), list.end());
    std::sort(ids.begin(), ids.end());
    w.count(ids.size());
    for (const auto& id : ids) {
      w.i64(static_cast<std::int64_t>(id.ms));
      w.i64(static_cast<std::int64_t>(id.seq));
    }
  }

  void restore(core::state_reader& r) override {
    ack_due_.clear();
    for (auto n = r.count(); n > 0; --n) {
      const std::int64_t ms = r.i64(), seq = r.i64();
      if (ms < 0 || seq < 0) throw core::state_error("a Redis stream id with a negative part");
      ack_due_.push_back({static_cast<std::uint64_t>(ms), static_cast<std::uint64_t>(seq)});
    }
  }

  void prepare_checkpoint(std::uint64_t id) override {
    if (!checkpoints_) return;
    sealed_[id] = std::move(emitted_);
    emitted_.clear();
  }

  void checkpoint_complete(std::uint64_t id) override {
    auto end = sealed_.upper_bound(id);
    for (auto it = sealed_.begin(); it != end; ++it)
      ack_due_.insert(ack_due_.end(), it->second.begin(), it->second.end());
    sealed_.erase(sealed_.begin(), end);
    try_ack();
  }

  core::poll_result poll(core::emitter& out, std::size_t budget) override {
    if (!opened_) open();
    try {
      if (!conn_.is_open()) {
        const std::int64_t now = clock_->now_ns();
        if (now < next_attempt_ns_)
          return core::poll_result::wait(std::min(next_attempt_ns_ - now, max_wait_ns));
        connect();
      }
      return read(out, std::clamp<std::size_t>(budget, 1, max_batch));
    } catch (const link_error& e) {
      conn_.reset();
      status_->disconnected(e.what());
      const std::int64_t wait = backoff_.next_ns();
      next_attempt_ns_ = clock_->now_ns() + wait;
      return core::poll_result::wait(std::min(wait, max_wait_ns));
    }
  }

private:
  void connect() {
    conn_.open(cfg_->url, password_, io_timeout_ms);
    auto r = conn_.command(
      {"XGROUP", "CREATE", cfg_->stream, cfg_->group, cfg_->earliest ? "0" : "$", "MKSTREAM"});
    if (r->type != REDIS_REPLY_ERROR || text_of(*r).rfind("BUSYGROUP", 0) != 0)
      check_reply(*r, "cannot create group '" + cfg_->group + "' of stream '" + cfg_->stream + "'");
    ack(ack_due_);
    ack_due_.clear();
    // What this consumer was delivered and has not acknowledged: after a
    // restore, entries emitted after the checkpoint; after an outage,
    // entries whose delivery it may have missed.
    reading_pel_ = true;
    pel_cursor_ = "0";
    known_.clear();
    for (const auto& [id, list] : sealed_) known_.insert(list.begin(), list.end());
    known_.insert(emitted_.begin(), emitted_.end());
    status_->connected();
    backoff_.reset();
  }

  core::poll_result read(core::emitter& out, std::size_t limit) {
    const std::string count = std::to_string(limit);
    // Without checkpoints, what the last read emitted is acknowledged in
    // the same round trip as the next read.
    const std::size_t acks = checkpoints_ ? 0 : append_ack(ack_due_);
    if (reading_pel_)
      conn_.append({"XREADGROUP", "GROUP", cfg_->group, consumer_, "COUNT", count, "STREAMS",
                    cfg_->stream, pel_cursor_});
    else
      conn_.append({"XREADGROUP", "GROUP", cfg_->group, consumer_, "COUNT", count, "BLOCK", block_,
                    "STREAMS", cfg_->stream, ">"});
    for (std::size_t i = 0; i < acks; ++i) check_ack(*conn_.reply());
    if (acks) ack_due_.clear();
    reply_ptr r = conn_.reply();
    if (r->type == REDIS_REPLY_ERROR && text_of(*r).rfind("NOGROUP", 0) == 0) {
      // The stream or its group went away (deleted, or a server that lost
      // its data): create them again.
      status_->error(std::string(text_of(*r)));
      conn_.reset();
      next_attempt_ns_ = 0;
      return core::poll_result::more();
    }
    check_reply(*r, "cannot read stream '" + cfg_->stream + "'");
    const redisReply* entries = nullptr;
    if (r->type == REDIS_REPLY_ARRAY && r->elements == 1 && r->element[0]->elements == 2)
      entries = r->element[0]->element[1];
    if (!entries || entries->elements == 0) {
      if (reading_pel_) {
        reading_pel_ = false;
        known_.clear();
        return core::poll_result::more();
      }
      return core::poll_result::wait(idle_wait_ns);
    }
    core::batch_builder b(cfg_->output, entries->elements);
    std::vector<stream_id> taken;
    std::vector<stream_id> reack; // delivered before the outage and already handled
    for (std::size_t i = 0; i < entries->elements; ++i) {
      const redisReply& e = *entries->element[i];
      if (e.type != REDIS_REPLY_ARRAY || e.elements != 2) continue;
      const std::string_view id_text = text_of(*e.element[0]);
      const auto id = stream_id::parse(id_text);
      if (!id)
        throw std::runtime_error("redis: stream '" + cfg_->stream + "' returned the id '"
                                 + std::string(id_text) + "'");
      if (reading_pel_) {
        pel_cursor_ = std::string(id_text);
        if (known_.count(*id)) continue; // emitted, waits for its checkpoint
        if (emitted_any_ && *id <= last_emitted_) {
          reack.push_back(*id);
          continue;
        }
      }
      // An entry deleted since it was delivered is listed without fields.
      if (e.element[1]->type == REDIS_REPLY_ARRAY) take(*id, id_text, *e.element[1], b, out);
      taken.push_back(*id);
      if (!emitted_any_ || last_emitted_ < *id) last_emitted_ = *id;
      emitted_any_ = true;
    }
    if (b.rows() > 0) out.emit(0, b.finish());
    ack(reack);
    if (checkpoints_) emitted_.insert(emitted_.end(), taken.begin(), taken.end());
    else ack_due_.insert(ack_due_.end(), taken.begin(), taken.end());
    return core::poll_result::more();
  }

  void take(const stream_id& id, std::string_view id_text, const redisReply& fields,
            core::batch_builder& b, core::emitter& out) {
    const std::size_t row = b.rows();
    bool ok = true;
    if (cfg_->format == entry_format::fields) {
      for (std::size_t c = 0; ok && c < cfg_->payload->size(); ++c) {
        const auto& name = cfg_->payload->at(c).name;
        const redisReply* value = nullptr;
        for (std::size_t f = 0; f + 1 < fields.elements; f += 2)
          if (text_of(*fields.element[f]) == name) value = fields.element[f + 1];
        core::column& col = b.column_at(c);
        if (!value) col.append_null();
        else if (!text::append_parsed(col, text_of(*value))) {
          ok = false;
          reason_ = "field '" + name + "': expected " + std::string(core::name_of(col.type()))
                    + ", got '" + std::string(text_of(*value)).substr(0, 64) + "'";
        }
      }
    } else {
      const redisReply* value = nullptr;
      for (std::size_t f = 0; f + 1 < fields.elements; f += 2)
        if (text_of(*fields.element[f]) == cfg_->payload_field) value = fields.element[f + 1];
      if (!value) {
        ok = false;
        reason_ = "no field '" + cfg_->payload_field + "'";
      } else {
        ok = reader_->read(text_of(*value), b, reason_);
      }
    }
    if (!ok) {
      for (std::size_t c = 0; c < cfg_->payload->size(); ++c) truncate(b.column_at(c), row);
      report(id_text, fields, out);
      return;
    }
    std::size_t c = cfg_->payload->size();
    for (const auto& name : cfg_->metadata) {
      core::column& col = b.column_at(c++);
      if (name == "id") col.append_string(id_text);
      else if (name == "stream") col.append_string(cfg_->stream);
      else col.append_int(static_cast<std::int64_t>(id.ms) * 1000);
    }
  }

  void report(std::string_view id, const redisReply& fields, core::emitter& out) {
    std::string text = "{";
    for (std::size_t f = 0; f + 1 < fields.elements; f += 2) {
      if (f) text += ", ";
      text += '"';
      core::append_json_escaped(text_of(*fields.element[f]), text);
      text += "\": \"";
      core::append_json_escaped(text_of(*fields.element[f + 1]), text);
      text += '"';
    }
    text += "}";
    core::batch_builder eb(error_context_schema(), 1);
    eb.column_at(0).append_string(cfg_->stream);
    eb.column_at(1).append_string(id);
    eb.column_at(2).append_string(std::string_view(text).substr(0, max_error_text));
    auto context = eb.finish();
    out.error(*context, 0,
              "stream '" + cfg_->stream + "' entry " + std::string(id) + ": " + reason_);
  }

  // Acknowledges `ids`; throws link_error (the caller keeps them).
  void ack(const std::vector<stream_id>& ids) {
    const std::size_t n = append_ack(ids);
    for (std::size_t i = 0; i < n; ++i) check_ack(*conn_.reply());
  }

  // Queues the XACK commands of `ids`; how many.
  std::size_t append_ack(const std::vector<stream_id>& ids) {
    std::size_t commands = 0;
    for (std::size_t from = 0; from < ids.size(); from += ack_chunk, ++commands) {
      ack_texts_.clear();
      for (std::size_t i = from; i < std::min(ids.size(), from + ack_chunk); ++i)
        ack_texts_.push_back(ids[i].text());
      std::vector<std::string_view> argv{"XACK", cfg_->stream, cfg_->group};
      argv.insert(argv.end(), ack_texts_.begin(), ack_texts_.end());
      conn_.append(argv);
    }
    return commands;
  }

  void check_ack(const redisReply& r) {
    check_reply(r, "cannot acknowledge entries of '" + cfg_->stream + "'");
  }

  // Acknowledges ack_due_ if connected; what a lost link leaves is
  // acknowledged after the next connect (and is state meanwhile).
  void try_ack() {
    if (!conn_.is_open() || ack_due_.empty()) return;
    try {
      ack(ack_due_);
      ack_due_.clear();
    } catch (const link_error& e) {
      conn_.reset();
      status_->disconnected(e.what());
      next_attempt_ns_ = clock_->now_ns() + backoff_.next_ns();
    }
  }

  const std::shared_ptr<const source_config> cfg_;
  const bool checkpoints_;
  std::shared_ptr<core::clock> clock_;
  std::shared_ptr<core::connector_status> status_;
  const std::string consumer_;
  const std::string block_ = std::to_string(block_ms);
  connect::backoff backoff_;
  std::unique_ptr<source::payload_reader> reader_;
  connection conn_;
  std::string password_;
  bool opened_ = false;
  std::int64_t next_attempt_ns_ = 0;
  bool reading_pel_ = true;
  std::string pel_cursor_ = "0";
  std::set<stream_id> known_; ///< while reading the PEL: emitted, awaiting a checkpoint
  stream_id last_emitted_;
  bool emitted_any_ = false;
  std::vector<stream_id> emitted_;                         ///< since the last barrier
  std::map<std::uint64_t, std::vector<stream_id>> sealed_; ///< per checkpoint, not complete
  std::vector<stream_id> ack_due_;                         ///< to acknowledge now
  std::string reason_;
  std::vector<std::string> ack_texts_;
};

source_config read_config(const core::params& p, const core::bind_context& ctx) {
  source_config c;
  c.params = std::make_shared<const core::params>(p);
  c.url = parse_url("url", p.string("url"));
  c.stream = p.string("stream");
  if (c.stream.empty()) throw core::param_error("stream", "must not be empty");
  c.group = p.has("group") ? p.string("group") : "sluice-" + ctx.node_id;
  if (c.group.empty()) throw core::param_error("group", "must not be empty");
  c.consumer = p.has("consumer")     ? p.string("consumer")
               : ctx.node_id.empty() ? std::string("sluice")
                                     : ctx.node_id;
  if (c.consumer.empty()) throw core::param_error("consumer", "must not be empty");
  c.earliest = p.string("start") == "earliest";
  const std::string format = p.string("format");
  c.format = format == "json"  ? entry_format::json
             : format == "csv" ? entry_format::csv
             : format == "raw" ? entry_format::raw
                               : entry_format::fields;
  c.payload_field = p.string("payload_field");
  if (c.payload_field.empty()) throw core::param_error("payload_field", "must not be empty");
  core::schema_ptr schema =
    p.has("schema") ? source::parse_schema_param(p.json("schema")) : nullptr;
  if (c.format == entry_format::fields) {
    if (!schema || schema->size() == 0)
      throw core::param_error("schema", "format 'fields' needs a schema: the entry fields to read");
    c.payload = schema;
  } else {
    c.payload = source::payload_schema(source::parse_payload_format(format), schema);
  }
  c.metadata = p.strings("metadata");
  std::vector<core::field> fields = c.payload->fields();
  for (const auto& name : c.metadata) {
    auto known = std::find_if(metadata_fields().begin(), metadata_fields().end(),
                              [&](const auto& f) { return f.first == name; });
    if (known == metadata_fields().end())
      throw core::param_error("metadata", "unknown field '" + name + "': id, stream or time");
    fields.push_back({name, known->second});
  }
  std::set<std::string> names;
  for (const auto& f : fields)
    if (!names.insert(f.name).second)
      throw core::param_error("metadata",
                              "field '" + f.name + "' would appear twice: the schema has it too");
  c.backoff_ns = p.duration("reconnect_backoff") * 1000;
  c.backoff_max_ns = p.duration("reconnect_backoff_max") * 1000;
  c.output = core::make_schema(std::move(fields));
  return c;
}

} // namespace

core::descriptor redis_source_descriptor() {
  using core::param_type;
  core::descriptor d;
  d.kind = "source.redis";
  d.category = "source";
  d.blocking_io = true;
  d.summary = "Reads a Redis stream through a consumer group; entries are acknowledged when the "
              "checkpoint covering them completes (exactly-once with checkpoints)";
  d.outputs = {{"out", "the entry's fields (or its payload's), then the metadata asked for"}};
  d.properties = connection_properties();
  const std::vector<prop> own = {
    prop("stream", param_type::string, "the stream's key").required().shapes_state(),
    prop("group", param_type::string,
         "the consumer group (default sluice-<node id>); created at `start` when missing")
      .shapes_state(),
    prop("consumer", param_type::string,
         "consumer name (default the node id); instance i reads as <consumer>-<i>")
      .shapes_state(),
    prop("start", param_type::choice,
         "where a group that does not exist yet starts: earliest (the whole stream) or latest "
         "(entries added from now on)")
      .def("latest")
      .choices({"earliest", "latest"}),
    prop("format", param_type::choice,
         "fields: the entry's fields are the record's (text converted to the schema's types); "
         "json, csv, raw: the entry field `payload_field` holds one JSON object, CSV record or "
         "raw string")
      .def("fields")
      .choices({"fields", "json", "csv", "raw"}),
    prop("payload_field", param_type::string, "json, csv, raw: the entry field holding the payload")
      .def("value"),
    prop("schema", param_type::json,
         "field name -> int | double | bool | string | timestamp (or an array of \"name:type\"); "
         "required but for raw"),
    prop("metadata", param_type::string_list,
         "entry metadata to add as fields: id (the entry id), stream (its key), time (the id's "
         "milliseconds as a timestamp)")
      .def(nlohmann::json::array({"id"})),
  };
  d.properties.insert(d.properties.end(), own.begin(), own.end());
  d.bind = [](const core::params& p, const core::bind_context& ctx) -> core::bound_ptr {
    auto cfg = std::make_shared<const source_config>(read_config(p, ctx));
    return bound({cfg->output}, [cfg](const core::operator_context& c) {
      return std::make_unique<redis_source>(cfg, c);
    });
  };
  return d;
}

} // namespace sluice::ops::redis
