#include "sluice/observe/pipeline_json.hpp"

namespace sluice::observe {

nlohmann::json pipeline_json(const core::pipeline::checked_pipeline& pipeline) {
  using nlohmann::json;
  json edges = json::array();
  for (std::size_t k = 0; k < pipeline.doc.edges.size(); ++k) {
    const auto& spec = pipeline.doc.edges[k];
    json fields = json::array();
    if (k < pipeline.edges.size() && pipeline.edges[k].schema)
      for (const auto& f : pipeline.edges[k].schema->fields())
        fields.push_back({{"name", f.name}, {"type", std::string(core::name_of(f.type))}});
    edges.push_back({{"from", spec.from.to_string()},
                     {"to", spec.to.to_string()},
                     {"schema", std::move(fields)}});
  }
  // Served over HTTP: secrets (passwords, tokens) stay in the file.
  core::pipeline::pipeline_document doc = pipeline.doc;
  for (std::size_t i = 0; i < doc.nodes.size() && i < pipeline.nodes.size(); ++i)
    if (const core::descriptor* desc = pipeline.nodes[i].desc)
      doc.nodes[i].params = core::mask_secrets(*desc, doc.nodes[i].params);
  return {{"document", json::parse(doc.to_json().dump())}, {"edges", std::move(edges)}};
}

} // namespace sluice::observe
