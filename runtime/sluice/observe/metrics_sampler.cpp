#include <algorithm>
#include <chrono>
#include <map>
#include <utility>

#include "sluice/observe/metrics_frame.hpp"

namespace sluice::observe {

std::string_view name_of(activity a) {
  switch (a) {
    case activity::idle: return "idle";
    case activity::busy: return "busy";
    case activity::backpressured: return "backpressured";
    case activity::finished: return "finished";
  }
  return "idle";
}

std::optional<connector_figures> connector_of(const core::instance_snapshot& t) {
  if (t.connector.up < 0) return std::nullopt;
  connector_figures c;
  c.up = t.connector.up == 1;
  c.reconnects = t.connector.reconnects;
  c.last_error = t.connector.last_error;
  c.last_error_ms = t.connector.last_error_unix_ns / 1000000;
  return c;
}

activity activity_from_name(std::string_view name) {
  if (name == "busy") return activity::busy;
  if (name == "backpressured") return activity::backpressured;
  if (name == "finished") return activity::finished;
  return activity::idle;
}

namespace {

/// What a split of one second looks like most: the largest share wins,
/// back-pressure on a tie (it is the one users look for).
activity dominant(double busy, double idle, double bp) {
  if (bp >= busy && bp >= idle && bp > 0) return activity::backpressured;
  if (busy >= idle && busy > 0) return activity::busy;
  return activity::idle;
}

struct previous {
  core::instance_snapshot totals; ///< clamped to be monotonic
  std::int64_t at_ns = 0;
};

} // namespace

struct metrics_sampler::state {
  core::pipeline::checked_pipeline pipeline;
  std::size_t history_seconds;
  std::map<std::pair<std::string, std::size_t>, previous> prev;
  std::int64_t origin_ns = 0;
  bool first = true;
  metrics_frame latest;
  std::deque<metrics_frame> history;

  /// Counters never go down between samples (a period being charged can be
  /// read slightly low once, see core::snapshot_of), and the split never
  /// exceeds the life time.
  core::instance_snapshot clamp(const core::instance_snapshot& now, const previous* before) {
    auto s = now;
    if (before) {
      const auto& b = before->totals;
      s.records_in = std::max(s.records_in, b.records_in);
      s.records_out = std::max(s.records_out, b.records_out);
      s.records_sent = std::max(s.records_sent, b.records_sent);
      s.filtered = std::max(s.filtered, b.filtered);
      s.errors = std::max(s.errors, b.errors);
      s.late_dropped = std::max(s.late_dropped, b.late_dropped);
      s.alive_ns = std::max(s.alive_ns, b.alive_ns);
      s.busy_ns = std::max(s.busy_ns, b.busy_ns);
      s.backpressured_ns = std::max(s.backpressured_ns, b.backpressured_ns);
      s.idle_ns =
        std::max(std::max<std::int64_t>(s.alive_ns - s.busy_ns - s.backpressured_ns, 0), b.idle_ns);
    } else {
      s.idle_ns = std::max<std::int64_t>(s.alive_ns - s.busy_ns - s.backpressured_ns, 0);
    }
    return s;
  }

  instance_rates rates_of(const core::instance_snapshot& cur, const previous* before,
                          std::int64_t now_ns) {
    instance_rates r;
    r.node = cur.node;
    r.instance = cur.instance;
    r.totals = cur;
    core::instance_snapshot zero;
    const auto& b = before ? before->totals : zero;
    // Without an earlier sample: averages since the instance started.
    double dt = before ? static_cast<double>(now_ns - before->at_ns) / 1e9
                       : static_cast<double>(cur.alive_ns) / 1e9;
    if (dt > 0) {
      r.records_in_per_second = static_cast<double>(cur.records_in - b.records_in) / dt;
      r.records_out_per_second = static_cast<double>(cur.records_out - b.records_out) / dt;
    }
    auto alive = static_cast<double>(cur.alive_ns - b.alive_ns);
    if (alive > 0) {
      r.busy_ms_per_second =
        std::min(1000.0, 1000.0 * static_cast<double>(cur.busy_ns - b.busy_ns) / alive);
      r.backpressured_ms_per_second =
        std::min(1000.0 - r.busy_ms_per_second,
                 1000.0 * static_cast<double>(cur.backpressured_ns - b.backpressured_ns) / alive);
      r.idle_ms_per_second = 1000.0 - r.busy_ms_per_second - r.backpressured_ms_per_second;
    }
    // A finished instance keeps the split of its last alive part (zeros
    // once it has been finished for a whole interval).
    r.state = cur.finished ? activity::finished
                           : dominant(r.busy_ms_per_second, r.idle_ms_per_second,
                                      r.backpressured_ms_per_second);
    return r;
  }

