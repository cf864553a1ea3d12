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
  if (f.bottleneck.empty()) add("bottleneck: none (nothing is back-pressured)");
  else add("bottleneck: " + f.bottleneck + "  (busiest node below the back-pressured ones)", red);
  add(h.message, h.message.empty() ? nullptr : bold);

  // node column grows with the terminal: 13 at 80 columns (79 used, so
  // no terminal wraps the last column)
  std::size_t nw = std::clamp<std::size_t>(w > 67 ? w - 67 : 6, 6, 40);
  auto row = [&](const std::string& node, const std::string& in, const std::string& outs,
                 const std::string& busy, const std::string& bp, const std::string& queue,
                 const std::string& lag, const std::string& err) {
    return pad_right(node, nw) + " " + pad_left(in, 8) + " " + pad_left(outs, 8) + " "
           + pad_right(busy, 12) + " " + pad_right(bp, 12) + " " + pad_left(queue, 5) + " "
           + pad_left(lag, 7) + " " + pad_left(err, 7);
  };
  add(pad_right(row("NODE", "IN/s", "OUT/s", "BUSY", "BACKPRESS", "QUEUE", "WM LAG", "ERRORS"), w),
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
    add(row(name, compact_count(n.records_in_per_second), compact_count(n.records_out_per_second),
            bar(n.busy_ms_per_second), bar(n.backpressured_ms_per_second),
            n.is_source ? "-" : queue, lag_text(n.watermark_lag_seconds), std::to_string(n.errors)),
        marked ? red : nullptr);
    ++shown;
  }
  while (out.size() + 1 < rows) out.emplace_back();
  add(h.keys + "   BUSY/BACKPRESS: ms per second   * bottleneck");
  return out;
}

} // namespace sluice::observe
