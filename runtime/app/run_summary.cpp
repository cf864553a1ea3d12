#include "run_summary.hpp"

#include <algorithm>
#include <cstdio>

#include "sluice/observe/metrics_frame.hpp"

namespace sluice::app {

std::vector<node_totals> totals_by_node(const core::pipeline::checked_pipeline& p,
                                        const std::vector<core::instance_snapshot>& snap) {
  std::vector<node_totals> out;
  for (auto idx : p.order) {
    const auto& n = p.nodes[idx];
    node_totals t;
    t.node = n.spec->id;
    t.kind = n.spec->kind;
    t.is_source = n.desc->is_source();
    t.is_sink = n.desc->is_sink();
    for (const auto& s : snap) {
      if (s.node != t.node) continue;
      t.in += s.records_in;
      t.out += s.records_out;
      t.filtered += s.filtered;
      t.errors += s.errors;
      t.busy_ns += s.busy_ns;
      t.backpressured_ns += s.backpressured_ns;
      t.alive_ns += s.alive_ns;
      ++t.instances;
    }
    out.push_back(std::move(t));
  }
  return out;
}

namespace {

/// Busy and back-pressured shares of a node's life, each in [0, 1] and
/// together at most 1. The counters are charged from the first message on,
/// a little before the instance counts itself started, so a run of a few
/// milliseconds could otherwise show more than 100 %.
std::pair<double, double> time_shares(const node_totals& t) {
  double alive = static_cast<double>(std::max<std::int64_t>(t.alive_ns, 1));
  double busy = std::clamp(static_cast<double>(t.busy_ns) / alive, 0.0, 1.0);
  double bp = std::clamp(static_cast<double>(t.backpressured_ns) / alive, 0.0, 1.0 - busy);
  return {busy, bp};
}

} // namespace

std::string human_count(double v) {
  char buf[32];
  if (v >= 1e9) std::snprintf(buf, sizeof buf, "%.2f G", v / 1e9);
  else if (v >= 1e6) std::snprintf(buf, sizeof buf, "%.2f M", v / 1e6);
  else if (v >= 1e4) std::snprintf(buf, sizeof buf, "%.1f k", v / 1e3);
  else std::snprintf(buf, sizeof buf, "%.0f", v);
  return buf;
}

std::string run_bottleneck(const core::pipeline::checked_pipeline& p,
                           const std::vector<node_totals>& totals) {
  std::vector<observe::node_rates> nodes;
  for (const auto& t : totals) {
    observe::node_rates n;
    n.node = t.node;
    auto [busy, bp] = time_shares(t);
    n.busy_ms_per_second = 1000.0 * busy;
    n.backpressured_ms_per_second = 1000.0 * bp;
    n.idle_ms_per_second =
      std::max(0.0, 1000.0 - n.busy_ms_per_second - n.backpressured_ms_per_second);
    n.state = n.backpressured_ms_per_second > observe::backpressured_threshold_ms
                ? observe::activity::backpressured
                : observe::activity::idle;
    nodes.push_back(std::move(n));
  }
  return observe::find_bottleneck(p, nodes);
}

std::string format_summary(const std::vector<node_totals>& totals, double elapsed_s,
                           const std::string& bottleneck) {
  std::size_t w = 4, kw = 4;
  for (const auto& t : totals) {
    w = std::max(w, t.node.size() + (t.node == bottleneck ? 1 : 0));
    kw = std::max(kw, t.kind.size());
  }
  std::string out;
  char line[512];
  std::snprintf(line, sizeof line, "%-*s  %-*s  %12s  %12s  %10s  %8s  %11s  %6s  %6s\n",
                static_cast<int>(w), "node", static_cast<int>(kw), "kind", "in", "out", "filtered",
                "errors", "records/s", "busy", "bp");
  out += line;
  for (const auto& t : totals) {
    auto moved = static_cast<double>(t.is_source ? t.out : t.in);
    double rate = elapsed_s > 0 ? moved / elapsed_s : 0;
    auto [busy, bp] = time_shares(t);
    std::snprintf(
      line, sizeof line, "%-*s  %-*s  %12llu  %12llu  %10llu  %8llu  %11s  %5.1f%%  %5.1f%%\n",
      static_cast<int>(w), (t.node == bottleneck ? "*" + t.node : t.node).c_str(),
      static_cast<int>(kw), t.kind.c_str(), static_cast<unsigned long long>(t.in),
      static_cast<unsigned long long>(t.out), static_cast<unsigned long long>(t.filtered),
      static_cast<unsigned long long>(t.errors), human_count(rate).c_str(), 100.0 * busy,
      100.0 * bp);
    out += line;
  }
  if (!bottleneck.empty())
    out += "* bottleneck: " + bottleneck + " (busiest node below back-pressured ones)\n";
  return out;
}

} // namespace sluice::app
