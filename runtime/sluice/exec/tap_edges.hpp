#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "sluice/core/pipeline/validator.hpp"

namespace sluice::exec {

/// "FROM.PORT -> TO" for edge `k` of `p` (the port is "errors" for the
/// error records).
std::string tap_edge_name(const core::pipeline::checked_pipeline& p, std::size_t k);

/// Every edge's name, in the pipeline's order.
std::vector<std::string> tap_edge_names(const core::pipeline::checked_pipeline& p);

/// The index of the edge from `from_node`'s output `from_port` to
/// `to_node`. An empty `from_port` means whichever output feeds `to_node`
/// if only one does. Throws std::invalid_argument naming the problem and
/// the edges that exist.
std::size_t find_tap_edge(const core::pipeline::checked_pipeline& p, const std::string& from_node,
                          const std::string& from_port, const std::string& to_node);

/// As above, `from` spelled "NODE" or "NODE.PORT" (a node id containing a
/// dot is taken whole first).
std::size_t find_tap_edge(const core::pipeline::checked_pipeline& p, const std::string& from,
                          const std::string& to_node);

} // namespace sluice::exec
