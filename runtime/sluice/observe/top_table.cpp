#include "sluice/observe/top_table.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "sluice/core/printable.hpp"

namespace sluice::observe {

namespace {

const char* const bold = "\033[1m";
const char* const reverse = "\033[7m";
const char* const red = "\033[1;31m";
const char* const reset = "\033[0m";

std::string fit(std::string s, std::size_t w) {
  if (s.size() > w) s.resize(w);
  return s;
}

std::string pad_right(const std::string& s, std::size_t w) {
  auto t = fit(s, w);
  return t + std::string(w - t.size(), ' ');
}

std::string pad_left(const std::string& s, std::size_t w) {
  auto t = fit(s, w);
  return std::string(w - t.size(), ' ') + t;
}

/// "|####  | 71%": 12 characters for 0..1000 ms/s.
std::string bar(double ms_per_second) {
  double share = std::clamp(ms_per_second / 1000.0, 0.0, 1.0);
  int filled = static_cast<int>(std::lround(share * 6));
  char pct[8];
  std::snprintf(pct, sizeof pct, "%3d%%", static_cast<int>(std::lround(share * 100)));
  return "|" + std::string(static_cast<std::size_t>(filled), '#')
         + std::string(static_cast<std::size_t>(6 - filled), ' ') + "|" + pct;
}

std::string lag_text(const std::optional<double>& lag) {
  if (!lag) return "-";
  double s = *lag;
  char buf[32];
  double a = std::fabs(s);
  if (a < 60) std::snprintf(buf, sizeof buf, "%.1fs", s);
  else if (a < 3600) std::snprintf(buf, sizeof buf, "%.0fm", s / 60);
  else if (a < 172800) std::snprintf(buf, sizeof buf, "%.1fh", s / 3600);
  else std::snprintf(buf, sizeof buf, "%.0fd", s / 86400);
  return buf;
}

/// "3s", "12m", "1.5h": how long ago, rounded for a glance.
std::string age_text(std::int64_t ms) {
  double s = static_cast<double>(std::max<std::int64_t>(ms, 0)) / 1000;
  char buf[32];
  if (s < 60) std::snprintf(buf, sizeof buf, "%.0fs", std::floor(s));
  else if (s < 3600) std::snprintf(buf, sizeof buf, "%.0fm", std::floor(s / 60));
  else std::snprintf(buf, sizeof buf, "%.1fh", s / 3600);
  return buf;
}

/// "12ms", "3.4s"
std::string duration_text(std::int64_t ms) {
  char buf[32];
  if (ms < 1000) std::snprintf(buf, sizeof buf, "%lldms", static_cast<long long>(ms));
  else std::snprintf(buf, sizeof buf, "%.1fs", static_cast<double>(ms) / 1000);
  return buf;
}

/// The checkpoint line of the header, or "" when there is nothing to say
/// (no checkpoints and no restarts).
std::string checkpoint_line(const checkpoint_figures& c, std::int64_t wall_ms) {
  std::string restarts = "restarts " + std::to_string(c.restarts);
  if (!c.enabled) return c.restarts > 0 ? "checkpoints off  " + restarts : std::string();
  std::string counts =
    "completed " + std::to_string(c.completed) + "  abandoned " + std::to_string(c.abandoned);
  if (c.last_id == 0) return "checkpoint: none completed yet  " + restarts + "  " + counts;
  return "checkpoint " + std::to_string(c.last_id) + "  " + age_text(wall_ms - c.last_completed_ms)
         + " ago  took " + duration_text(c.last_duration_ms) + "  "
         + compact_bytes(static_cast<double>(c.last_bytes)) + "  " + restarts + "  " + counts;
}

/// A count in at most `w` characters: exact while it fits, else compact.
std::string count_in(std::uint64_t n, std::size_t w) {
  auto exact = std::to_string(n);
  return exact.size() <= w ? exact : compact_count(static_cast<double>(n));
}

std::string uptime(double secs) {
  auto t = static_cast<long long>(std::max(0.0, secs));
  char buf[32];
  std::snprintf(buf, sizeof buf, "%lld:%02lld:%02lld", t / 3600, (t / 60) % 60, t % 60);
  return buf;
}

} // namespace

std::string compact_count(double v) {
  char buf[32];
  if (v >= 1e9) std::snprintf(buf, sizeof buf, "%.2fG", v / 1e9);
  else if (v >= 1e6) std::snprintf(buf, sizeof buf, "%.2fM", v / 1e6);
  else if (v >= 1e4) std::snprintf(buf, sizeof buf, "%.1fk", v / 1e3);
  else std::snprintf(buf, sizeof buf, "%.0f", std::max(0.0, v));
  return buf;
}

std::string compact_bytes(double v) {
  char buf[32];
  v = std::max(0.0, v);
  if (v < 1e3) std::snprintf(buf, sizeof buf, "%.0fB", v);
  else if (v < 1e4) std::snprintf(buf, sizeof buf, "%.1fkB", v / 1e3);
  else if (v < 1e6) std::snprintf(buf, sizeof buf, "%.0fkB", v / 1e3);
  else if (v < 1e7) std::snprintf(buf, sizeof buf, "%.1fMB", v / 1e6);
  else if (v < 1e9) std::snprintf(buf, sizeof buf, "%.0fMB", v / 1e6);
  else if (v < 1e10) std::snprintf(buf, sizeof buf, "%.1fGB", v / 1e9);
  else std::snprintf(buf, sizeof buf, "%.0fGB", v / 1e9);
  return buf;
}

std::vector<std::string> render_top(const metrics_frame& f, const top_header& h, int width,
                                    int height, bool color) {
  // One column spare: writing the last column makes some terminals wrap.
  auto w = static_cast<std::size_t>(std::max(width, 20) - 1);
  auto rows = static_cast<std::size_t>(std::max(height, 1));
  std::vector<std::string> out;
  auto add = [&](const std::string& text, const char* attr = nullptr) {
    if (out.size() >= rows) return;
    // Names and messages come from the server: never let them steer the terminal.
    auto t = fit(core::printable(text, 4096, false), w);
    if (color && attr) t = attr + t + reset;
    out.push_back(std::move(t));
  };

  double in_rate = 0, out_rate = 0;
  std::uint64_t in_total = 0, out_total = 0, errors = 0, late = 0;
  for (const auto& n : f.nodes) {
    if (n.is_source) {
      in_rate += n.records_out_per_second;
      in_total += n.records_out;
    }
    if (n.is_sink) {
      out_rate += n.records_in_per_second;
      out_total += n.records_in;
    }
    errors += n.errors;
    late += n.late_dropped;
  }
  std::string title = "sluice top  " + (f.pipeline.empty() ? std::string("(unnamed)") : f.pipeline)
                      + "  [" + (h.status.empty() ? std::string("?") : h.status) + "]  up "
                      + uptime(f.t_seconds);
  if (!h.source.empty()) title += "  " + h.source;
  add(title, bold);
  add("in " + compact_count(in_rate) + "/s  out " + compact_count(out_rate) + "/s  total in "
      + compact_count(static_cast<double>(in_total)) + "  out "
      + compact_count(static_cast<double>(out_total)) + "  errors " + std::to_string(errors)
      + "  late " + std::to_string(late));
  const auto& cp = f.checkpoints;
  if (auto line = checkpoint_line(cp, f.wall_ms); !line.empty()) add(line);
  if (f.bottleneck.empty()) add("bottleneck: none (nothing is back-pressured)");
  else add("bottleneck: " + f.bottleneck + "  (busiest node below the back-pressured ones)", red);
  // A connector that lost its server says so above the table, with why.
  for (const auto& n : f.nodes)
    if (n.connector && !n.connector->up)
      add("connector " + n.node + " is down: "
            + (n.connector->last_error.empty() ? std::string("no connection yet")
                                               : n.connector->last_error)
            + "  (reconnects " + std::to_string(n.connector->reconnects) + ")",
          red);
  add(h.message, h.message.empty() ? nullptr : bold);

  // With checkpoints the STATE column (bytes of the node's part in the
  // last checkpoint) takes 7 columns: the rates, lag and errors give up
  // one each and the node column the rest. The node column grows with the
  // terminal: 12 at 80 columns, 9 with STATE (79 used, so no terminal
  // wraps the last column).
  const bool state_column = cp.enabled;
  const std::size_t rate_w = state_column ? 7 : 8, lag_w = state_column ? 6 : 7,
                    err_w = state_column ? 6 : 7;
  const std::size_t fixed = 2 * rate_w + 12 + 12 + 5 + lag_w + err_w + 8 + (state_column ? 7 : 0);
  std::size_t nw = std::clamp<std::size_t>(w > fixed ? w - fixed : 6, 6, 40);
  auto row = [&](const std::string& node, const std::string& in, const std::string& outs,
                 const std::string& busy, const std::string& bp, const std::string& queue,
                 const std::string& lag, const std::string& err, const std::string& state) {
    auto text = pad_right(node, nw) + " " + pad_left(in, rate_w) + " " + pad_left(outs, rate_w)
                + " " + pad_right(busy, 12) + " " + pad_right(bp, 12) + " " + pad_left(queue, 5)
                + " " + pad_left(lag, lag_w) + " " + pad_left(err, err_w);
    if (state_column) text += " " + pad_left(state, 6);
    return text;
  };
  add(pad_right(
        row("NODE", "IN/s", "OUT/s", "BUSY", "BACKPRESS", "QUEUE", "WM LAG", "ERRORS", "STATE"), w),
      reverse);

  std::size_t room = rows > out.size() + 1 ? rows - out.size() - 1 : 0; // footer keeps a line
  std::size_t shown = 0;
  for (const auto& n : f.nodes) {
    if (shown + 1 == room && f.nodes.size() > room) {
      add("... " + std::to_string(f.nodes.size() - shown) + " more nodes (enlarge the terminal)");
      ++shown;
      break;
    }
    if (shown >= room) break;
    bool marked = n.node == f.bottleneck;
    char queue[16];
    std::snprintf(queue, sizeof queue, "%3.0f%%", 100.0 * n.queue_fill);
    std::string name = (marked ? "*" : " ") + n.node;
    if (n.state == activity::finished) name += " (done)";
    else if (n.connector && !n.connector->up) name += " (down)";
    auto state = cp.state_bytes.find(n.node);
    add(
      row(name, compact_count(n.records_in_per_second), compact_count(n.records_out_per_second),
          bar(n.busy_ms_per_second), bar(n.backpressured_ms_per_second), n.is_source ? "-" : queue,
          lag_text(n.watermark_lag_seconds), count_in(n.errors, err_w),
          state == cp.state_bytes.end() ? "-" : compact_bytes(static_cast<double>(state->second))),
      marked || (n.connector && !n.connector->up) ? red : nullptr);
    ++shown;
  }
  while (out.size() + 1 < rows) out.emplace_back();
  add(h.keys + "   BUSY/BACKPRESS: ms per second   * bottleneck");
  return out;
}

} // namespace sluice::observe
