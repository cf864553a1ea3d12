// `source.kafka`: reads one or more Kafka topics (a name, a list, or a
// regex starting with '^') into records.
//
// Partitions: every parallel instance assigns itself its share of the
// partitions (partition p of topic t goes to instance (p + hash(t)) mod N),
// so what an instance reads, and its position, stay its own across a
// restart; the partitions are looked up again every `discovery_interval`,
// and partitions that appear later are read from their beginning.
// Positions: the next offset of each partition is the source's state, so a
// run resumed from a checkpoint reads on exactly after what the checkpoint
// covers. Partitions the state does not hold start from the group's
// committed offset, else from `start`. The positions are also committed to
// Kafka under `group` (when a checkpoint completes; without checkpoints
// every 5 s) so that Kafka's tools see the lag; Sluice never reads them back
// over its own state.
// Outages: librdkafka reconnects by itself (its reconnect.backoff.* and
// other settings go in `properties`); while no broker answers the source
// waits, and the run goes on when they are back.
// A message that does not parse goes to `errors` with its topic, partition
// and offset.

#include <algorithm>
#include <limits>
#include <map>
#include <memory>
#include <optional>
#include <regex>
#include <set>
#include <stdexcept>
#include <utility>
#include <vector>

#include "sluice/core/params.hpp"
#include "sluice/core/record_format.hpp"
#include "sluice/core/state.hpp"
#include "sluice/ops/kafka/kafka_client.hpp"
#include "sluice/ops/source/payload_reader.hpp"
#include "sluice/ops/source/schema_inference.hpp"

namespace sluice::ops::kafka {

namespace {

using core::value_type;

constexpr std::size_t max_batch = 4096;
constexpr std::size_t max_error_text = 4096;
constexpr std::int64_t idle_wait_ns = 5000000;       // 5 ms
constexpr std::int64_t commit_every_ns = 5000000000; // without checkpoints
constexpr int metadata_timeout_ms = 2000;

/// The fields a message can add besides its payload, in this order.
const std::vector<std::pair<std::string, value_type>>& metadata_fields() {
  static const std::vector<std::pair<std::string, value_type>> f = {
    {"topic", value_type::string},
    {"partition", value_type::int64},
    {"offset", value_type::int64},
    {"key", value_type::string},
    {"headers", value_type::string}};
  return f;
}

struct source_config {
  client_settings client;
  std::vector<std::string> topics; ///< names, or one regex starting with '^'
  std::string group;
  bool earliest = false;
  source::payload_format format = source::payload_format::json;
  core::schema_ptr payload;
  bool kafka_timestamp = true; ///< add the message timestamp as field `timestamp`
  /// `timestamp` names a payload field of epoch milliseconds: its index,
  /// turned into a timestamp as the message is read. -1: none.
  int millis_field = -1;
  std::vector<std::string> metadata;
  std::int64_t discovery_interval_ns = 10000000000;
  /// Stop at the end each partition had when the source found it.
  bool bounded = false;
  core::schema_ptr output;
};

const core::schema_ptr& error_context_schema() {
  static const core::schema_ptr s = core::make_schema({{"topic", value_type::string},
                                                       {"partition", value_type::int64},
                                                       {"offset", value_type::int64},
                                                       {"text", value_type::string}});
  return s;
}

std::uint64_t topic_hash(const std::string& t) {
  std::uint64_t h = 1469598103934665603ULL; // FNV-1a: stable across builds
  for (unsigned char c : t) h = (h ^ c) * 1099511628211ULL;
  return h;
}

using partition_key = std::pair<std::string, std::int32_t>;

/// What the source's guarantees rest on: positions are Sluice's, so nothing
/// is committed or stored behind its back.
std::map<std::string, std::string> consumer_settings(const source_config& c) {
  return {{"group.id", c.group},
          {"enable.auto.commit", "false"},
          {"enable.auto.offset.store", "false"},
          {"enable.partition.eof", "false"},
          {"auto.offset.reset", c.earliest ? "earliest" : "latest"}};
}

class kafka_source final : public core::source_operator {
public:
  kafka_source(std::shared_ptr<const source_config> cfg, const core::operator_context& ctx)
    : cfg_(std::move(cfg)), instance_(ctx.instance),
      parallelism_(std::max<std::size_t>(1, ctx.parallelism)), checkpoints_(ctx.checkpoints),
      clock_(ctx.clock), reader_(cfg_->format, cfg_->payload), status_(ctx.connector) {
    if (cfg_->topics.size() == 1 && !cfg_->topics[0].empty() && cfg_->topics[0][0] == '^')
      pattern_ = std::regex(cfg_->topics[0], std::regex::ECMAScript);
  }

