#include "sluice/observe/prometheus_text.hpp"

#include <sys/time.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <prometheus/text_serializer.h>

namespace sluice::observe {

using prometheus::ClientMetric;
using prometheus::MetricFamily;
using prometheus::MetricType;

namespace {

MetricFamily family(std::string name, std::string help, MetricType type) {
  MetricFamily f;
  f.name = std::move(name);
  f.help = std::move(help);
  f.type = type;
  return f;
}

void add(MetricFamily& f, std::vector<ClientMetric::Label> labels, double value) {
  ClientMetric m;
  m.label = std::move(labels);
  if (f.type == MetricType::Counter) m.counter.value = value;
  else m.gauge.value = value;
  f.metric.push_back(std::move(m));
}

} // namespace

process_stats read_process_stats() {
  process_stats p;
  const double tick = static_cast<double>(sysconf(_SC_CLK_TCK));
  const double page = static_cast<double>(sysconf(_SC_PAGESIZE));
  std::ifstream stat("/proc/self/stat");
  std::string line;
  if (std::getline(stat, line)) {
    // Fields after the command name, which is in parentheses and may hold spaces.
    auto close = line.rfind(')');
    if (close != std::string::npos) {
      std::istringstream rest(line.substr(close + 2));
      std::vector<std::string> f;
      for (std::string x; rest >> x;) f.push_back(x);
      // f[0] is field 3 (state): utime 14, stime 15, starttime 22, vsize 23, rss 24
      if (f.size() > 21) {
        p.cpu_seconds = (std::stod(f[11]) + std::stod(f[12])) / tick;
        p.virtual_bytes = std::stod(f[20]);
        p.resident_bytes = std::stod(f[21]) * page;
        double boot = 0;
        std::ifstream system_stat("/proc/stat");
        for (std::string key; system_stat >> key;) {
          if (key == "btime") {
            system_stat >> boot;
            break;
          }
          std::getline(system_stat, key);
        }
        p.start_time_seconds = boot + std::stod(f[18]) / tick;
      }
    }
  }
  std::error_code ec;
  for (auto it = std::filesystem::directory_iterator("/proc/self/fd", ec);
       !ec && it != std::filesystem::directory_iterator(); it.increment(ec))
    p.open_fds += 1;
  return p;
}

std::vector<MetricFamily> collect(const metrics_frame& frame, const process_stats& process,
                                  std::int64_t now_ms) {
  const std::string& pipe = frame.pipeline;
  auto in = family("sluice_records_in_total", "Records an operator instance has taken in.",
                   MetricType::Counter);
  auto out = family("sluice_records_out_total", "Records an operator instance has emitted.",
                    MetricType::Counter);
  auto err =
    family("sluice_records_error_total",
           "Records an operator instance could not handle (sent to its errors port or counted).",
           MetricType::Counter);
  auto late =
    family("sluice_records_late_total", "Records dropped because they arrived after the watermark.",
           MetricType::Counter);
  auto filtered = family("sluice_records_filtered_total",
                         "Records an operator instance dropped on purpose (filters, dedupe).",
                         MetricType::Counter);
  auto busy = family("sluice_busy_seconds_total",
                     "Time an instance spent working (Flink's busyTime).", MetricType::Counter);
  auto idle =
    family("sluice_idle_seconds_total",
           "Time an instance spent waiting for input (Flink's idleTime).", MetricType::Counter);
  auto bp = family("sluice_backpressured_seconds_total",
                   "Time an instance could not go on because downstream gave no credit "
                   "(Flink's backPressuredTime).",
                   MetricType::Counter);
  auto lag =
    family("sluice_watermark_lag_seconds",
           "Wall clock minus the instance's input watermark (event time only).", MetricType::Gauge);
  for (const auto& i : frame.instances) {
    std::vector<ClientMetric::Label> labels{
      {"pipeline", pipe}, {"node", i.node}, {"instance", std::to_string(i.instance)}};
    const auto& t = i.totals;
    add(in, labels, static_cast<double>(t.records_in));
    add(out, labels, static_cast<double>(t.records_out));
    add(err, labels, static_cast<double>(t.errors));
    add(late, labels, static_cast<double>(t.late_dropped));
    add(filtered, labels, static_cast<double>(t.filtered));
    add(busy, labels, static_cast<double>(t.busy_ns) / 1e9);
    add(idle, labels, static_cast<double>(t.idle_ns) / 1e9);
    add(bp, labels, static_cast<double>(t.backpressured_ns) / 1e9);
    if (t.watermark != core::min_timestamp && t.watermark != core::max_timestamp && !t.finished)
      add(lag, labels,
          (static_cast<double>(frame.wall_ms) * 1000.0 - static_cast<double>(t.watermark)) / 1e6);
  }
  auto fill = family("sluice_edge_queue_fill_ratio",
                     "Records waiting at the receiving end of an edge over its capacity (0..1).",
                     MetricType::Gauge);
  for (const auto& e : frame.edges)
    add(fill, {{"pipeline", pipe}, {"from", e.from}, {"to", e.to}}, e.fill);
  auto bottleneck = family("sluice_bottleneck_info",
                           "1 for the node found to be the bottleneck (busiest node below "
                           "back-pressured ones); absent when nothing is back-pressured.",
                           MetricType::Gauge);
  if (!frame.bottleneck.empty())
    add(bottleneck, {{"pipeline", pipe}, {"node", frame.bottleneck}}, 1);

  auto up = family("sluice_connector_up",
                   "1 while a connector node reaches its server (every instance), 0 while it "
                   "does not.",
                   MetricType::Gauge);
  auto reconnects = family("sluice_connector_reconnects_total",
                           "Times a connector node's link to its server came back after it was "
                           "lost.",
                           MetricType::Counter);
  auto last_error = family("sluice_connector_last_error_timestamp_seconds",
                           "When a connector node last reported an error (Unix time); the text "
                           "is in /api/metrics.",
                           MetricType::Gauge);
  for (const auto& n : frame.nodes) {
    if (!n.connector) continue;
    std::vector<ClientMetric::Label> labels{{"pipeline", pipe}, {"node", n.node}};
    add(up, labels, n.connector->up ? 1 : 0);
    add(reconnects, labels, static_cast<double>(n.connector->reconnects));
    if (n.connector->last_error_ms > 0)
      add(last_error, labels, static_cast<double>(n.connector->last_error_ms) / 1e3);
  }

  const auto& cp = frame.checkpoints;
  auto restarts = family("sluice_restarts_total",
                         "Times the run was restarted by its restart strategy after a failure.",
                         MetricType::Counter);
  add(restarts, {{"pipeline", pipe}}, static_cast<double>(cp.restarts));
  auto completed =
    family("sluice_checkpoints_completed_total", "Checkpoints completed.", MetricType::Counter);
  auto abandoned =
    family("sluice_checkpoints_abandoned_total",
           "Checkpoints abandoned (not complete in time, or a part could not be written).",
           MetricType::Counter);
  auto last_id = family("sluice_checkpoint_last_id",
                        "Id of the last completed checkpoint (0 before the first completes).",
                        MetricType::Gauge);
  auto age = family("sluice_checkpoint_age_seconds",
                    "Time since the last completed checkpoint completed.", MetricType::Gauge);
  auto duration =
    family("sluice_checkpoint_duration_seconds",
           "Time the last completed checkpoint took, from trigger to complete.", MetricType::Gauge);
  auto size = family("sluice_checkpoint_size_bytes", "Size of the last completed checkpoint.",
                     MetricType::Gauge);
  auto state = family("sluice_state_bytes",
                      "Bytes of a node's part (operator state and records in flight) in the "
                      "last completed checkpoint.",
                      MetricType::Gauge);
  if (cp.enabled) {
    std::vector<ClientMetric::Label> labels{{"pipeline", pipe}};
    add(completed, labels, static_cast<double>(cp.completed));
    add(abandoned, labels, static_cast<double>(cp.abandoned));
    add(last_id, labels, static_cast<double>(cp.last_id));
    if (cp.last_id > 0) {
      add(age, labels,
          static_cast<double>(std::max<std::int64_t>(now_ms - cp.last_completed_ms, 0)) / 1e3);
      add(duration, labels, static_cast<double>(cp.last_duration_ms) / 1e3);
      add(size, labels, static_cast<double>(cp.last_bytes));
      for (const auto& [node, bytes] : cp.state_bytes)
        add(state, {{"pipeline", pipe}, {"node", node}}, static_cast<double>(bytes));
    }
  }

  auto cpu = family("process_cpu_seconds_total", "Total user and system CPU time spent in seconds.",
                    MetricType::Counter);
  add(cpu, {}, process.cpu_seconds);
  auto rss =
    family("process_resident_memory_bytes", "Resident memory size in bytes.", MetricType::Gauge);
  add(rss, {}, process.resident_bytes);
  auto vms =
    family("process_virtual_memory_bytes", "Virtual memory size in bytes.", MetricType::Gauge);
  add(vms, {}, process.virtual_bytes);
  auto start = family("process_start_time_seconds",
                      "Start time of the process since unix epoch in seconds.", MetricType::Gauge);
  add(start, {}, process.start_time_seconds);
  auto fds = family("process_open_fds", "Number of open file descriptors.", MetricType::Gauge);
  add(fds, {}, process.open_fds);

  std::vector<MetricFamily> all;
  for (auto* f :
       {&in,       &out,       &err,       &late,       &filtered, &busy,       &idle,
        &bp,       &fill,      &lag,       &bottleneck, &up,       &reconnects, &last_error,
        &restarts, &completed, &abandoned, &last_id,    &age,      &duration,   &size,
        &state,    &cpu,       &rss,       &vms,        &start,    &fds})
    if (!f->metric.empty()) all.push_back(std::move(*f));
  return all;
}

std::string prometheus_text(const metrics_frame& frame, const process_stats& process,
                            std::int64_t now_ms) {
  return prometheus::TextSerializer().Serialize(collect(frame, process, now_ms));
}

} // namespace sluice::observe
