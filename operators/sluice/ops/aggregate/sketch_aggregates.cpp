// Placeholder until the sketches land: every approximate aggregate is
// refused with a clear error, so pipelines using them fail validation.
#include "sluice/ops/aggregate/sketch_aggregates.hpp"

#include "sluice/core/errors.hpp"

namespace sluice::ops {

namespace {
[[noreturn]] void not_yet(const std::string& where, const char* fn) {
  throw core::param_error("aggregates", where + ": '" + fn + "' is not available yet");
}
} // namespace

std::unique_ptr<aggregate_function> make_approx_count_distinct(const nlohmann::json&,
                                                               const core::schema&, std::string,
                                                               int, const std::string& where) {
  not_yet(where, "approx_count_distinct");
}

std::unique_ptr<aggregate_function> make_approx_percentile(const nlohmann::json&,
                                                           const core::schema&, std::string, int,
                                                           const std::string& where) {
  not_yet(where, "approx_percentile");
}

std::unique_ptr<aggregate_function> make_top_k(const nlohmann::json&, const core::schema&,
                                               std::string, int, const std::string& where) {
  not_yet(where, "top_k");
}

} // namespace sluice::ops
