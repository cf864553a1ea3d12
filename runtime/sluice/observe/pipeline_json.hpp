#pragma once

#include <nlohmann/json.hpp>

#include "sluice/core/pipeline/validator.hpp"

namespace sluice::observe {

/// What /api/pipeline serves: the running document as written (but the
/// values of `secret` params masked) plus the schema of every edge, in
/// document order:
///
///     {"document": {...the pipeline file...},
///      "edges": [{"from": "gen", "to": "slow",
///                 "schema": [{"name": "seq", "type": "int"}, ...]}]}
nlohmann::json pipeline_json(const core::pipeline::checked_pipeline& pipeline);

} // namespace sluice::observe
