// `sink.kafka`: writes every record as one message to `topic`, keyed by the
// `key` field if given (so a key's records keep their order in one
// partition), as JSON, CSV or the raw bytes of a one-string-field record.
//
// The producer is idempotent (acks=all, no duplicates or reordering from
// its own retries). While the brokers are away librdkafka keeps the
// messages and retries (its `message.timeout.ms`, default 5 min, says for
// how long); when its queue is full the sink waits, and so backpressure
// stops the sources. A message Kafka finally refuses fails the run: nothing
// is dropped silently.
// With checkpoints: exactly-once through Kafka transactions. Records are
// held (as the sink's state, so a checkpoint holds them) until the
// checkpoint that covers them completes; then they are written in one
// transaction together with a marker, keyed by the instance's
// transactional id, whose value is the checkpoint id, in `commit_topic`
// (the sink's bookkeeping, as sink.sqlite keeps a table; compact that
// topic). Resumed after a crash, the sink reads its newest marker back and
// commits again only what Kafka does not hold yet. Consumers see the
// records once their transaction commits (isolation.level=read_committed),
// so output trails by a checkpoint interval. `transactional.id` is
// "sluice-<node>-<instance>" (the `transactional_id` param replaces
// "sluice-<node>"): one run at a time may use it, and a restarted run fences
// the one it replaces.

#include <cstdlib>
#include <map>
#include <memory>
#include <set>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "sluice/core/params.hpp"
#include "sluice/core/record_format.hpp"
#include "sluice/core/state.hpp"
#include "sluice/ops/kafka/kafka_client.hpp"
#include "sluice/ops/sink/staged_rows.hpp"

namespace sluice::ops::kafka {

namespace {

using core::value_type;

enum class sink_format { json, csv, raw };

struct sink_config {
  client_settings client;
  std::string topic;
  int key = -1; ///< field index, or -1
  sink_format format = sink_format::json;
  std::string transactional_id; ///< the instance number is appended
  std::string commit_topic;     ///< where each transaction records its checkpoint
  core::schema_ptr input;
};

constexpr int flush_step_ms = 100;

/// Idempotent delivery, acknowledged by every in-sync replica.
const std::map<std::string, std::string>& producer_settings() {
  static const std::map<std::string, std::string> s = {{"enable.idempotence", "true"},
                                                       {"acks", "all"}};
  return s;
}

class kafka_sink final : public core::sink_operator {
public:
  kafka_sink(std::shared_ptr<const sink_config> cfg, const core::operator_context& ctx)
    : cfg_(std::move(cfg)), two_phase_(ctx.checkpoints),
      transactional_id_(cfg_->transactional_id + "-" + std::to_string(ctx.instance)),
      status_(ctx.connector) {}
  ~kafka_sink() override { destroy(); }

  void open() override {
    auto settings = producer_settings();
    if (two_phase_) settings["transactional.id"] = transactional_id_;
    auto conf = make_conf(cfg_->client, settings);
    report_errors_to(conf.get(), status_.get());
    rd_kafka_conf_set_dr_msg_cb(conf.get(), &kafka_sink::delivered);
    char err[512];
    rk_ = rd_kafka_new(RD_KAFKA_PRODUCER, conf.get(), err, sizeof err);
    if (!rk_) throw std::runtime_error(std::string("kafka: cannot create a producer: ") + err);
    conf.release();
    if (!two_phase_) return;
    // Fences an older producer of the same id and aborts what it left open.
    retry_txn("start transactions", [&] { return rd_kafka_init_transactions(rk_, 30000); });
    if (restored_) recover();
  }

  // With checkpoints the state is the records held back (staged_rows).
  std::uint32_t state_version() const override { return two_phase_ ? 1 : 0; }
  void snapshot(core::state_writer& w) const override { staged_.snapshot(w); }
  void restore(core::state_reader& r) override {
    staged_.restore(r, *cfg_->input);
    restored_ = true;
  }

  void close() override {
    // Without end of stream (a failure, a kill, a savepoint) whatever is
    // still queued is given a short chance only; a checkpoint covers
    // nothing that was not acknowledged.
    if (rk_) rd_kafka_flush(rk_, 1000);
    destroy();
  }

  void on_batch(std::size_t, const core::batch_ptr& b, core::emitter&) override {
    if (!rk_) open();
    if (two_phase_) {
      if (!ended_) staged_.add(b);
      return;
    }
    send(*b);
  }

