#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "sluice/core/pipeline/validator.hpp"
#include "sluice/exec/pipeline_run.hpp"

namespace sluice::app {

/// The checkpoint flags of `sluice run`.
struct checkpoint_args {
  std::string dir;                   ///< --checkpoint-dir ("" = the pipeline file's, if any)
  std::string interval;              ///< --checkpoint-interval ("" = the file's, else 10s)
  bool fresh = false;                ///< --fresh
  std::optional<std::uint64_t> from; ///< --from-checkpoint N
  std::vector<std::string> reset;    ///< --reset-state NODE...
};

/// How a run uses checkpoints, or why it must not start.
struct checkpoint_choice {
  bool ok = true;
  /// Empty: no checkpoints. Else where, how often, and what to resume from.
  std::optional<exec::checkpoint_settings> settings;
};

/// Decides from the flags (which win) and the pipeline file's "checkpoint"
/// object: no checkpoints; a fresh start (--fresh, or nothing to resume
/// yet); or a resume from --from-checkpoint N or the newest complete
/// checkpoint, after checking the edited pipeline may resume from it. Says
/// what it decided on stderr ("resumed from checkpoint 17 taken ..."), and
/// names the problem when the run must not start (a finished run in the
/// directory, an incompatible node, a checkpoint that does not exist).
checkpoint_choice choose_checkpoints(const std::string& file, const checkpoint_args& args,
                                     const core::pipeline::checked_pipeline& pipeline, bool quiet);

/// A resumed run restarts from the newest complete checkpoint of the same
/// directory (restart strategies); keeps the other settings.
exec::checkpoint_settings resume_latest(exec::checkpoint_settings settings);

} // namespace sluice::app