  ~kafka_source() override { close(); }

  void open() override {
    auto conf = make_conf(cfg_->client, consumer_settings(*cfg_));
    report_errors_to(conf.get(), status_.get());
    char err[512];
    rk_ = rd_kafka_new(RD_KAFKA_CONSUMER, conf.get(), err, sizeof err);
    if (!rk_) throw std::runtime_error(std::string("kafka: cannot create a consumer: ") + err);
    conf.release(); // rd_kafka_new owns it now
    rd_kafka_poll_set_consumer(rk_);
    last_commit_ns_ = clock_->now_ns();
  }

  void close() override {
    if (!rk_) return;
    if (!checkpoints_) commit(positions_);
    rd_kafka_consumer_close(rk_);
    rd_kafka_destroy(rk_);
    rk_ = nullptr;
  }

  std::uint32_t state_version() const override { return 1; }

  // The next offset of every partition this instance has read from.
  void snapshot(core::state_writer& w) const override {
    w.count(positions_.size());
    for (const auto& [p, next] : positions_) {
      w.str(p.first);
      w.i64(p.second);
      w.i64(next);
    }
  }

  void restore(core::state_reader& r) override {
    positions_.clear();
    cursor_ = partition_cursor{}; // it points into positions_
    for (auto n = r.count(); n > 0; --n) {
      std::string topic = r.str();
      const std::int64_t partition = r.i64();
      const std::int64_t next = r.i64();
      if (partition < 0 || partition > INT32_MAX || next < 0)
        throw core::state_error("a Kafka position with a negative partition or offset");
      positions_[{std::move(topic), static_cast<std::int32_t>(partition)}] = next;
    }
  }

  void prepare_checkpoint(std::uint64_t id) override { pending_[id] = positions_; }

  void checkpoint_complete(std::uint64_t id) override {
    auto it = pending_.find(id);
    if (it == pending_.end()) return;
    commit(it->second);
    pending_.erase(pending_.begin(), std::next(it));
  }

