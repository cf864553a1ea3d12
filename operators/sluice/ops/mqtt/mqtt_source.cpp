// `source.mqtt`: subscribes to one or more MQTT topic filters (`+` and `#`
// wildcards) and reads every message as one record (json, csv or raw), with
// the topic it came on as the field `topic`.
//
// Session: the client id names a persistent session (clean_session false),
// so the broker keeps the subscriptions and queues QoS 1/2 messages while
// Sluice is away (restarting, or its link down) and delivers them when it
// comes back. With parallelism > 1 the instances share the subscription
// ($share/<client id>/<filter>), so each message goes to one of them.
// Flow: libmosquitto's thread (mosquitto_loop_start) puts messages into a
// bounded queue (max_queued); poll() takes them out. When the queue is full
// the callback waits, so libmosquitto stops reading the socket and the
// broker holds the rest (its in-flight window, then its session queue).
// Guarantee: libmosquitto acknowledges a QoS 1/2 message when it is handed
// to the callback, before poll() emits it; the broker then forgets it. With
// checkpoints the callback first appends the message to the instance's
// spool (connect::spool, in the checkpoint directory): libmosquitto's
// thread writes the PUBACK to the socket only after the callback returns,
// so every acknowledged message is on disk. The source's state is the seq
// of the last message it emitted; a resumed run replays the spool after
// it, and a complete checkpoint releases what it covers. So a crash loses
// nothing at QoS 1/2 (a message whose PUBACK was not sent comes again from
// the broker). Without checkpoints the queue is memory only: across broker
// outages delivery is at-least-once (QoS 1), but what is queued (up to
// max_queued) is lost if the process dies.
// Outages: libmosquitto's thread reconnects (from reconnect_backoff, growing
// up to reconnect_backoff_max, in whole seconds: mqtt_client.hpp); meanwhile
// poll() waits and the connector status says down. A refused login fails
// the run.
// A payload that does not parse goes to `errors` with its topic.

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <iterator>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <vector>

#include "sluice/core/params.hpp"
#include "sluice/core/state.hpp"
#include "sluice/ops/connect/spool.hpp"
#include "sluice/ops/mqtt/mqtt_client.hpp"
#include "sluice/ops/source/payload_reader.hpp"
#include "sluice/ops/source/schema_inference.hpp"

namespace sluice::ops::mqtt {

namespace {

using core::value_type;

constexpr std::size_t max_batch = 4096;
constexpr std::size_t max_error_text = 4096;
constexpr std::int64_t idle_wait_ns = 5000000; // 5 ms

struct source_config {
  client_settings client;
  std::vector<std::string> topics;
  source::payload_format format = source::payload_format::json;
  core::schema_ptr payload;
  std::size_t max_queued = 10000;
  std::string node_id;
  core::schema_ptr output;
};

const core::schema_ptr& error_context_schema() {
  static const core::schema_ptr s =
    core::make_schema({{"topic", value_type::string}, {"text", value_type::string}});
  return s;
}

struct message {
  std::string topic, payload;
  std::uint64_t seq = 0; ///< in the spool; 0 without one
};

class mqtt_source final : public core::source_operator {
public:
  mqtt_source(std::shared_ptr<const source_config> cfg, const core::operator_context& ctx)
    : cfg_(std::move(cfg)), status_(ctx.connector), reader_(cfg_->format, cfg_->payload),
      spool_dir_(ctx.spool_dir) {
    const std::size_t n = std::max<std::size_t>(1, ctx.parallelism);
    const std::string base =
      cfg_->client.client_id.empty() ? "sluice-" + ctx.node_id : cfg_->client.client_id;
    client_id_ =
      cfg_->client.client_id.empty() || n > 1 ? base + "-" + std::to_string(ctx.instance) : base;
    for (const auto& t : cfg_->topics) filters_.push_back(n > 1 ? "$share/" + base + "/" + t : t);
  }

  ~mqtt_source() override { close(); }

  void open() override {
    if (client_) return;
    if (!spool_dir_.empty() && !spool_) {
      try {
        spool_ = std::make_unique<connect::spool>(spool_dir_);
      } catch (const connect::spool_error& e) {
        throw std::runtime_error(std::string("source.mqtt: ") + e.what());
      }
      spool_->start_after(emitted_seq_);
      replaying_ = true;
    }
    client::callbacks cb;
    cb.connected = [this](client& c) { return subscribe(c); };
    cb.message = [this](const mosquitto_message& m) { take(m); };
    client_ = std::make_unique<client>(cfg_->client, client_id_, status_, std::move(cb));
    client_->start();
  }

