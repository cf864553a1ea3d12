#pragma once

// The resume report of `sluice validate --checkpoint-dir` and `sluice run`:
// what a run resuming from a checkpoint keeps of it, per node
// (checkpoint::plan_resume), and whether it may start.

#include <iosfwd>
#include <set>
#include <string>

#include "sluice/checkpoint/store.hpp"
#include "sluice/core/pipeline/validator.hpp"

namespace sluice::app {

/// Prints, to `out`, a heading naming checkpoint `info` (id, when it was
/// taken, its size), then one line per node (checkpoint::resume_plan::
/// to_text, made printable), then, if the resume is refused, which nodes
/// need `--reset-state`. `reset` are the `--reset-state` nodes.
///
/// Returns whether a run may start from this checkpoint: false when a node
/// is incompatible and not reset, and also when no plan can be made (the
/// checkpoint's stored pipeline is damaged, or `reset` names a node the
/// pipeline does not have), which it prints as "error: ..." to `out`.
/// Never throws for those.
bool print_resume_report(const checkpoint::checkpoint_info& info,
                         const core::pipeline::checked_pipeline& next,
                         const std::set<std::string>& reset, std::ostream& out);

} // namespace sluice::app