  void on_end_of_stream(core::emitter&) override {
    if (!two_phase_) {
      flush_all();
      return;
    }
    if (!rk_ || ended_) return;
    ended_ = true;
    commit(staged_.all(), std::max(committed_, staged_.last_sealed()));
    staged_.clear();
  }

  void prepare_checkpoint(std::uint64_t id) override {
    if (!two_phase_) flush_all();
    else if (!ended_) staged_.seal(id);
  }

  void checkpoint_complete(std::uint64_t id) override {
    if (!two_phase_ || !rk_ || ended_) return;
    auto rows = staged_.sealed_up_to(id);
    if (rows.empty()) return;
    commit(rows, id);
    staged_.drop_up_to(id);
  }

private:
  void send(const core::batch& b) {
    for (std::size_t r = 0; r < b.rows(); ++r) {
      value_.clear();
      encode(b, r);
      std::string_view key;
      bool has_key = false;
      if (cfg_->key >= 0 && !b.col(static_cast<std::size_t>(cfg_->key)).is_null(r)) {
        key_.clear();
        key_text(b.col(static_cast<std::size_t>(cfg_->key)), r, key_);
        key = key_;
        has_key = true;
      }
      produce_to(cfg_->topic, key, has_key);
    }
    check_failure();
  }

  // One transaction: the rows, and the marker of checkpoint `id`. A
  // transaction Kafka makes us abort (a broker lost it) is written again
  // whole.
  void commit(const std::vector<core::batch_ptr>& rows, std::uint64_t id) {
    for (;;) {
      retry_txn("begin a transaction", [&] { return rd_kafka_begin_transaction(rk_); });
      for (const auto& b : rows) send(*b);
      value_ = std::to_string(id);
      produce_to(cfg_->commit_topic, transactional_id_, true);
      if (retry_txn(
            "commit checkpoint " + std::to_string(id),
            [&] { return rd_kafka_commit_transaction(rk_, 30000); }, true))
        break;
      retry_txn("abort a transaction", [&] { return rd_kafka_abort_transaction(rk_, 30000); });
    }
    committed_ = std::max(committed_, id);
  }

  // Calls `step` until it succeeds, again while Kafka says it may (brokers
  // away); false if the transaction must be aborted (when `abortable`);
  // throws on a fatal error.
  template <class Step>
  bool retry_txn(const std::string& what, Step step, bool abortable = false) {
    for (;;) {
      rd_kafka_error_t* e = step();
      if (!e) return true;
      const std::string text = rd_kafka_error_string(e);
      const bool retriable = rd_kafka_error_is_retriable(e);
      const bool abort = rd_kafka_error_txn_requires_abort(e);
      rd_kafka_error_destroy(e);
      if (retriable) continue;
      if (abort && abortable) return false;
      throw std::runtime_error("kafka: cannot " + what + " (topic '" + cfg_->topic + "'): " + text);
    }
  }

  // After restore(): which checkpoint Kafka holds, then commit what it
  // does not (the checkpoint was complete, its commit may not have been).
  void recover() {
    committed_ = committed_checkpoint();
    const std::uint64_t m = staged_.last_sealed();
    if (committed_ > m)
      throw std::runtime_error(
        "cannot resume sink.kafka from checkpoint " + std::to_string(m) + ": topic '" + cfg_->topic
        + "' already holds the records of its checkpoint " + std::to_string(committed_)
        + ", a later one, and writing them again would duplicate them (resume from the newest "
          "checkpoint, or start afresh)");
    staged_.drop_up_to(committed_);
    if (staged_.nothing_sealed()) return;
    commit(staged_.sealed_up_to(m), m);
    staged_.drop_up_to(m);
  }