  core::poll_result poll(core::emitter& out, std::size_t budget) override {
    if (!rk_) open();
    const std::int64_t now = clock_->now_ns();
    if (now >= next_discovery_ns_) discover(now);
    if (!checkpoints_ && now - last_commit_ns_ >= commit_every_ns) {
      commit(positions_);
      last_commit_ns_ = now;
    }
    if (cfg_->bounded && discovered_once_ && read_to_end()) return core::poll_result::finished();
    if (assigned_.empty()) return core::poll_result::wait(idle_wait_ns);
    core::batch_builder b(cfg_->output, std::min(budget, max_batch));
    const std::size_t limit = std::max<std::size_t>(1, std::min(budget, max_batch));
    while (b.rows() < limit) {
      message_ptr m(rd_kafka_consumer_poll(rk_, 0));
      if (!m) break;
      if (m->err) {
        if (rd_kafka_fatal_error(rk_, nullptr, 0) != RD_KAFKA_RESP_ERR_NO_ERROR)
          throw std::runtime_error(error_text("consumer failed", m->err));
        continue; // transient (a broker down): librdkafka retries
      }
      take(*m, b, out);
    }
    if (b.rows() > 0) status_->connected();
    if (b.rows() == 0) return core::poll_result::wait(idle_wait_ns);
    out.emit(0, b.finish());
    return core::poll_result::more();
  }

private:
  void take(const rd_kafka_message_t& m, core::batch_builder& b, core::emitter& out) {
    if (m.rkt != cursor_.rkt || m.partition != cursor_.partition) select(m);
    if (m.offset >= cursor_.end) return; // bounded: past the end it had when found
    if (!cursor_.position) cursor_.position = &positions_[{cursor_.topic, m.partition}];
    *cursor_.position = m.offset + 1;
    const std::string& topic = cursor_.topic;
    const std::string_view payload(static_cast<const char*>(m.payload), m.payload ? m.len : 0);
    if (!reader_.read(payload, b, reason_)) {
      report(topic, m.partition, m.offset, payload, out);
      return;
    }
    std::size_t c = cfg_->payload->size();
    if (cfg_->millis_field >= 0) {
      core::column& ts = b.column_at(static_cast<std::size_t>(cfg_->millis_field));
      if (!ts.is_null(ts.ints.size() - 1)) ts.ints.back() *= 1000; // ms -> µs
    }
    if (cfg_->kafka_timestamp) {
      rd_kafka_timestamp_type_t type;
      const std::int64_t ms = rd_kafka_message_timestamp(&m, &type);
      if (type == RD_KAFKA_TIMESTAMP_NOT_AVAILABLE || ms < 0) b.column_at(c++).append_null();
      else b.column_at(c++).append_int(ms * 1000);
    }
    for (const auto& name : cfg_->metadata) {
      core::column& col = b.column_at(c++);
      if (name == "topic") col.append_string(topic);
      else if (name == "partition") col.append_int(m.partition);
      else if (name == "offset") col.append_int(m.offset);
      else if (name == "key") {
        if (m.key) col.append_string(std::string_view(static_cast<const char*>(m.key), m.key_len));
        else col.append_null();
      } else if (name == "headers") col.append_string(headers_json(m));
    }
  }

  static std::string headers_json(const rd_kafka_message_t& m) {
    rd_kafka_headers_t* hdrs = nullptr;
    std::string json = "{";
    if (rd_kafka_message_headers(&m, &hdrs) == RD_KAFKA_RESP_ERR_NO_ERROR) {
      const char* name;
      const void* value;
      std::size_t size;
      for (std::size_t i = 0; !rd_kafka_header_get_all(hdrs, i, &name, &value, &size); ++i) {
        if (i) json += ", ";
        json += '"';
        core::append_json_escaped(name, json);
        json += "\": ";
        if (!value) {
          json += "null";
          continue;
        }
        json += '"';
        core::append_json_escaped(std::string_view(static_cast<const char*>(value), size), json);
        json += '"';
      }
    }
    return json + "}";
  }

  void report(const std::string& topic, std::int32_t partition, std::int64_t offset,
              std::string_view text, core::emitter& out) {
    core::batch_builder eb(error_context_schema(), 1);
    eb.column_at(0).append_string(topic);
    eb.column_at(1).append_int(partition);
    eb.column_at(2).append_int(offset);
    eb.column_at(3).append_string(text.substr(0, max_error_text));
    auto context = eb.finish();
    out.error(*context, 0,
              "topic '" + topic + "' partition " + std::to_string(partition) + " offset "
                + std::to_string(offset) + ": " + reason_);
  }

  // Messages come in runs from one partition: its name, position and end
  // are looked up once per run, not once per message.
  void select(const rd_kafka_message_t& m) {
    cursor_ = partition_cursor{};
    cursor_.rkt = m.rkt;
    cursor_.partition = m.partition;
    cursor_.topic = rd_kafka_topic_name(m.rkt);
    if (auto end = ends_.find({cursor_.topic, m.partition}); end != ends_.end())
      cursor_.end = end->second;
  }

