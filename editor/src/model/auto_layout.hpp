#pragma once

#include <QHash>
#include <QPointF>
#include <QSizeF>
#include <QString>
#include <QStringList>

#include <utility>
#include <vector>

namespace sluice::editor::model {

using NodeEdge = std::pair<QString, QString>; ///< (from node id, to node id)

struct LayoutSpacing {
  double layerGap = 240; ///< x distance between layers
  double rowGap = 120;   ///< y distance between nodes of a layer
  double minGap = 40;    ///< clear space kept between nodes whose size is known
};

/// Node sizes by id, for layouts that must not overlap (a route with many
/// outputs is taller than a row). Nodes without an entry count as 0 x 0.
using NodeSizes = QHash<QString, QSizeF>;

/// Layered left-to-right layout (Sugiyama style), a pure function of the
/// graph: longest-path layering (sources in layer 0; a cycle is broken at
/// the edge that closes it), long edges get virtual nodes in the layers
/// they cross, then barycentre sweeps down and up reorder each layer,
/// keeping the order with the fewest crossings. Returns a position for
/// every node in `nodes`, top-left at (0, 0). Edges naming unknown nodes
/// are ignored. With `sizes`, a layer starts at least `minGap` right of
/// the widest node of the layer before and a node at least `minGap` below
/// the one above it (else the plain `layerGap` / `rowGap` steps), so no
/// two nodes overlap; layers stay centred on each other.
QHash<QString, QPointF> layeredLayout(const QStringList& nodes, const std::vector<NodeEdge>& edges,
                                      LayoutSpacing spacing = {}, const NodeSizes& sizes = {});

/// Pairs of edges whose straight segments between the nodes' positions
/// cross (edges sharing an end do not count). For tests and for choosing.
int countCrossings(const std::vector<NodeEdge>& edges, const QHash<QString, QPointF>& positions);

} // namespace sluice::editor::model
