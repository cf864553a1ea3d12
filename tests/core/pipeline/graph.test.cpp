#include <catch2/catch.hpp>

#include "sluice/core/pipeline/graph.hpp"

using sluice::core::pipeline::order_graph;
using arcs = std::vector<std::pair<std::size_t, std::size_t>>;
using nodes = std::vector<std::size_t>;

TEST_CASE("the graph order puts nodes without inputs first, in index order", "[graph]") {
  // 3 -> 1 -> 0, 2 -> 0
  auto g = order_graph(4, arcs{{3, 1}, {1, 0}, {2, 0}});
  CHECK(g.order == nodes{2, 3, 1, 0});
  CHECK(g.cycles.empty());
}

TEST_CASE("the graph order accepts repeated arcs", "[graph]") {
  auto g = order_graph(2, arcs{{0, 1}, {0, 1}});
  CHECK(g.order == nodes{0, 1});
  CHECK(g.cycles.empty());
}

TEST_CASE("the graph order leaves out cycles and what they feed, and names each cycle", "[graph]") {
  // 0 -> 1 -> 2 -> 1 (cycle 1,2), 2 -> 3, 4 -> 4 (self loop), 5 alone
  auto g = order_graph(6, arcs{{0, 1}, {1, 2}, {2, 1}, {2, 3}, {4, 4}});
  CHECK(g.order == nodes{0, 5});
  REQUIRE(g.cycles.size() == 2);
  CHECK(g.cycles[0] == nodes{1, 2});
  CHECK(g.cycles[1] == nodes{4});
}

TEST_CASE("a cycle is reported by its shortest loop through its first node", "[graph]") {
  // 0 -> 1 -> 2 -> 3 -> 0 and the shortcut 1 -> 3
  auto g = order_graph(4, arcs{{0, 1}, {1, 2}, {2, 3}, {3, 0}, {1, 3}});
  CHECK(g.order.empty());
  REQUIRE(g.cycles.size() == 1);
  CHECK(g.cycles[0] == nodes{0, 1, 3});
}