  // Bounded: whether every assigned partition is read up to its end (one
  // never read is asked where the consumer stands in it).
  bool read_to_end() {
    for (const auto& p : assigned_) {
      auto end = ends_.find(p);
      if (end == ends_.end()) return false;
      auto at = positions_.find(p);
      std::int64_t position = at != positions_.end() ? at->second : RD_KAFKA_OFFSET_INVALID;
      if (position < end->second) {
        topic_list_ptr list(rd_kafka_topic_partition_list_new(1));
        rd_kafka_topic_partition_list_add(list.get(), p.first.c_str(), p.second);
        if (rd_kafka_position(rk_, list.get()) == RD_KAFKA_RESP_ERR_NO_ERROR)
          position = std::max(position, list->elems[0].offset);
      }
      if (position < end->second) return false;
    }
    return true;
  }

  // Bounded: the end of every assigned partition, asked once. False while a
  // broker does not answer (asked again at the next discovery).
  bool find_ends() {
    for (const auto& p : assigned_) {
      if (ends_.count(p)) continue;
      std::int64_t low = 0, high = 0;
      if (rd_kafka_query_watermark_offsets(rk_, p.first.c_str(), p.second, &low, &high,
                                           metadata_timeout_ms)
          != RD_KAFKA_RESP_ERR_NO_ERROR)
        return false;
      // An empty partition (nothing between its low and high watermark)
      // has nothing to read: its end is where any start is.
      ends_[p] = high > low ? high : RD_KAFKA_OFFSET_INVALID;
      cursor_ = partition_cursor{}; // it may be the partition the cursor holds
    }
    return true;
  }

  // Looks the topics' partitions up and assigns this instance its share.
  // With no broker reachable it tries again soon; the run waits meanwhile.
  // Bounded, the partitions are looked up once.
  void discover(std::int64_t now) {
    if (cfg_->bounded && discovered_once_) {
      if (!find_ends()) next_discovery_ns_ = now + 1000000000;
      else next_discovery_ns_ = std::numeric_limits<std::int64_t>::max();
      return;
    }
    const rd_kafka_metadata_t* md = nullptr;
    const rd_kafka_resp_err_t err = rd_kafka_metadata(rk_, 1, nullptr, &md, metadata_timeout_ms);
    if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
      status_->disconnected(error_text("cannot read the topics' partitions", err));
      next_discovery_ns_ = now + 1000000000; // brokers down: look again in a second
      return;
    }
    status_->connected();
    std::set<partition_key> mine;
    for (int t = 0; t < md->topic_cnt; ++t) {
      const auto& topic = md->topics[t];
      if (topic.err != RD_KAFKA_RESP_ERR_NO_ERROR || !wanted(topic.topic)) continue;
      const std::uint64_t h = topic_hash(topic.topic);
      for (int p = 0; p < topic.partition_cnt; ++p) {
        const auto id = topic.partitions[p].id;
        if ((static_cast<std::uint64_t>(id) + h) % parallelism_ == instance_)
          mine.insert({topic.topic, id});
      }
    }
    rd_kafka_metadata_destroy(md);
    next_discovery_ns_ = now + cfg_->discovery_interval_ns;
    if (mine == assigned_) {
      // Bounded with nothing to read (fewer partitions than instances): done.
      if (cfg_->bounded) discovered_once_ = true;
      return;
    }
    topic_list_ptr list(rd_kafka_topic_partition_list_new(static_cast<int>(mine.size())));
    for (const auto& p : mine) {
      auto* tp = rd_kafka_topic_partition_list_add(list.get(), p.first.c_str(), p.second);
      // assign() starts every listed partition at its offset: the ones read
      // so far (or restored) go on from their position.
      auto known = positions_.find(p);
      if (known != positions_.end()) tp->offset = known->second;
      else tp->offset = discovered_once_ ? RD_KAFKA_OFFSET_BEGINNING : RD_KAFKA_OFFSET_STORED;
    }
    const rd_kafka_resp_err_t aerr = rd_kafka_assign(rk_, list.get());
    if (aerr != RD_KAFKA_RESP_ERR_NO_ERROR)
      throw std::runtime_error(error_text("cannot assign partitions", aerr));
    assigned_ = std::move(mine);
    discovered_once_ = true;
    if (cfg_->bounded) {
      if (!find_ends()) next_discovery_ns_ = now + 1000000000;
      else next_discovery_ns_ = std::numeric_limits<std::int64_t>::max();
    }
  }

