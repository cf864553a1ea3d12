// `sluice checkpoints DIR [--json]`: the complete checkpoints of a checkpoint
// directory, oldest first, with each node's state size, and the one a
// restart would resume from (checkpoint::resume_point).

#include <algorithm>
#include <filesystem>
#include <iostream>

#include "commands.hpp"
#include "sluice/checkpoint/resume_plan.hpp"
#include "sluice/checkpoint/size_text.hpp"
#include "sluice/checkpoint/store.hpp"
#include "sluice/core/printable.hpp"

namespace sluice::app {

namespace {

struct listing {
  std::vector<checkpoint::checkpoint_info> all;
  std::optional<std::pair<std::int64_t, std::uint64_t>> finished;
  std::optional<std::uint64_t> restart_from;
};

std::string pad(std::string s, std::size_t width) {
  if (s.size() < width) s.append(width - s.size(), ' ');
  return s;
}

std::string pad_left(const std::string& s, std::size_t width) {
  return s.size() < width ? std::string(width - s.size(), ' ') + s : s;
}

std::string duration_text(std::int64_t ms) {
  if (ms < 1000) return std::to_string(ms) + " ms";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f s", static_cast<double>(ms) / 1000.0);
  return buf;
}

std::uint64_t node_bytes(const checkpoint::node_state& n) {
  std::uint64_t total = 0;
  for (auto b : n.instance_bytes) total += b;
  return total;
}

std::string restart_sentence(const listing& l) {
  if (l.finished)
    return "the run finished at " + checkpoint::format_wall_time(l.finished->first)
           + " after checkpoint " + std::to_string(l.finished->second)
           + ": its output is complete, so a run will not resume it; --fresh starts over";
  if (!l.restart_from) return "no complete checkpoint: a restart starts fresh";
  return "a restart resumes from checkpoint " + std::to_string(*l.restart_from);
}

void print_text(const std::filesystem::path& dir, const listing& l) {
  std::cout << "checkpoints in " << core::printable(dir.string()) << " (oldest first):\n";
  if (l.all.empty()) std::cout << "  none\n";
  else {
    std::size_t id_width = 2, id_node_width = 0;
    for (const auto& c : l.all) {
      id_width = std::max(id_width, std::to_string(c.id).size());
      for (const auto& n : c.nodes) id_node_width = std::max(id_node_width, n.id.size());
    }
    std::cout << "  " << pad_left("id", id_width) << "  " << pad("taken", 23) << "  "
              << pad("duration", 9) << "  " << pad("size", 10) << "  savepoint\n";
    for (const auto& c : l.all) {
      bool chosen = l.restart_from && *l.restart_from == c.id;
      std::string row = "  " + pad_left(std::to_string(c.id), id_width) + "  "
                        + pad(checkpoint::format_wall_time(c.taken_ms), 23) + "  "
                        + pad(duration_text(c.duration_ms), 9) + "  "
                        + pad(checkpoint::format_size(c.bytes()), 10) + "  "
                        + (c.savepoint ? "yes" : "no");
      if (chosen)
        row = pad(row, 2 + id_width + 2 + 23 + 2 + 9 + 2 + 10 + 2 + 9)
              + "  <- a restart resumes from here";
      std::cout << row << "\n";
      for (const auto& n : c.nodes) {
        std::string line = std::string(id_width + 4, ' ') + pad(n.id, id_node_width) + "  "
                           + pad_left(checkpoint::format_size(node_bytes(n)), 10) + "  " + n.kind;
        if (n.parallelism > 1) {
          line += ", " + std::to_string(n.parallelism) + " instances:";
          for (auto b : n.instance_bytes) line += " " + checkpoint::format_size(b) + ",";
          line.pop_back();
        }
        std::cout << core::printable(line, 1000, false) << "\n";
      }
    }
  }
  std::cout << restart_sentence(l) << "\n";
}

void print_json(const std::filesystem::path& dir, const listing& l) {
  auto list = nlohmann::json::array();
  for (const auto& c : l.all) {
    auto nodes = nlohmann::json::array();
    for (const auto& n : c.nodes)
      nodes.push_back({{"id", n.id},
                       {"kind", n.kind},
                       {"parallelism", n.parallelism},
                       {"bytes", node_bytes(n)},
                       {"instance_bytes", n.instance_bytes}});
    list.push_back({{"id", c.id},
                    {"taken_ms", c.taken_ms},
                    {"taken", checkpoint::format_wall_time(c.taken_ms)},
                    {"duration_ms", c.duration_ms},
                    {"bytes", c.bytes()},
                    {"savepoint", c.savepoint},
                    {"nodes", std::move(nodes)}});
  }
  nlohmann::json finished = nullptr;
  if (l.finished)
    finished = {{"ended_ms", l.finished->first}, {"last_checkpoint", l.finished->second}};
  nlohmann::json out{{"dir", dir.string()},
                     {"checkpoints", std::move(list)},
                     {"finished", std::move(finished)},
                     {"restart_from", l.restart_from ? nlohmann::json(*l.restart_from) : nullptr},
                     {"restart", restart_sentence(l)}};
  // Replace, not throw, on bytes that are not UTF-8 (a path may hold any).
  std::cout << out.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
}

} // namespace

int checkpoints_command(const std::string& dir_text, bool json) {
  const std::filesystem::path dir(dir_text);
  std::error_code ec;
  if (!std::filesystem::exists(dir, ec)) {
    std::cerr << "sluice: no checkpoint directory '" << core::printable(dir_text) << "'\n";
    return exit_invalid;
  }
  listing l;
  try {
    checkpoint::store s(dir, false);
    l.all = s.list();
    l.finished = s.finished();
    if (auto point = checkpoint::resume_point(s)) l.restart_from = point->id;
  } catch (const checkpoint::store_error& e) {
    std::cerr << "sluice: error: " << core::printable(e.what()) << "\n";
    return exit_invalid;
  }
  if (json) print_json(dir, l);
  else print_text(dir, l);
  return exit_ok;
}

} // namespace sluice::app
