#include "sluice/observe/metrics_frame.hpp"

namespace sluice::observe {

using nlohmann::json;

namespace {

json optional_json(const std::optional<core::timestamp>& v) { return v ? json(*v) : json(nullptr); }
json optional_json(const std::optional<double>& v) { return v ? json(*v) : json(nullptr); }

template <class T>
std::optional<T> optional_from(const json& j, const char* key) {
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) return std::nullopt;
  return it->get<T>();
}

json connector_json(const std::optional<connector_figures>& c) {
  if (!c) return nullptr;
  return {{"up", c->up},
          {"reconnects", c->reconnects},
          {"last_error", c->last_error},
          {"last_error_ms", c->last_error_ms}};
}

std::optional<connector_figures> connector_from(const json& j) {
  auto it = j.find("connector");
  if (it == j.end() || it->is_null()) return std::nullopt;
  connector_figures c;
  c.up = it->value("up", false);
  c.reconnects = it->value("reconnects", std::uint64_t{0});
  c.last_error = it->value("last_error", std::string());
  c.last_error_ms = it->value("last_error_ms", std::int64_t{0});
  return c;
}

json totals_json(const core::instance_snapshot& t) {
  json queues = json::array();
  for (const auto& q : t.input_queues)
    queues.push_back({{"edge", q.edge}, {"queued", q.queued}, {"capacity", q.capacity}});
  return {{"records_in", t.records_in},
          {"records_out", t.records_out},
          {"records_sent", t.records_sent},
          {"filtered", t.filtered},
          {"errors", t.errors},
          {"late_dropped", t.late_dropped},
          {"busy_ns", t.busy_ns},
          {"backpressured_ns", t.backpressured_ns},
          {"idle_ns", t.idle_ns},
          {"alive_ns", t.alive_ns},
          {"watermark", t.watermark == core::min_timestamp ? json(nullptr) : json(t.watermark)},
          {"queue_fill", t.queue_fill},
          {"finished", t.finished},
          {"input_queues", std::move(queues)},
          {"connector", connector_json(connector_of(t))}};
}

core::instance_snapshot totals_from(const json& j, const std::string& node, std::size_t instance) {
  core::instance_snapshot t;
  t.node = node;
  t.instance = instance;
  t.records_in = j.value("records_in", std::uint64_t{0});
  t.records_out = j.value("records_out", std::uint64_t{0});
  t.records_sent = j.value("records_sent", std::uint64_t{0});
  t.filtered = j.value("filtered", std::uint64_t{0});
  t.errors = j.value("errors", std::uint64_t{0});
  t.late_dropped = j.value("late_dropped", std::uint64_t{0});
  t.busy_ns = j.value("busy_ns", std::int64_t{0});
  t.backpressured_ns = j.value("backpressured_ns", std::int64_t{0});
  t.idle_ns = j.value("idle_ns", std::int64_t{0});
  t.alive_ns = j.value("alive_ns", std::int64_t{0});
  t.watermark = optional_from<core::timestamp>(j, "watermark").value_or(core::min_timestamp);
  t.queue_fill = j.value("queue_fill", 0.0);
  t.finished = j.value("finished", false);
  if (auto it = j.find("input_queues"); it != j.end() && it->is_array())
    for (const auto& q : *it)
      t.input_queues.push_back({q.value("edge", std::size_t{0}),
                                q.value("queued", std::uint64_t{0}),
                                q.value("capacity", std::uint64_t{0})});
  if (auto c = connector_from(j)) {
    t.connector.up = c->up ? 1 : 0;
    t.connector.reconnects = c->reconnects;
    t.connector.last_error = c->last_error;
    t.connector.last_error_unix_ns = c->last_error_ms * 1000000;
  }
  return t;
}

json checkpoints_json(const checkpoint_figures& c) {
  return {{"enabled", c.enabled},
          {"last_id", c.last_id},
          {"last_completed_ms", c.last_completed_ms},
          {"last_duration_ms", c.last_duration_ms},
          {"last_bytes", c.last_bytes},
          {"completed", c.completed},
          {"abandoned", c.abandoned},
          {"restarts", c.restarts},
          {"state_bytes", c.state_bytes}};
}

checkpoint_figures checkpoints_from(const json& j) {
  checkpoint_figures c;
  c.enabled = j.value("enabled", false);
  c.last_id = j.value("last_id", std::uint64_t{0});
  c.last_completed_ms = j.value("last_completed_ms", std::int64_t{0});
  c.last_duration_ms = j.value("last_duration_ms", std::int64_t{0});
  c.last_bytes = j.value("last_bytes", std::uint64_t{0});
  c.completed = j.value("completed", std::uint64_t{0});
  c.abandoned = j.value("abandoned", std::uint64_t{0});
  c.restarts = j.value("restarts", std::uint64_t{0});
  if (auto it = j.find("state_bytes"); it != j.end() && !it->is_null())
    for (const auto& [node, bytes] : it->get_ref<const json::object_t&>())
      c.state_bytes[node] = bytes.get<std::uint64_t>();
  return c;
}

} // namespace

