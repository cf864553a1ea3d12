#include "model/connection_check.hpp"

#include <map>

namespace sluice::editor::model {

core::pipeline::edge_spec shorthandEdge(const core::pipeline::pipeline_document& doc,
                                        const core::registry& registry, const QString& from,
                                        const QString& to) {
  core::pipeline::edge_spec edge;
  edge.from = core::pipeline::endpoint::parse(from.toStdString());
  edge.to = core::pipeline::endpoint::parse(to.toStdString());
  if (const auto* n = doc.find_node(edge.from.node)) {
    if (const auto* desc = registry.find(n->kind)) {
      auto outputs = desc->outputs_for(n->params);
      if (outputs.size() == 1 && outputs[0].name == edge.from.port) edge.from.port.clear();
    }
  }
  if (const auto* n = doc.find_node(edge.to.node)) {
    if (const auto* desc = registry.find(n->kind))
      if (desc->inputs.size() == 1 && desc->inputs[0].name == edge.to.port) edge.to.port.clear();
  }
  return edge;
}

QString firstNewProblem(const std::vector<core::pipeline::diagnostic>& before,
                        const std::vector<core::pipeline::diagnostic>& after) {
  std::map<std::string, int> seen;
  for (const auto& d : before) ++seen[d.to_string()];
  for (const auto& d : after) {
    auto text = d.to_string();
    auto it = seen.find(text);
    if (it != seen.end() && it->second > 0) {
      --it->second;
      continue;
    }
    return QString::fromStdString(text);
  }
  return {};
}

} // namespace sluice::editor::model
