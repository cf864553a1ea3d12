// `sink.mqtt`: publishes every record as one message (json, csv or raw) to
// `topic`, which may name fields of the record (`alerts/{device}`).
//
// Flow: at most `max_inflight` messages are published and not yet
// acknowledged (PUBACK, PUBCOMP; QoS 0: written to the socket). When that
// many are out — the broker is slow or away — on_batch waits (in steps of
// 100 ms), which holds its input back and so, through credit, the sources:
// memory stays bounded.
// Session: persistent (clean_session false), and libmosquitto keeps the
// messages it has not had acknowledged and sends them again when it
// reconnects, so at QoS 1/2 a broker outage loses nothing: at-least-once
// (QoS 1 may deliver a message twice around an outage; QoS 2 does not
// within one session). QoS 0 is at-most-once.
// Without checkpoints records are published as they come; at end of stream
// the sink waits until every message is acknowledged.
// With checkpoints: records are held (the sink's state, staged_rows) until
// the checkpoint that covers them completes, then published, and
// checkpoint_complete returns once the broker acknowledged them. MQTT has
// no transactions: a crash after a checkpoint completed and before its
// messages were all acknowledged publishes them again on resume
// (at-least-once, never lost).
// A record whose topic renders to an invalid topic ('+' or '#' in a field,
// empty) or whose payload is too large goes to `errors`; a refused login
// fails the run.

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "sluice/core/params.hpp"
#include "sluice/core/record_format.hpp"
#include "sluice/core/state.hpp"
#include "sluice/ops/connect/record_template.hpp"
#include "sluice/ops/mqtt/mqtt_client.hpp"
#include "sluice/ops/sink/staged_rows.hpp"

namespace sluice::ops::mqtt {

namespace {

using core::value_type;

enum class sink_format { json, csv, raw };

struct sink_config {
  client_settings client;
  connect::record_template topic;
  std::string topic_text;
  bool retain = false;
  sink_format format = sink_format::json;
  std::size_t max_inflight = 100;
  core::schema_ptr input;
};

class mqtt_sink final : public core::sink_operator {
public:
  mqtt_sink(std::shared_ptr<const sink_config> cfg, const core::operator_context& ctx)
    : cfg_(std::move(cfg)), status_(ctx.connector), two_phase_(ctx.checkpoints) {
    const std::size_t n = std::max<std::size_t>(1, ctx.parallelism);
    const std::string base =
      cfg_->client.client_id.empty() ? "sluice-" + ctx.node_id : cfg_->client.client_id;
    client_id_ =
      cfg_->client.client_id.empty() || n > 1 ? base + "-" + std::to_string(ctx.instance) : base;
    if (cfg_->topic.constant()) topic_ = cfg_->topic_text;
  }

  ~mqtt_sink() override { close(); }

  void open() override {
    if (client_) return;
    client::callbacks cb;
    cb.published = [this](int) { acknowledged(); };
    client_ = std::make_unique<client>(cfg_->client, client_id_, status_, std::move(cb));
    mosquitto_int_option(client_->handle(), MOSQ_OPT_SEND_MAXIMUM,
                         static_cast<int>(cfg_->max_inflight));
    client_->start();
    if (restored_ && !staged_.nothing_sealed()) {
      // The checkpoint we resume from completed; its messages may not all
      // have reached the broker: publish them again (at-least-once).
      for (const auto& b : staged_.sealed_up_to(staged_.last_sealed())) publish(*b, nullptr);
      drain();
      staged_.drop_up_to(staged_.last_sealed());
    }
  }

  void close() override {
    if (client_) client_->stop();
    client_.reset();
  }

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
    if (!client_) open();
    if (two_phase_) {
      if (!ended_) staged_.add(b);
      return;
    }
    publish(*b, &out);
  }

  void on_end_of_stream(core::emitter& out) override {
    if (two_phase_ && !ended_) {
      ended_ = true;
      for (const auto& b : staged_.all()) publish(*b, &out);
      staged_.clear();
    }
    drain();
  }

  void prepare_checkpoint(std::uint64_t id) override {
    if (two_phase_ && !ended_) staged_.seal(id);
  }

  void checkpoint_complete(std::uint64_t id) override {
    if (!two_phase_ || ended_ || !client_) return;
    auto rows = staged_.sealed_up_to(id);
    if (rows.empty()) return;
    for (const auto& b : rows) publish(*b, nullptr);
    drain();
    staged_.drop_up_to(id);
  }

private:
  // `out` is null where no record can be reported (a checkpoint's commit,
  // a resume): a record that cannot be published then fails the run.
  void publish(const core::batch& b, core::emitter* out) {
    for (std::size_t r = 0; r < b.rows(); ++r) {
      if (!cfg_->topic.constant()) {
        topic_.clear();
        cfg_->topic.render(b, r, topic_);
      }
      payload_.clear();
      encode(b, r);
      for (;;) {
        wait_for_room();
        {
          std::lock_guard lock(mutex_);
          ++outstanding_;
        }
        const int rc = mosquitto_publish(client_->handle(), nullptr, topic_.c_str(),
                                         static_cast<int>(payload_.size()), payload_.data(),
                                         cfg_->client.qos, cfg_->retain);
        // QoS 1/2: queued even without a connection, sent on reconnect.
        if (rc == MOSQ_ERR_SUCCESS || (rc == MOSQ_ERR_NO_CONN && cfg_->client.qos > 0)) break;
        acknowledged();               // not taken: no acknowledgement will come
        if (rc == MOSQ_ERR_NO_CONN) { // QoS 0: wait for the broker
          wait_connected();
          continue;
        }
        const std::string why = error_text("cannot publish to topic '" + topic_ + "'", rc);
        if (!out) throw std::runtime_error(why);
        out->error(b, r, why);
        break;
      }
    }
  }