  void close() override {
    {
      std::lock_guard lock(mutex_);
      stopping_ = true;
    }
    space_.notify_all();
    if (client_) client_->stop();
    client_.reset();
  }

  std::uint32_t state_version() const override { return 1; }

  // The seq of the last spooled message emitted (0 without a spool).
  void snapshot(core::state_writer& w) const override { w.u64(emitted_seq_); }
  void restore(core::state_reader& r) override { emitted_seq_ = r.u64(); }

  void prepare_checkpoint(std::uint64_t id) override {
    if (spool_) spool_->seal(id, emitted_seq_);
  }

  void checkpoint_complete(std::uint64_t id) override {
    if (spool_) spool_->checkpoint_complete(id);
  }

  core::poll_result poll(core::emitter& out, std::size_t budget) override {
    if (!client_) open();
    if (auto fatal = client_->fatal(); !fatal.empty()) throw std::runtime_error(fatal);
    const std::size_t limit = std::max<std::size_t>(1, std::min(budget, max_batch));
    if (replaying_) replay(limit);
    if (taken_.empty()) {
      std::lock_guard lock(mutex_);
      if (!spool_failure_.empty()) throw std::runtime_error(spool_failure_);
      const std::size_t n = std::min(limit, queue_.size());
      taken_.assign(std::make_move_iterator(queue_.begin()),
                    std::make_move_iterator(queue_.begin() + static_cast<std::ptrdiff_t>(n)));
      queue_.erase(queue_.begin(), queue_.begin() + static_cast<std::ptrdiff_t>(n));
    }
    if (taken_.empty()) return core::poll_result::wait(idle_wait_ns);
    space_.notify_all();
    core::batch_builder b(cfg_->output, taken_.size());
    const std::size_t topic_col = cfg_->payload->size();
    for (const auto& m : taken_) {
      if (!reader_.read(m.payload, b, reason_)) {
        report(m, out);
        continue;
      }
      b.column_at(topic_col).append_string(m.topic);
    }
    if (taken_.back().seq != 0) emitted_seq_ = taken_.back().seq;
    taken_.clear();
    if (b.rows() > 0) out.emit(0, b.finish());
    return core::poll_result::more();
  }

private:
  // On every (re)connection: the broker keeps the subscriptions of a
  // persistent session, but asking again is harmless and covers a session
  // the broker lost (restarted without persistence).
  int subscribe(client& c) {
    int sent = 0;
    for (const auto& f : filters_) {
      const int rc = mosquitto_subscribe(c.handle(), nullptr, f.c_str(), cfg_->client.qos);
      if (rc == MOSQ_ERR_SUCCESS) ++sent;
      else status_->error(error_text("cannot subscribe to '" + f + "'", rc));
    }
    return sent;
  }

  // What the spool holds after the restored position, before anything new.
  void replay(std::size_t limit) {
    while (taken_.size() < limit) {
      auto e = spool_->replay(emitted_seq_);
      if (!e) {
        replaying_ = false;
        return;
      }
      if (e->fields.size() != 2)
        throw std::runtime_error("source.mqtt: the spool in '" + spool_dir_
                                 + "' holds an entry that is not a message");
      taken_.push_back({std::move(e->fields[0]), std::move(e->fields[1]), e->seq});
    }
  }

  // libmosquitto's thread: waits while the queue is full (so it reads no
  // more from the socket), in bounded steps so that close() can end it.
  // The spool append comes before the PUBACK reaches the socket (see top).
  void take(const mosquitto_message& m) {
    std::unique_lock lock(mutex_);
    while (queue_.size() >= cfg_->max_queued && !stopping_)
      space_.wait_for(lock, std::chrono::milliseconds(100));
    message msg{m.topic ? m.topic : "",
                std::string(static_cast<const char*>(m.payload),
                            m.payload ? static_cast<std::size_t>(m.payloadlen) : 0)};
    if (spool_) {
      try {
        msg.seq = spool_->append({msg.topic, msg.payload});
      } catch (const connect::spool_error& e) {
        // Cannot keep the promise: the run fails (poll throws) rather than
        // going on with a message it could lose.
        if (spool_failure_.empty()) spool_failure_ = std::string("source.mqtt: ") + e.what();
        return;
      }
    }
    queue_.push_back(std::move(msg));
  }