  // The newest checkpoint id this instance's committed transactions
  // recorded in the commit topic (0: none, or no such topic yet).
  std::uint64_t committed_checkpoint() {
    // Read to each partition's end (control records of transactions have
    // offsets too, so the end is the EOF event, not the high watermark).
    auto conf = make_conf(cfg_->client, {{"group.id", transactional_id_},
                                         {"isolation.level", "read_committed"},
                                         {"enable.auto.commit", "false"},
                                         {"enable.partition.eof", "true"}});
    char err[512];
    rd_kafka_t* c = rd_kafka_new(RD_KAFKA_CONSUMER, conf.get(), err, sizeof err);
    if (!c) throw std::runtime_error(std::string("kafka: cannot create a consumer: ") + err);
    conf.release();
    rd_kafka_poll_set_consumer(c);
    std::unique_ptr<rd_kafka_t, void (*)(rd_kafka_t*)> consumer(c, rd_kafka_destroy);
    const char* topic = cfg_->commit_topic.c_str();
    const rd_kafka_metadata_t* md = nullptr;
    rd_kafka_topic_t* t = rd_kafka_topic_new(c, topic, nullptr);
    rd_kafka_resp_err_t e;
    while ((e = rd_kafka_metadata(c, 0, t, &md, 10000)) == RD_KAFKA_RESP_ERR__TIMED_OUT
           || e == RD_KAFKA_RESP_ERR__TRANSPORT) {}
    rd_kafka_topic_destroy(t);
    if (e != RD_KAFKA_RESP_ERR_NO_ERROR)
      throw std::runtime_error(error_text("cannot look up topic '" + cfg_->commit_topic + "'", e));
    std::vector<std::pair<std::int32_t, std::int64_t>> ends; ///< partition, high watermark
    if (md->topic_cnt == 1 && md->topics[0].err == RD_KAFKA_RESP_ERR_NO_ERROR)
      for (int p = 0; p < md->topics[0].partition_cnt; ++p)
        ends.push_back({md->topics[0].partitions[p].id, 0});
    rd_kafka_metadata_destroy(md);
    topic_list_ptr list(rd_kafka_topic_partition_list_new(1));
    std::size_t left = 0;
    for (auto& [partition, end] : ends) {
      std::int64_t low = 0;
      e = rd_kafka_query_watermark_offsets(c, topic, partition, &low, &end, 10000);
      if (e != RD_KAFKA_RESP_ERR_NO_ERROR)
        throw std::runtime_error(error_text("cannot read topic '" + cfg_->commit_topic + "'", e));
      if (end > low) {
        rd_kafka_topic_partition_list_add(list.get(), topic, partition)->offset = low;
        ++left;
      }
    }
    std::uint64_t newest = 0;
    if (left == 0) return 0;
    rd_kafka_assign(c, list.get());
    std::set<std::int32_t> done;
    while (done.size() < left) {
      message_ptr m(rd_kafka_consumer_poll(c, 1000));
      if (!m) continue;
      if (m->err) {
        if (m->err == RD_KAFKA_RESP_ERR__PARTITION_EOF) done.insert(m->partition);
        continue;
      }
      if (m->key
          && std::string_view(static_cast<const char*>(m->key), m->key_len) == transactional_id_) {
        const std::string v(static_cast<const char*>(m->payload), m->len);
        newest = std::max<std::uint64_t>(newest, std::strtoull(v.c_str(), nullptr, 10));
      }
    }
    return newest;
  }

  void encode(const core::batch& b, std::size_t r) {
    switch (cfg_->format) {
      case sink_format::json: core::append_json_record(b, r, value_); break;
      case sink_format::csv:
        core::append_csv_record(b, r, value_);
        if (!value_.empty() && value_.back() == '\n') value_.pop_back();
        break;
      case sink_format::raw:
        if (!b.col(0).is_null(r)) value_.append(b.col(0).string_at(r));
        break;
    }
  }

  // A key is its value's text: strings as they are, others as in JSON.
  static void key_text(const core::column& c, std::size_t r, std::string& out) {
    if (c.type() == value_type::string) {
      out.append(c.string_at(r));
      return;
    }
    auto schema = core::make_schema({{"k", c.type()}});
    core::batch_builder one(schema, 1);
    one.column_at(0).append_from(c, r);
    std::string json;
    core::append_json_record(*one.finish(), 0, json);
    out.append(json.substr(5, json.size() - 6)); // {"k":VALUE}
  }

  void produce_to(const std::string& topic, std::string_view key, bool has_key) {
    for (;;) {
      const rd_kafka_resp_err_t err = rd_kafka_producev(
        rk_, RD_KAFKA_V_TOPIC(topic.c_str()), RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
        RD_KAFKA_V_VALUE(const_cast<char*>(value_.data()), value_.size()),
        RD_KAFKA_V_KEY(has_key ? key.data() : nullptr, has_key ? key.size() : 0),
        RD_KAFKA_V_OPAQUE(this), RD_KAFKA_V_END);
      if (err == RD_KAFKA_RESP_ERR_NO_ERROR) return;
      if (err != RD_KAFKA_RESP_ERR__QUEUE_FULL)
        throw std::runtime_error(error_text("cannot write to topic '" + topic + "'", err));
      // The queue is full (brokers slow or away): wait here, which holds
      // the input back, and so the sources.
      rd_kafka_poll(rk_, flush_step_ms);
      check_failure();
    }
  }

  void flush_all() {
    if (!rk_) return;
    while (rd_kafka_outq_len(rk_) > 0) {
      rd_kafka_flush(rk_, flush_step_ms);
      check_failure();
    }
    check_failure();
  }

