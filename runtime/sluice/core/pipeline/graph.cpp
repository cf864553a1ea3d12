#include "sluice/core/pipeline/graph.hpp"

#include <deque>

namespace sluice::core::pipeline {

namespace {

using adjacency = std::vector<std::vector<std::size_t>>;

/// Shortest path start -> ... -> start over nodes with `allowed` set, as
/// the list of nodes from `start` (breadth-first search); empty if none.
std::vector<std::size_t> shortest_cycle(const adjacency& next, const std::vector<bool>& allowed,
                                        std::size_t start) {
  constexpr auto none = static_cast<std::size_t>(-1);
  std::vector<std::size_t> parent(next.size(), none);
  std::deque<std::size_t> queue{start};
  while (!queue.empty()) {
    auto v = queue.front();
    queue.pop_front();
    for (auto w : next[v]) {
      if (!allowed[w]) continue;
      if (w == start) {
        std::vector<std::size_t> path;
        for (auto u = v; u != start; u = parent[u]) path.push_back(u);
        path.push_back(start);
        return {path.rbegin(), path.rend()};
      }
      if (parent[w] != none) continue;
      parent[w] = v;
      queue.push_back(w);
    }
  }
  return {};
}

/// The nodes reachable from `start` over nodes with `allowed` set.
std::vector<bool> reachable(const adjacency& next, const std::vector<bool>& allowed,
                            std::size_t start) {
  std::vector<bool> seen(next.size(), false);
  std::vector<std::size_t> stack{start};
  seen[start] = true;
  while (!stack.empty()) {
    auto v = stack.back();
    stack.pop_back();
    for (auto w : next[v])
      if (allowed[w] && !seen[w]) {
        seen[w] = true;
        stack.push_back(w);
      }
  }
  return seen;
}

} // namespace

graph_order order_graph(std::size_t n,
                        const std::vector<std::pair<std::size_t, std::size_t>>& arcs) {
  adjacency next(n);
  std::vector<std::size_t> in_degree(n, 0);
  for (const auto& [from, to] : arcs) {
    next[from].push_back(to);
    ++in_degree[to];
  }

  graph_order result;
  std::deque<std::size_t> ready;
  for (std::size_t v = 0; v < n; ++v)
    if (in_degree[v] == 0) ready.push_back(v);
  std::vector<bool> placed(n, false);
  while (!ready.empty()) {
    auto v = ready.front();
    ready.pop_front();
    placed[v] = true;
    result.order.push_back(v);
    for (auto w : next[v])
      if (--in_degree[w] == 0) ready.push_back(w);
  }

  // What is left is on a cycle or downstream of one. One cycle is named per
  // strongly connected component: the nodes both reachable from its start
  // and reaching it are covered by it.
  adjacency prev(n);
  for (const auto& [from, to] : arcs) prev[to].push_back(from);
  std::vector<bool> left(n);
  for (std::size_t v = 0; v < n; ++v) left[v] = !placed[v];
  std::vector<bool> covered(n, false);
  for (std::size_t v = 0; v < n; ++v) {
    if (!left[v] || covered[v]) continue;
    auto cycle = shortest_cycle(next, left, v);
    if (cycle.empty()) continue;
    auto forward = reachable(next, left, v);
    auto backward = reachable(prev, left, v);
    for (std::size_t u = 0; u < n; ++u) covered[u] = covered[u] || (forward[u] && backward[u]);
    result.cycles.push_back(std::move(cycle));
  }
  return result;
}

} // namespace sluice::core::pipeline
