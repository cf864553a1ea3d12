#pragma once

#include <QString>

#include <vector>

#include "model/core_headers.hpp"

namespace sluice::editor::model {

/// The edge `from` -> `to` as a hand-written file would store it: a port
/// that is its node's only data output (or only input) is left out.
core::pipeline::edge_spec shorthandEdge(const core::pipeline::pipeline_document& doc,
                                        const core::registry& registry, const QString& from,
                                        const QString& to);

/// The first diagnostic of `after` that `before` does not have (compared by
/// text, counting repeats), as text; "" if none. Problems that existed
/// before an edit are not the edit's fault.
QString firstNewProblem(const std::vector<core::pipeline::diagnostic>& before,
                        const std::vector<core::pipeline::diagnostic>& after);

} // namespace sluice::editor::model