  void check_failure() {
    rd_kafka_poll(rk_, 0);
    if (!failure_.empty()) throw std::runtime_error(failure_);
  }

  static void delivered(rd_kafka_t*, const rd_kafka_message_t* m, void*) {
    auto* self = static_cast<kafka_sink*>(m->_private); // RD_KAFKA_V_OPAQUE
    if (!self) return;
    if (!m->err) self->status_->connected();
    else self->status_->error(error_text("delivery to '" + self->cfg_->topic + "'", m->err));
    if (m->err && self->failure_.empty())
      self->failure_ =
        error_text("a message to topic '" + self->cfg_->topic + "' was refused", m->err);
  }

  void destroy() {
    if (!rk_) return;
    rd_kafka_destroy(rk_);
    rk_ = nullptr;
  }

  const std::shared_ptr<const sink_config> cfg_;
  const bool two_phase_;
  const std::string transactional_id_;
  const std::shared_ptr<core::connector_status> status_;
  sink::staged_rows staged_; ///< with checkpoints: records not committed yet
  bool restored_ = false, ended_ = false;
  std::uint64_t committed_ = 0; ///< the newest checkpoint Kafka holds
  rd_kafka_t* rk_ = nullptr;
  std::string value_, key_;
  std::string failure_; ///< set by the delivery callback (same thread: poll/flush)
};

} // namespace

core::descriptor kafka_sink_descriptor() {
  using core::param_type;
  core::descriptor d;
  d.kind = "sink.kafka";
  d.category = "sink";
  d.blocking_io = true;
  d.summary = "Writes records to a Kafka topic with the idempotent producer; exactly-once with "
              "checkpoints (Kafka transactions committed with each checkpoint)";
  d.inputs = {{"in", "records to write, any schema"}};
  d.properties = {
    brokers_property(),
    prop("topic", param_type::string, "the topic to write to").required(),
    prop("key", param_type::field,
         "field whose value is the message key (a key's records stay in order in one "
         "partition); absent: no key"),
    prop("format", param_type::choice,
         "json: one object per message; csv: one record per message; raw: the bytes of the "
         "record's single string field")
      .def("json")
      .choices({"json", "csv", "raw"}),
    prop("transactional_id", param_type::string,
         "with checkpoints: the transactional.id prefix (default sluice-<node id>; the "
         "instance number is appended)"),
    prop("commit_topic", param_type::string,
         "with checkpoints: the topic where each transaction records its checkpoint, keyed by "
         "transactional id (best compacted)")
      .def("_sluice_commits"),
    properties_property(),
  };
  d.bind = [](const core::params& p, const core::bind_context& ctx) -> core::bound_ptr {
    auto cfg = std::make_shared<sink_config>();
    cfg->client = read_client_settings(p);
    auto fixed = producer_settings();
    fixed["transactional.id"] = "-";
    make_conf(cfg->client, fixed, false);
    cfg->topic = p.string("topic");
    if (cfg->topic.empty()) throw core::param_error("topic", "must not be empty");
    cfg->input = input_schema(ctx, 0, "in");
    const std::string format = p.string("format");
    cfg->format = format == "csv"   ? sink_format::csv
                  : format == "raw" ? sink_format::raw
                                    : sink_format::json;
    if (cfg->format == sink_format::raw
        && (cfg->input->size() != 1 || cfg->input->at(0).type != value_type::string))
      throw core::param_error("format", "raw writes a record of one string field; the input is ("
                                          + cfg->input->to_string() + ")");
    if (p.has("key")) {
      const std::string key = p.string("key");
      cfg->key = cfg->input->index_of(key);
      if (cfg->key < 0)
        throw core::param_error("key", "no field '" + key + "' in the input ("
                                         + cfg->input->to_string() + ")");
    }
    cfg->transactional_id =
      p.has("transactional_id") ? p.string("transactional_id") : "sluice-" + ctx.node_id;
    if (cfg->transactional_id.empty())
      throw core::param_error("transactional_id", "must not be empty");
    cfg->commit_topic = p.string("commit_topic");
    if (cfg->commit_topic.empty() || cfg->commit_topic == cfg->topic)
      throw core::param_error("commit_topic", "must name a topic of its own");
    std::shared_ptr<const sink_config> shared = cfg;
    return bound({}, [shared](const core::operator_context& c) {
      return std::make_unique<kafka_sink>(shared, c);
    });
  };
  return d;
}

} // namespace sluice::ops::kafka