  void fill_nodes(metrics_frame& f) {
    std::vector<double> edge_fill_of(pipeline.edges.size(), 0);
    f.edges.clear();
    for (std::size_t k = 0; k < pipeline.edges.size(); ++k) {
      const auto& spec = pipeline.doc.edges[k];
      edge_fill e;
      e.from = spec.from.to_string();
      e.to = spec.to.to_string();
      bool counted = false;
      for (const auto& inst : f.instances)
        for (const auto& q : inst.totals.input_queues)
          if (q.edge == k) {
            e.queued += q.queued;
            e.capacity += q.capacity;
            counted = true;
          }
      if (counted) {
        e.fill = e.capacity ? static_cast<double>(e.queued) / static_cast<double>(e.capacity) : 0;
      } else {
        // No per-channel counters (hand-made snapshots): a node with this
        // single input edge has its instances' queue fill on it.
        auto to = pipeline.edges[k].to_node;
        std::size_t inputs = 0;
        for (const auto& other : pipeline.edges) inputs += other.to_node == to ? 1 : 0;
        double sum = 0;
        std::size_t n = 0;
        for (const auto& inst : f.instances)
          if (inst.node == pipeline.nodes[to].spec->id) {
            sum += inst.totals.queue_fill;
            ++n;
          }
        if (inputs == 1 && n > 0) e.fill = sum / static_cast<double>(n);
      }
      e.fill = std::clamp(e.fill, 0.0, 1.0);
      edge_fill_of[k] = e.fill;
      f.edges.push_back(std::move(e));
    }

    f.nodes.clear();
    for (std::size_t i = 0; i < pipeline.nodes.size(); ++i) {
      const auto& rn = pipeline.nodes[i];
      node_rates n;
      n.node = rn.spec->id;
      n.kind = rn.spec->kind;
      n.parallelism = static_cast<std::size_t>(std::max<std::int64_t>(rn.spec->parallelism, 1));
      n.is_source = rn.desc && rn.desc->is_source();
      n.is_sink = rn.desc && rn.desc->is_sink();
      std::size_t live = 0, all = 0;
      for (const auto& inst : f.instances) {
        if (inst.node != n.node) continue;
        ++all;
        const auto& t = inst.totals;
        n.records_in += t.records_in;
        n.records_out += t.records_out;
        n.errors += t.errors;
        n.late_dropped += t.late_dropped;
        n.filtered += t.filtered;
        n.records_in_per_second += inst.records_in_per_second;
        n.records_out_per_second += inst.records_out_per_second;
        if (t.watermark != core::min_timestamp && t.watermark != core::max_timestamp)
          n.watermark = n.watermark ? std::min(*n.watermark, t.watermark) : t.watermark;
        if (auto c = connector_of(t)) {
          if (!n.connector) {
            n.connector = c;
          } else {
            n.connector->up = n.connector->up && c->up;
            n.connector->reconnects += c->reconnects;
            if (c->last_error_ms > n.connector->last_error_ms) {
              n.connector->last_error = c->last_error;
              n.connector->last_error_ms = c->last_error_ms;
            }
          }
        }
        if (inst.state == activity::finished) continue;
        ++live;
        n.busy_ms_per_second += inst.busy_ms_per_second;
        n.idle_ms_per_second += inst.idle_ms_per_second;
        n.backpressured_ms_per_second += inst.backpressured_ms_per_second;
      }
      if (live > 0) {
        auto d = static_cast<double>(live);
        n.busy_ms_per_second /= d;
        n.idle_ms_per_second /= d;
        n.backpressured_ms_per_second /= d;
        n.state =
          dominant(n.busy_ms_per_second, n.idle_ms_per_second, n.backpressured_ms_per_second);
      } else {
        n.state = all > 0 ? activity::finished : activity::idle;
      }
      if (n.watermark && n.state != activity::finished)
        n.watermark_lag_seconds =
          (static_cast<double>(f.wall_ms) * 1000.0 - static_cast<double>(*n.watermark)) / 1e6;
      for (std::size_t k = 0; k < pipeline.edges.size(); ++k)
        if (pipeline.edges[k].to_node == i) n.queue_fill = std::max(n.queue_fill, edge_fill_of[k]);
      f.nodes.push_back(std::move(n));
    }
  }
};

metrics_sampler::metrics_sampler(const core::pipeline::checked_pipeline& pipeline,
                                 std::size_t history_seconds)
  : state_(std::make_shared<state>()) {
  state_->pipeline = pipeline;
  state_->history_seconds = std::max<std::size_t>(history_seconds, 1);
  state_->latest.pipeline = pipeline.doc.name;
}

const metrics_frame& metrics_sampler::sample(const std::vector<core::instance_snapshot>& snapshot,
                                             std::int64_t now_ns, std::int64_t wall_ms,
                                             checkpoint_figures checkpoints) {
  auto& st = *state_;
  if (st.first) {
    std::int64_t oldest = 0;
    for (const auto& s : snapshot) oldest = std::max(oldest, s.alive_ns);
    st.origin_ns = now_ns - oldest;
    st.first = false;
  }
  metrics_frame f;
  f.pipeline = st.pipeline.doc.name;
  f.t_seconds = static_cast<double>(now_ns - st.origin_ns) / 1e9;
  f.wall_ms = wall_ms;
  for (const auto& raw : snapshot) {
    auto key = std::make_pair(raw.node, raw.instance);
    auto it = st.prev.find(key);
    const previous* before = it == st.prev.end() ? nullptr : &it->second;
    auto cur = st.clamp(raw, before);
    f.instances.push_back(st.rates_of(cur, before, now_ns));
    st.prev[key] = previous{cur, now_ns};
  }
  st.fill_nodes(f);
  f.bottleneck = find_bottleneck(st.pipeline, f.nodes);
  f.checkpoints = std::move(checkpoints);
  st.latest = std::move(f);

  // History at about one frame a second, whatever the sampling rate.
  if (st.history.empty() || st.latest.t_seconds - st.history.back().t_seconds >= 0.95)
    st.history.push_back(st.latest);
  while (st.history.size() > st.history_seconds
         || (!st.history.empty()
             && st.latest.t_seconds - st.history.front().t_seconds
                  > static_cast<double>(st.history_seconds)))
    st.history.pop_front();
  return st.latest;
}

const metrics_frame& metrics_sampler::latest() const { return state_->latest; }

const std::deque<metrics_frame>& metrics_sampler::history() const { return state_->history; }

std::int64_t steady_now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
           std::chrono::steady_clock::now().time_since_epoch())
    .count();
}

std::int64_t wall_now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
           std::chrono::system_clock::now().time_since_epoch())
    .count();
}

} // namespace sluice::observe