  void encode(const core::batch& b, std::size_t r) {
    switch (cfg_->format) {
      case sink_format::json: core::append_json_record(b, r, payload_); break;
      case sink_format::csv:
        core::append_csv_record(b, r, payload_);
        if (!payload_.empty() && payload_.back() == '\n') payload_.pop_back();
        if (!payload_.empty() && payload_.back() == '\r') payload_.pop_back();
        break;
      case sink_format::raw:
        if (!b.col(0).is_null(r)) payload_.append(b.col(0).string_at(r));
        break;
    }
  }

  void check() {
    if (auto fatal = client_->fatal(); !fatal.empty()) throw std::runtime_error(fatal);
  }

  // Bounded waits, so a stop or a fatal error is seen within 100 ms.
  void wait_for_room() {
    std::unique_lock lock(mutex_);
    while (outstanding_ >= cfg_->max_inflight) {
      lock.unlock();
      check();
      lock.lock();
      acked_.wait_for(lock, std::chrono::milliseconds(100));
    }
  }

  void wait_connected() {
    while (!client_->connected()) {
      check();
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  }

  // Until every message published is acknowledged.
  void drain() {
    std::unique_lock lock(mutex_);
    while (outstanding_ > 0) {
      lock.unlock();
      check();
      lock.lock();
      acked_.wait_for(lock, std::chrono::milliseconds(100));
    }
  }

  void acknowledged() {
    {
      std::lock_guard lock(mutex_);
      if (outstanding_ > 0) --outstanding_;
    }
    acked_.notify_all();
  }

  const std::shared_ptr<const sink_config> cfg_;
  std::shared_ptr<core::connector_status> status_;
  const bool two_phase_;
  std::string client_id_;
  std::unique_ptr<client> client_;
  sink::staged_rows staged_; ///< with checkpoints: records not published yet
  bool restored_ = false, ended_ = false;
  std::mutex mutex_;
  std::condition_variable acked_;
  std::size_t outstanding_ = 0; ///< published, not acknowledged
  std::string topic_, payload_;
};

} // namespace

core::descriptor mqtt_sink_descriptor() {
  using core::param_type;
  core::descriptor d;
  d.kind = "sink.mqtt";
  d.category = "sink";
  d.blocking_io = true;
  d.summary = "Publishes records to MQTT, one message each, to a topic that may name fields "
              "(alerts/{device}); at-least-once at QoS 1/2";
  d.inputs = {{"in", "records to publish, any schema"}};
  d.properties = {
    prop("topic", param_type::string,
         "the topic to publish to; {field} puts a field's value in (\"alerts/{device}\")")
      .required(),
    prop("retain", param_type::boolean,
         "publish retained messages (the broker keeps the last one per topic for new "
         "subscribers)")
      .def(false),
    prop("format", param_type::choice,
         "json: the record as one object; csv: one record, no header; raw: the bytes of the "
         "record's single string field")
      .def("json")
      .choices({"json", "csv", "raw"}),
    prop("max_inflight", param_type::integer,
         "messages published and not yet acknowledged, at most; beyond that the sink waits")
      .def(100)
      .min(1)
      .max(65535),
  };
  for (auto& p : client_properties("quality of service: 0 at most once, 1 at least once, 2 "
                                   "exactly once between the sink and the broker"))
    d.properties.push_back(p);
  d.bind = [](const core::params& p, const core::bind_context& ctx) -> core::bound_ptr {
    auto cfg = std::make_shared<sink_config>();
    cfg->client = read_client_settings(p);
    cfg->input = input_schema(ctx, 0, "in");
    cfg->topic_text = p.string("topic");
    if (cfg->topic_text.empty()) throw core::param_error("topic", "must not be empty");
    if (cfg->topic_text.find_first_of("+#") != std::string::npos)
      throw core::param_error("topic", "wildcards ('+', '#') are for subscribing; a message "
                                       "goes to one topic");
    cfg->topic = connect::record_template("topic", cfg->topic_text, *cfg->input);
    if (cfg->topic.constant()
        && mosquitto_pub_topic_check(cfg->topic_text.c_str()) != MOSQ_ERR_SUCCESS)
      throw core::param_error("topic", "'" + cfg->topic_text + "' is not a valid topic");
    cfg->retain = p.boolean("retain");
    const std::string format = p.string("format");
    cfg->format = format == "csv"   ? sink_format::csv
                  : format == "raw" ? sink_format::raw
                                    : sink_format::json;
    if (cfg->format == sink_format::raw
        && (cfg->input->size() != 1 || cfg->input->at(0).type != value_type::string))
      throw core::param_error("format", "raw publishes a record of one string field; the input "
                                        "is ("
                                          + cfg->input->to_string() + ")");
    cfg->max_inflight = static_cast<std::size_t>(p.integer("max_inflight"));
    std::shared_ptr<const sink_config> shared = cfg;
    return bound({}, [shared](const core::operator_context& c) {
      return std::make_unique<mqtt_sink>(shared, c);
    });
  };
  return d;
}

} // namespace sluice::ops::mqtt
