#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "sluice/core/metrics.hpp"
#include "sluice/core/pipeline/validator.hpp"

namespace sluice::app {

/// One node's counters summed over its instances.
struct node_totals {
  std::string node;
  std::string kind;
  std::uint64_t in = 0, out = 0, filtered = 0, errors = 0;
  std::int64_t busy_ns = 0, backpressured_ns = 0, alive_ns = 0; ///< summed over instances
  std::size_t instances = 0;
  bool is_source = false, is_sink = false;
};

std::vector<node_totals> totals_by_node(const core::pipeline::checked_pipeline& p,
                                        const std::vector<core::instance_snapshot>& snap);

/// The per-operator table printed at the end of `sluice run`: in, out,
/// filtered, errors, records/s, busy %, back-pressured %. The bottleneck
/// node, if any, is marked with '*' and named below the table.
std::string format_summary(const std::vector<node_totals>& totals, double elapsed_s,
                           const std::string& bottleneck = "");

/// The bottleneck over the whole run (observe::find_bottleneck on each
/// node's average busy and back-pressured time), or "".
std::string run_bottleneck(const core::pipeline::checked_pipeline& p,
                           const std::vector<node_totals>& totals);

/// "1.23 M", "12.3 k", "999"
std::string human_count(double v);

} // namespace sluice::app
