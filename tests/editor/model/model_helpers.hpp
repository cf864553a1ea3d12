#pragma once

// Helpers for the PipelineModel tests: the built-in registry, small
// documents, and reading files.

#include <QString>

#include <fstream>
#include <sstream>
#include <string>

#include "model/pipeline_model.hpp"
#include "sluice/ops/builtin.hpp"

namespace sluice::test {

inline const core::registry& registry() { return ops::builtin_registry(); }

/// gen -> f -> m -> out, valid, with a layout.
inline QString chainText() {
  return QStringLiteral(R"({
  "schemaVersion": 1,
  "name": "chain",
  "description": "",
  "nodes": [
    {"id": "gen", "kind": "source.generator", "params": {"count": 100}},
    {"id": "f", "kind": "transform.filter", "params": {"where": "value > 10"}},
    {"id": "m", "kind": "transform.map", "params": {"set": {"twice": "value * 2"}}},
    {"id": "out", "kind": "sink.null"}
  ],
  "edges": [
    {"from": "gen", "to": "f"},
    {"from": "f", "to": "m"},
    {"from": "m", "to": "out"}
  ],
  "layout": {"gen": {"x": 0, "y": 0}, "f": {"x": 240, "y": 0}, "m": {"x": 480, "y": 0},
             "out": {"x": 720, "y": 0}}
}
)");
}

inline std::string dumpOf(const editor::model::PipelineModel& model) {
  return model.document().dump();
}

inline std::string readFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

inline std::string problemText(const editor::model::PipelineModel& model) {
  std::string out;
  for (const auto& p : model.problems()) out += p.to_string() + "\n";
  return out;
}

} // namespace sluice::test