  bool wanted(const std::string& topic) const {
    if (pattern_) return std::regex_search(topic, *pattern_);
    return std::find(cfg_->topics.begin(), cfg_->topics.end(), topic) != cfg_->topics.end();
  }

  void commit(const std::map<partition_key, std::int64_t>& positions) {
    if (!rk_ || positions.empty()) return;
    topic_list_ptr list(rd_kafka_topic_partition_list_new(static_cast<int>(positions.size())));
    for (const auto& [p, next] : positions)
      rd_kafka_topic_partition_list_add(list.get(), p.first.c_str(), p.second)->offset = next;
    rd_kafka_commit(rk_, list.get(), 1); // async: only for monitoring tools
  }

  const std::shared_ptr<const source_config> cfg_;
  const std::size_t instance_, parallelism_;
  const bool checkpoints_;
  std::shared_ptr<core::clock> clock_;
  source::payload_reader reader_;
  const std::shared_ptr<core::connector_status> status_;
  std::optional<std::regex> pattern_;
  rd_kafka_t* rk_ = nullptr;
  std::set<partition_key> assigned_;
  bool discovered_once_ = false;
  std::int64_t next_discovery_ns_ = 0, last_commit_ns_ = 0;
  std::map<partition_key, std::int64_t> positions_; ///< state: next offset per partition
  std::map<partition_key, std::int64_t> ends_;      ///< bounded: where each partition ends
  struct partition_cursor {
    const rd_kafka_topic_t* rkt = nullptr; ///< with `partition`: the last message's
    std::int32_t partition = -1;
    std::string topic;
    std::int64_t* position = nullptr; ///< into positions_, once a message was taken
    std::int64_t end = std::numeric_limits<std::int64_t>::max(); ///< bounded: its end
  } cursor_;
  std::map<std::uint64_t, std::map<partition_key, std::int64_t>> pending_; ///< per checkpoint
  std::string reason_;
};

source_config read_config(const core::params& p, const core::bind_context& ctx) {
  source_config c;
  c.client = read_client_settings(p);
  const auto& topic = p.json("topic");
  if (topic.is_string()) c.topics = {topic.get<std::string>()};
  else if (topic.is_array())
    for (const auto& t : topic) {
      if (!t.is_string()) throw core::param_error("topic", "a list of topics holds only names");
      c.topics.push_back(t.get<std::string>());
    }
  else throw core::param_error("topic", "must be a topic name, a list of names, or a regex");
  if (c.topics.empty() || std::any_of(c.topics.begin(), c.topics.end(), [](const std::string& t) {
        return t.empty();
      }))
    throw core::param_error("topic", "must not be empty");
  for (const auto& t : c.topics)
    if (t[0] == '^') {
      if (c.topics.size() > 1)
        throw core::param_error("topic", "a regex ('^...') must be the only topic");
      try {
        std::regex check(t, std::regex::ECMAScript);
      } catch (const std::regex_error& e) {
        throw core::param_error("topic", "not a valid regex: " + std::string(e.what()));
      }
    }
  c.group = p.has("group") ? p.string("group") : "sluice-" + ctx.node_id;
  if (c.group.empty()) throw core::param_error("group", "must not be empty");
  c.earliest = p.string("start") == "earliest";
  c.format = source::parse_payload_format(p.string("format"));
  c.payload = source::payload_schema(
    c.format, p.has("schema") ? source::parse_schema_param(p.json("schema")) : nullptr);
  const auto timestamp = p.string("timestamp");
  c.kafka_timestamp = timestamp == "kafka";
  c.metadata = p.has("metadata") ? p.strings("metadata") : std::vector<std::string>{};
  std::vector<core::field> fields = c.payload->fields();
  if (timestamp != "kafka" && timestamp != "none") { // a payload field is the event time
    int f = c.payload->index_of(timestamp);
    if (f < 0)
      throw core::param_error("timestamp", "'" + timestamp
                                             + "' is not a field of the payload's schema (or "
                                               "write \"kafka\" or \"none\")");
    auto& field = fields[static_cast<std::size_t>(f)];
    if (field.type == value_type::int64) {
      field.type = value_type::timestamp; // epoch milliseconds, converted as read
      c.millis_field = f;
    } else if (field.type != value_type::timestamp) {
      throw core::param_error("timestamp", "field '" + timestamp
                                             + "' must be a timestamp (ISO-8601 text) or an int "
                                               "(epoch milliseconds), not "
                                             + std::string(core::name_of(field.type)));
    }
  }
  if (c.kafka_timestamp) fields.push_back({"timestamp", value_type::timestamp});
  for (const auto& name : c.metadata) {
    auto known = std::find_if(metadata_fields().begin(), metadata_fields().end(),
                              [&](const auto& f) { return f.first == name; });
    if (known == metadata_fields().end())
      throw core::param_error("metadata", "unknown field '" + name
                                            + "': topic, partition, offset, key or headers");
    fields.push_back({name, known->second});
  }
  std::set<std::string> names;
  for (const auto& f : fields)
    if (!names.insert(f.name).second)
      throw core::param_error(c.kafka_timestamp && f.name == "timestamp" ? "timestamp" : "metadata",
                              "field '" + f.name + "' would appear twice: the payload has it too");
  c.discovery_interval_ns = p.duration("discovery_interval") * 1000;
  c.bounded = p.boolean("bounded");
  c.output = core::make_schema(std::move(fields));
  make_conf(c.client, consumer_settings(c), false);
  return c;
}

} // namespace

