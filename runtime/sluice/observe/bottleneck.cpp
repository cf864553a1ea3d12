#include <unordered_map>

#include "sluice/observe/metrics_frame.hpp"

namespace sluice::observe {

namespace {

bool backpressured(const node_rates& n) {
  return n.state == activity::backpressured
         || n.backpressured_ms_per_second > backpressured_threshold_ms;
}

} // namespace

std::string find_bottleneck(const core::pipeline::checked_pipeline& pipeline,
                            const std::vector<node_rates>& nodes) {
  const auto count = pipeline.nodes.size();
  std::unordered_map<std::string, const node_rates*> by_id;
  for (const auto& n : nodes) by_id[n.node] = &n;
  std::vector<const node_rates*> rates(count, nullptr);
  for (std::size_t i = 0; i < count; ++i) {
    auto it = by_id.find(pipeline.nodes[i].spec->id);
    if (it != by_id.end()) rates[i] = it->second;
  }
  std::vector<std::vector<std::size_t>> next(count);
  for (const auto& e : pipeline.edges)
    if (e.from_node < count && e.to_node < count) next[e.from_node].push_back(e.to_node);

  auto is_bp = [&](std::size_t i) { return rates[i] && backpressured(*rates[i]); };
  // Walk down from every back-pressured node through back-pressured nodes;
  // the first other node on each path is a candidate.
  std::vector<bool> seen(count, false), candidate(count, false);
  std::vector<std::size_t> todo;
  for (std::size_t i = 0; i < count; ++i)
    if (is_bp(i)) {
      seen[i] = true;
      todo.push_back(i);
    }
  while (!todo.empty()) {
    auto i = todo.back();
    todo.pop_back();
    for (auto j : next[i]) {
      if (is_bp(j)) {
        if (!seen[j]) {
          seen[j] = true;
          todo.push_back(j);
        }
      } else if (rates[j] && rates[j]->state != activity::finished) {
        candidate[j] = true;
      }
    }
  }
  const node_rates* best = nullptr;
  for (std::size_t i = 0; i < count; ++i)
    if (candidate[i] && (!best || rates[i]->busy_ms_per_second > best->busy_ms_per_second))
      best = rates[i];
  return best ? best->node : std::string();
}

} // namespace sluice::observe