json to_json(const metrics_frame& f) {
  json nodes = json::array();
  for (const auto& n : f.nodes)
    nodes.push_back({{"node", n.node},
                     {"kind", n.kind},
                     {"parallelism", n.parallelism},
                     {"state", name_of(n.state)},
                     {"is_source", n.is_source},
                     {"is_sink", n.is_sink},
                     {"records_in", n.records_in},
                     {"records_out", n.records_out},
                     {"errors", n.errors},
                     {"late_dropped", n.late_dropped},
                     {"filtered", n.filtered},
                     {"records_in_per_second", n.records_in_per_second},
                     {"records_out_per_second", n.records_out_per_second},
                     {"busy_ms_per_second", n.busy_ms_per_second},
                     {"idle_ms_per_second", n.idle_ms_per_second},
                     {"backpressured_ms_per_second", n.backpressured_ms_per_second},
                     {"queue_fill", n.queue_fill},
                     {"watermark", optional_json(n.watermark)},
                     {"watermark_lag_seconds", optional_json(n.watermark_lag_seconds)},
                     {"connector", connector_json(n.connector)}});
  json instances = json::array();
  for (const auto& i : f.instances)
    instances.push_back({{"node", i.node},
                         {"instance", i.instance},
                         {"state", name_of(i.state)},
                         {"records_in_per_second", i.records_in_per_second},
                         {"records_out_per_second", i.records_out_per_second},
                         {"busy_ms_per_second", i.busy_ms_per_second},
                         {"idle_ms_per_second", i.idle_ms_per_second},
                         {"backpressured_ms_per_second", i.backpressured_ms_per_second},
                         {"totals", totals_json(i.totals)}});
  json edges = json::array();
  for (const auto& e : f.edges)
    edges.push_back({{"from", e.from},
                     {"to", e.to},
                     {"fill", e.fill},
                     {"queued", e.queued},
                     {"capacity", e.capacity}});
  return {{"pipeline", f.pipeline},    {"t_seconds", f.t_seconds},
          {"wall_ms", f.wall_ms},      {"bottleneck", f.bottleneck},
          {"nodes", std::move(nodes)}, {"instances", std::move(instances)},
          {"edges", std::move(edges)}, {"checkpoints", checkpoints_json(f.checkpoints)}};
}

metrics_frame frame_from_json(const json& j) {
  metrics_frame f;
  f.pipeline = j.value("pipeline", std::string());
  f.t_seconds = j.value("t_seconds", 0.0);
  f.wall_ms = j.value("wall_ms", std::int64_t{0});
  f.bottleneck = j.value("bottleneck", std::string());
  if (auto it = j.find("nodes"); it != j.end())
    for (const auto& n : *it) {
      node_rates r;
      r.node = n.value("node", std::string());
      r.kind = n.value("kind", std::string());
      r.parallelism = n.value("parallelism", std::size_t{1});
      r.state = activity_from_name(n.value("state", std::string("idle")));
      r.is_source = n.value("is_source", false);
      r.is_sink = n.value("is_sink", false);
      r.records_in = n.value("records_in", std::uint64_t{0});
      r.records_out = n.value("records_out", std::uint64_t{0});
      r.errors = n.value("errors", std::uint64_t{0});
      r.late_dropped = n.value("late_dropped", std::uint64_t{0});
      r.filtered = n.value("filtered", std::uint64_t{0});
      r.records_in_per_second = n.value("records_in_per_second", 0.0);
      r.records_out_per_second = n.value("records_out_per_second", 0.0);
      r.busy_ms_per_second = n.value("busy_ms_per_second", 0.0);
      r.idle_ms_per_second = n.value("idle_ms_per_second", 0.0);
      r.backpressured_ms_per_second = n.value("backpressured_ms_per_second", 0.0);
      r.queue_fill = n.value("queue_fill", 0.0);
      r.watermark = optional_from<core::timestamp>(n, "watermark");
      r.watermark_lag_seconds = optional_from<double>(n, "watermark_lag_seconds");
      r.connector = connector_from(n);
      f.nodes.push_back(std::move(r));
    }
  if (auto it = j.find("instances"); it != j.end())
    for (const auto& i : *it) {
      instance_rates r;
      r.node = i.value("node", std::string());
      r.instance = i.value("instance", std::size_t{0});
      r.state = activity_from_name(i.value("state", std::string("idle")));
      r.records_in_per_second = i.value("records_in_per_second", 0.0);
      r.records_out_per_second = i.value("records_out_per_second", 0.0);
      r.busy_ms_per_second = i.value("busy_ms_per_second", 0.0);
      r.idle_ms_per_second = i.value("idle_ms_per_second", 0.0);
      r.backpressured_ms_per_second = i.value("backpressured_ms_per_second", 0.0);
      r.totals = totals_from(i.value("totals", json::object()), r.node, r.instance);
      f.instances.push_back(std::move(r));
    }
  if (auto it = j.find("edges"); it != j.end())
    for (const auto& e : *it)
      f.edges.push_back({e.value("from", std::string()), e.value("to", std::string()),
                         e.value("fill", 0.0), e.value("queued", std::uint64_t{0}),
                         e.value("capacity", std::uint64_t{0})});
  f.checkpoints = checkpoints_from(j.value("checkpoints", json::object()));
  return f;
}

} // namespace sluice::observe