core::descriptor kafka_source_descriptor() {
  using core::param_type;
  core::descriptor d;
  d.kind = "source.kafka";
  d.category = "source";
  d.blocking_io = true;
  d.summary = "Reads Kafka topics; positions are kept in checkpoints (exactly-once with them), "
              "partitions spread over the parallel instances";
  d.outputs = {{"out", "the payload's fields, then the message timestamp and metadata asked for"}};
  d.properties = {
    brokers_property(),
    prop("topic", param_type::json,
         "a topic, a list of topics, or a regex starting with '^' (topics that appear later "
         "are read too)")
      .required()
      .shapes_state(),
    prop("group", param_type::string,
         "consumer group the positions are committed under for Kafka's tools (default "
         "sluice-<node id>); a partition the checkpoint does not hold starts at its committed "
         "offset"),
    prop("start", param_type::choice,
         "where a partition with no position starts: earliest or latest")
      .def("latest")
      .choices({"earliest", "latest"}),
    prop("format", param_type::choice,
         "json: one object per message; csv: one record per message, fields in the schema's "
         "order; raw: the payload as the string field 'value'")
      .def("json")
      .choices({"json", "csv", "raw"}),
    prop("schema", param_type::json,
         "field name -> int | double | bool | string | timestamp (or an array of \"name:type\"); "
         "required for json and csv"),
    prop("timestamp", param_type::string,
         "kafka: add the message timestamp (create or log-append time) as the field "
         "'timestamp'; none: the payload's own fields only; or the name of a payload field "
         "that is the event time: a timestamp, or an int of epoch milliseconds (turned into "
         "a timestamp)")
      .def("kafka"),
    prop("metadata", param_type::string_list,
         "message metadata to add as fields: topic, partition, offset, key, headers (a JSON "
         "object text)"),
    prop("bounded", param_type::boolean,
         "stop once every partition is read up to the end it had when the source found it "
         "(a batch read or a backfill; partitions and topics that appear later are not read)")
      .def(false),
    prop("discovery_interval", param_type::duration,
         "how often to look for new partitions and topics")
      .def("10s")
      .min(0.001),
    properties_property(),
  };
  d.bind = [](const core::params& p, const core::bind_context& ctx) -> core::bound_ptr {
    auto cfg = std::make_shared<const source_config>(read_config(p, ctx));
    return bound({cfg->output}, [cfg](const core::operator_context& c) {
      return std::make_unique<kafka_source>(cfg, c);
    });
  };
  return d;
}

} // namespace sluice::ops::kafka
