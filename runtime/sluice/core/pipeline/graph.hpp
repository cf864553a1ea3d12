#pragma once

#include <cstddef>
#include <utility>
#include <vector>

namespace sluice::core::pipeline {

/// The order and cycles of a directed graph over nodes 0 .. n-1.
struct graph_order {
  /// Topological order (Kahn's algorithm, FIFO, seeded in index order, so
  /// every node without incoming arcs comes first). Nodes on a cycle or
  /// downstream of one are left out.
  std::vector<std::size_t> order;
  /// One cycle per strongly connected component that has one (a self loop
  /// is a cycle of one node), in order of the component's lowest node: the
  /// shortest cycle through that node, starting there, not repeating it.
  std::vector<std::vector<std::size_t>> cycles;
};

/// `arcs` are (from, to) pairs with both ends < n; duplicates are allowed.
graph_order order_graph(std::size_t n,
                        const std::vector<std::pair<std::size_t, std::size_t>>& arcs);

} // namespace sluice::core::pipeline