  void report(const message& m, core::emitter& out) {
    core::batch_builder eb(error_context_schema(), 1);
    eb.column_at(0).append_string(m.topic);
    eb.column_at(1).append_string(std::string_view(m.payload).substr(0, max_error_text));
    auto context = eb.finish();
    out.error(*context, 0, "topic '" + m.topic + "': " + reason_);
  }

  const std::shared_ptr<const source_config> cfg_;
  std::shared_ptr<core::connector_status> status_;
  source::payload_reader reader_;
  std::string client_id_;
  std::vector<std::string> filters_;
  std::unique_ptr<client> client_;
  std::mutex mutex_;
  std::condition_variable space_;
  std::deque<message> queue_; ///< filled by libmosquitto's thread
  bool stopping_ = false;
  std::vector<message> taken_;
  std::string reason_;
  // With checkpoints (see top).
  const std::string spool_dir_;
  std::unique_ptr<connect::spool> spool_;
  bool replaying_ = false;
  std::string spool_failure_; ///< under mutex_
  std::uint64_t emitted_seq_ = 0;
};

std::vector<std::string> read_topics(const core::params& p) {
  std::vector<std::string> topics;
  const auto& topic = p.json("topic");
  if (topic.is_string()) topics = {topic.get<std::string>()};
  else if (topic.is_array())
    for (const auto& t : topic) {
      if (!t.is_string()) throw core::param_error("topic", "a list of topics holds only strings");
      topics.push_back(t.get<std::string>());
    }
  else throw core::param_error("topic", "must be a topic filter or a list of them");
  if (topics.empty()) throw core::param_error("topic", "must name at least one topic filter");
  for (const auto& t : topics)
    if (t.empty() || mosquitto_sub_topic_check(t.c_str()) != MOSQ_ERR_SUCCESS)
      throw core::param_error("topic", "'" + t
                                         + "' is not a valid topic filter ('+' stands for one "
                                           "whole level, '#' for the rest and comes last)");
  return topics;
}

} // namespace

core::descriptor mqtt_source_descriptor() {
  using core::param_type;
  core::descriptor d;
  d.kind = "source.mqtt";
  d.category = "source";
  d.blocking_io = false;
  d.summary = "Subscribes to MQTT topics (wildcards allowed) with a persistent session; one "
              "message, one record, plus the field 'topic'";
  d.outputs = {{"out", "the payload's fields, then 'topic' (the topic the message came on)"}};
  d.properties = {
    prop("topic", param_type::json,
         "a topic filter or a list of them; '+' matches one level, '#' the rest "
         "(\"sensors/+/temperature\")")
      .required(),
    prop("format", param_type::choice,
         "json: one object per message; csv: one record per message, fields in the schema's "
         "order; raw: the payload as the string field 'value'")
      .def("json")
      .choices({"json", "csv", "raw"}),
    prop("schema", param_type::json,
         "field name -> int | double | bool | string | timestamp (or an array of \"name:type\"); "
         "required for json and csv"),
    prop("max_queued", param_type::integer,
         "messages held between the network thread and the pipeline; when full, reading from "
         "the broker pauses")
      .def(10000)
      .min(1)
      .max(10000000),
  };
  for (auto& p : client_properties("quality of service of the subscription: 0 at most once, 1 "
                                   "at least once, 2 exactly once (as far as the broker goes)"))
    d.properties.push_back(p);
  d.bind = [](const core::params& p, const core::bind_context& ctx) -> core::bound_ptr {
    auto cfg = std::make_shared<source_config>();
    cfg->client = read_client_settings(p);
    cfg->topics = read_topics(p);
    cfg->format = source::parse_payload_format(p.string("format"));
    if (cfg->format != source::payload_format::raw && !p.has("schema"))
      throw core::param_error("schema", "is required with format " + p.string("format"));
    cfg->payload = source::payload_schema(
      cfg->format, p.has("schema") ? source::parse_schema_param(p.json("schema")) : nullptr);
    cfg->max_queued = static_cast<std::size_t>(p.integer("max_queued"));
    if (cfg->payload->index_of("topic") >= 0)
      throw core::param_error("schema", "the payload may not have a field 'topic': the source "
                                        "adds the topic a message came on under that name");
    std::vector<core::field> fields = cfg->payload->fields();
    fields.push_back({"topic", value_type::string});
    cfg->output = core::make_schema(std::move(fields));
    cfg->node_id = ctx.node_id;
    std::shared_ptr<const source_config> shared = cfg;
    return bound({shared->output}, [shared](const core::operator_context& c) {
      return std::make_unique<mqtt_source>(shared, c);
    });
  };
  return d;
}

} // namespace sluice::ops::mqtt
