#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include <caf/actor.hpp>
#include <caf/actor_system.hpp>

#include "sluice/checkpoint/node_part.hpp"
#include "sluice/core/pipeline/validator.hpp"
#include "sluice/exec/node_setup.hpp"
#include "sluice/exec/pipeline_run.hpp"

namespace sluice::exec {

/// One actor of a plan.
struct planned_instance {
  std::size_t node = 0; ///< index into the checked pipeline's nodes
  std::size_t instance = 0;
  std::shared_ptr<node_setup> setup;
  caf::actor actor;
};

/// Node id -> the part of each of its instances, from the checkpoint a run
/// resumes from.
using restored_parts = std::map<std::string, std::vector<checkpoint::node_part>>;

/// Turns a checked pipeline into actors: builds and opens every operator
/// instance (parallelism N gives N), spawns one actor each, wires the
/// channels of every edge by its partitioning, and returns the instances in
/// topological order (sources first), not yet started. Throws
/// std::runtime_error naming the node if an operator cannot be built or
/// opened; instances already opened are closed again. Instances found in
/// `restore` get their operator state back before they open, and take
/// their in-flight records first when they start. `taps[k]`, if given, is
/// where edge k's taps attach (every upstream instance's router gets it).
std::vector<planned_instance> plan(caf::actor_system& sys,
                                   const core::pipeline::checked_pipeline& p,
                                   const run_options& options, std::shared_ptr<run_shared> shared,
                                   restored_parts restore = {},
                                   const std::vector<std::shared_ptr<tap_point>>& taps = {});

} // namespace sluice::exec
