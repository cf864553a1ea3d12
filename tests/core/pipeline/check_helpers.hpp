#pragma once

// Helpers for the validator's tests: check a document given as JSON text
// against the fake registry and look at what it reported.

#include <string>
#include <vector>

#include "core/pipeline/fake_registry.hpp"
#include "sluice/core/pipeline/validator.hpp"

namespace sluice::test {

/// Checks a document made of the given "nodes" and "edges" JSON arrays.
inline checked_pipeline check_parts(const std::string& nodes, const std::string& edges = "[]") {
  auto text = R"({"schemaVersion": 1, "nodes": )" + nodes + R"(, "edges": )" + edges + "}";
  return check(pipeline_document::parse(text), fake_registry());
}

/// Every diagnostic as text, one per entry.
inline std::vector<std::string> messages(const checked_pipeline& p) {
  std::vector<std::string> out;
  for (const auto& d : p.errors) out.push_back(d.to_string());
  return out;
}

/// All diagnostics, one per line: for failure messages.
inline std::string all_messages(const checked_pipeline& p) {
  std::string out;
  for (const auto& m : messages(p)) out += m + "\n";
  return out;
}

/// The number of diagnostics whose text contains `part`.
inline std::size_t count_containing(const checked_pipeline& p, const std::string& part) {
  std::size_t n = 0;
  for (const auto& m : messages(p)) n += m.find(part) != std::string::npos ? 1 : 0;
  return n;
}

} // namespace sluice::test
