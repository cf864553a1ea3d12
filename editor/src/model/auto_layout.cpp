#include "model/auto_layout.hpp"

#include <algorithm>
#include <limits>

namespace sluice::editor::model {

namespace {

/// The layered graph: real nodes first (same index as in `nodes`), then
/// virtual ones; every arc goes from layer L to layer L + 1.
struct Layered {
  std::vector<int> layerOf;
  std::vector<std::vector<int>> layers;   ///< node indexes per layer, in order
  std::vector<std::vector<int>> up, down; ///< neighbours in the layer above / below
};

/// Longest-path layers; a node left over by a cycle is placed as if the
/// cycle's closing edge were absent.
std::vector<int> longestPathLayers(int n, const std::vector<std::pair<int, int>>& arcs) {
  std::vector<std::vector<int>> succ(n), pred(n);
  for (auto [a, b] : arcs) {
    succ[a].push_back(b);
    pred[b].push_back(a);
  }
  std::vector<int> indeg(n), layer(n, 0);
  std::vector<bool> done(n, false);
  for (int v = 0; v < n; ++v) indeg[v] = static_cast<int>(pred[v].size());
  std::vector<int> ready;
  for (int v = 0; v < n; ++v)
    if (indeg[v] == 0) ready.push_back(v);
  int placed = 0;
  while (placed < n) {
    if (ready.empty()) { // a cycle: take the first node not placed yet
      for (int v = 0; v < n; ++v)
        if (!done[v]) {
          ready.push_back(v);
          break;
        }
    }
    int v = ready.front();
    ready.erase(ready.begin());
    if (done[v]) continue;
    done[v] = true;
    ++placed;
    for (int p : pred[v])
      if (done[p] && p != v) layer[v] = std::max(layer[v], layer[p] + 1);
    for (int s : succ[v])
      if (!done[s] && --indeg[s] == 0) ready.push_back(s);
  }
  return layer;
}

Layered buildLayers(int n, const std::vector<std::pair<int, int>>& arcs) {
  Layered g;
  g.layerOf = longestPathLayers(n, arcs);
  auto addNode = [&](int layer) {
    g.layerOf.push_back(layer);
    g.up.emplace_back();
    g.down.emplace_back();
    return static_cast<int>(g.layerOf.size()) - 1;
  };
  g.up.resize(n);
  g.down.resize(n);
  auto link = [&](int a, int b) {
    g.down[a].push_back(b);
    g.up[b].push_back(a);
  };
  for (auto [a, b] : arcs) {
    int la = g.layerOf[a], lb = g.layerOf[b];
    if (la == lb) continue;                          // a self loop or an arc inside a broken cycle
    if (la > lb) std::swap(a, b), std::swap(la, lb); // a cycle's closing edge, drawn backwards
    int prev = a;
    for (int l = la + 1; l < lb; ++l) {
      int v = addNode(l);
      link(prev, v);
      prev = v;
    }
    link(prev, b);
  }
  int layerCount = 0;
  for (int l : g.layerOf) layerCount = std::max(layerCount, l + 1);
  g.layers.resize(layerCount);
  for (int v = 0; v < static_cast<int>(g.layerOf.size()); ++v) g.layers[g.layerOf[v]].push_back(v);
  return g;
}

/// Crossings between layer `l` and `l + 1` for the given orders.
long crossingsBetween(const Layered& g, const std::vector<int>& pos, int l) {
  std::vector<std::pair<int, int>> segs;
  for (int v : g.layers[l])
    for (int w : g.down[v]) segs.emplace_back(pos[v], pos[w]);
  long count = 0;
  for (std::size_t i = 0; i < segs.size(); ++i)
    for (std::size_t j = i + 1; j < segs.size(); ++j)
      if ((segs[i].first - segs[j].first) * (segs[i].second - segs[j].second) < 0) ++count;
  return count;
}

long totalCrossings(const Layered& g, const std::vector<int>& pos) {
  long sum = 0;
  for (int l = 0; l + 1 < static_cast<int>(g.layers.size()); ++l)
    sum += crossingsBetween(g, pos, l);
  return sum;
}

void indexPositions(const Layered& g, std::vector<int>& pos) {
  for (const auto& layer : g.layers)
    for (std::size_t i = 0; i < layer.size(); ++i) pos[layer[i]] = static_cast<int>(i);
}

/// Orders `layer` by the mean position of each node's neighbours in the
/// adjacent layer; nodes without neighbours keep their place.
void sortByBarycentre(std::vector<int>& layer, const std::vector<std::vector<int>>& neighbours,
                      const std::vector<int>& pos) {
  std::vector<std::pair<double, int>> keyed;
  for (std::size_t i = 0; i < layer.size(); ++i) {
    int v = layer[i];
    double key = static_cast<double>(i);
    if (!neighbours[v].empty()) {
      double sum = 0;
      for (int w : neighbours[v]) sum += pos[w];
      key = sum / static_cast<double>(neighbours[v].size());
    }
    keyed.emplace_back(key, v);
  }
  std::stable_sort(keyed.begin(), keyed.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  for (std::size_t i = 0; i < layer.size(); ++i) layer[i] = keyed[i].second;
}

void reduceCrossings(Layered& g) {
  std::vector<int> pos(g.layerOf.size());
  indexPositions(g, pos);
  auto best = g.layers;
  long bestCount = totalCrossings(g, pos);
  for (int round = 0; round < 12 && bestCount > 0; ++round) {
    for (std::size_t l = 1; l < g.layers.size(); ++l) {
      sortByBarycentre(g.layers[l], g.up, pos);
      indexPositions(g, pos);
    }
    for (std::size_t l = g.layers.size(); l-- > 1;) {
      sortByBarycentre(g.layers[l - 1], g.down, pos);
      indexPositions(g, pos);
    }
    long count = totalCrossings(g, pos);
    if (count < bestCount) {
      bestCount = count;
      best = g.layers;
    }
  }
  g.layers = best;
}

bool segmentsCross(QPointF a, QPointF b, QPointF c, QPointF d) {
  auto orient = [](QPointF p, QPointF q, QPointF r) {
    double v = (q.x() - p.x()) * (r.y() - p.y()) - (q.y() - p.y()) * (r.x() - p.x());
    return v > 1e-9 ? 1 : (v < -1e-9 ? -1 : 0);
  };
  int o1 = orient(a, b, c), o2 = orient(a, b, d), o3 = orient(c, d, a), o4 = orient(c, d, b);
  return o1 * o2 < 0 && o3 * o4 < 0;
}

} // namespace

QHash<QString, QPointF> layeredLayout(const QStringList& nodes, const std::vector<NodeEdge>& edges,
                                      LayoutSpacing spacing, const NodeSizes& sizes) {
  QHash<QString, int> index;
  for (int i = 0; i < nodes.size(); ++i) index.insert(nodes[i], i);
  std::vector<std::pair<int, int>> arcs;
  for (const auto& [from, to] : edges) {
    auto a = index.find(from), b = index.find(to);
    if (a != index.end() && b != index.end()) arcs.emplace_back(*a, *b);
  }
  auto g = buildLayers(static_cast<int>(nodes.size()), arcs);
  reduceCrossings(g);

  // Steps: a layer is as wide as its widest node, a row as tall as its
  // node (plain gaps when no sizes are known); each layer is centred on
  // the tallest one, so chains run straight.
  auto sizeOf = [&](int v) {
    return v < nodes.size() ? sizes.value(nodes[v]) : QSizeF(); // virtual nodes: 0 x 0
  };
  std::vector<std::vector<double>> rowTops(g.layers.size());
  std::vector<double> heights(g.layers.size(), 0.0);
  double tallest = 0;
  for (std::size_t l = 0; l < g.layers.size(); ++l) {
    double y = 0;
    for (std::size_t i = 0; i < g.layers[l].size(); ++i) {
      rowTops[l].push_back(y);
      y += std::max(spacing.rowGap, sizeOf(g.layers[l][i]).height() + spacing.minGap);
    }
    heights[l] = y;
    tallest = std::max(tallest, y);
  }
  QHash<QString, QPointF> out;
  double x = 0;
  for (std::size_t l = 0; l < g.layers.size(); ++l) {
    const auto& layer = g.layers[l];
    const double top = (tallest - heights[l]) / 2.0;
    double widest = 0;
    for (std::size_t i = 0; i < layer.size(); ++i) {
      int v = layer[i];
      widest = std::max(widest, sizeOf(v).width());
      if (v >= nodes.size()) continue; // virtual
      out.insert(nodes[v], QPointF(x, top + rowTops[l][i]));
    }
    x += std::max(spacing.layerGap, widest + spacing.minGap);
  }
  return out;
}

int countCrossings(const std::vector<NodeEdge>& edges, const QHash<QString, QPointF>& positions) {
  int count = 0;
  for (std::size_t i = 0; i < edges.size(); ++i) {
    for (std::size_t j = i + 1; j < edges.size(); ++j) {
      const auto& e = edges[i];
      const auto& f = edges[j];
      if (e.first == f.first || e.first == f.second || e.second == f.first || e.second == f.second)
        continue;
      if (!positions.contains(e.first) || !positions.contains(e.second)
          || !positions.contains(f.first) || !positions.contains(f.second))
        continue;
      if (segmentsCross(positions[e.first], positions[e.second], positions[f.first],
                        positions[f.second]))
        ++count;
    }
  }
  return count;
}

} // namespace sluice::editor::model
