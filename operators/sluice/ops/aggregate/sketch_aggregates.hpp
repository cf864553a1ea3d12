#pragma once

// The approximate aggregates, built on fixed-size sketches (see
// operators/sluice/ops/aggregate/sketch/). Called by make_aggregates.

#include <memory>
#include <string>

#include <nlohmann/json.hpp>

#include "sluice/ops/aggregate/aggregate.hpp"

namespace sluice::ops::aggregate {

/// `approx_count_distinct`: HyperLogLog; int64 result. `spec` is the whole
/// entry; `name` the output field; `input_index` the checked field.
std::unique_ptr<aggregate_function> make_approx_count_distinct(const nlohmann::json& spec,
                                                               const core::schema& input,
                                                               std::string name, int input_index,
                                                               const std::string& where);

/// `approx_percentile` with `p` in [0, 1]: a mergeable quantile sketch on a
/// numeric field; double result.
std::unique_ptr<aggregate_function> make_approx_percentile(const nlohmann::json& spec,
                                                           const core::schema& input,
                                                           std::string name, int input_index,
                                                           const std::string& where);

/// `top_k` with `k`: space-saving; string result, a JSON array
/// [{"value": ..., "count": n}, ...] most frequent first.
std::unique_ptr<aggregate_function> make_top_k(const nlohmann::json& spec,
                                               const core::schema& input, std::string name,
                                               int input_index, const std::string& where);

} // namespace sluice::ops::aggregate
