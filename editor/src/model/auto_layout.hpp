#pragma once

#include <QHash>
#include <QPointF>
#include <QString>
#include <QStringList>

#include <utility>
#include <vector>

namespace sluice::editor {

using NodeEdge = std::pair<QString, QString>; ///< (from node id, to node id)

struct LayoutSpacing {
  double layerGap = 240; ///< x distance between layers
  double rowGap = 120;   ///< y distance between nodes of a layer
};

/// Layered left-to-right layout (Sugiyama style), a pure function of the
/// graph: longest-path layering (sources in layer 0; a cycle is broken at
/// the edge that closes it), long edges get virtual nodes in the layers
/// they cross, then barycentre sweeps down and up reorder each layer,
/// keeping the order with the fewest crossings. Returns a position for
/// every node in `nodes`, top-left at (0, 0). Edges naming unknown nodes
/// are ignored.
QHash<QString, QPointF> layeredLayout(const QStringList& nodes, const std::vector<NodeEdge>& edges,
                                      LayoutSpacing spacing = {});

/// Pairs of edges whose straight segments between the nodes' positions
/// cross (edges sharing an end do not count). For tests and for choosing.
int countCrossings(const std::vector<NodeEdge>& edges, const QHash<QString, QPointF>& positions);

} // namespace sluice::editor
