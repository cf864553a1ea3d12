#include "sluice/exec/tap_edges.hpp"

#include <stdexcept>

namespace sluice::exec {

namespace {

std::string port_name(const core::pipeline::checked_pipeline& p, std::size_t node,
                      std::size_t port) {
  const auto& outs = p.nodes[node].outputs;
  return port < outs.size() ? outs[port].name : std::string("errors");
}

std::string listing(const core::pipeline::checked_pipeline& p) {
  auto names = tap_edge_names(p);
  if (names.empty()) return " (the pipeline has no edges)";
  std::string out = "; the edges are: ";
  for (std::size_t k = 0; k < names.size(); ++k) out += (k ? ", " : "") + names[k];
  return out;
}

bool has_node(const core::pipeline::checked_pipeline& p, const std::string& id) {
  for (const auto& n : p.nodes)
    if (n.spec->id == id) return true;
  return false;
}

} // namespace

std::string tap_edge_name(const core::pipeline::checked_pipeline& p, std::size_t k) {
  const auto& e = p.edges.at(k);
  return p.nodes[e.from_node].spec->id + "." + port_name(p, e.from_node, e.from_port) + " -> "
         + p.nodes[e.to_node].spec->id;
}

std::vector<std::string> tap_edge_names(const core::pipeline::checked_pipeline& p) {
  std::vector<std::string> out;
  for (std::size_t k = 0; k < p.edges.size(); ++k) out.push_back(tap_edge_name(p, k));
  return out;
}

std::size_t find_tap_edge(const core::pipeline::checked_pipeline& p, const std::string& from_node,
                          const std::string& from_port, const std::string& to_node) {
  if (!has_node(p, from_node))
    throw std::invalid_argument("no node '" + from_node + "'" + listing(p));
  if (!has_node(p, to_node)) throw std::invalid_argument("no node '" + to_node + "'" + listing(p));
  std::vector<std::size_t> found;
  for (std::size_t k = 0; k < p.edges.size(); ++k) {
    const auto& e = p.edges[k];
    if (p.nodes[e.from_node].spec->id != from_node || p.nodes[e.to_node].spec->id != to_node)
      continue;
    if (!from_port.empty() && port_name(p, e.from_node, e.from_port) != from_port) continue;
    found.push_back(k);
  }
  const std::string wanted =
    from_node + (from_port.empty() ? "" : "." + from_port) + " -> " + to_node;
  if (found.empty()) throw std::invalid_argument("no edge " + wanted + listing(p));
  if (found.size() > 1) {
    std::string names;
    for (auto k : found) names += (names.empty() ? "" : ", ") + tap_edge_name(p, k);
    throw std::invalid_argument("more than one edge " + wanted + " (" + names
                                + "); name the output port as " + from_node + ".PORT");
  }
  return found[0];
}

std::size_t find_tap_edge(const core::pipeline::checked_pipeline& p, const std::string& from,
                          const std::string& to_node) {
  if (has_node(p, from) || from.find('.') == std::string::npos)
    return find_tap_edge(p, from, "", to_node);
  auto dot = from.rfind('.');
  return find_tap_edge(p, from.substr(0, dot), from.substr(dot + 1), to_node);
}

} // namespace sluice::exec
