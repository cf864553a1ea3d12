#pragma once

// Drives a sink through checkpoints by hand, the way the runtime does with
// checkpoints on (core/operator.hpp): prepare_checkpoint, snapshot,
// checkpoint_complete, and after a crash a fresh instance restored from the
// last complete checkpoint, opened, and fed again from the batch after it.

#include <cstdint>
#include <functional>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "operators/harness.hpp"
#include "sluice/core/state.hpp"

namespace sluice::test {

struct two_phase_plan {
  /// A checkpoint is taken after every `every` batches.
  std::size_t every = 1;
  /// Crash once right after batch i has been fed (and the checkpoint after
  /// it taken, if one falls there).
  std::set<std::size_t> crash_after;
  /// A crash closes the instance without end of stream (a failed or stopped
  /// run) instead of dropping it unclosed (a killed process).
  bool close_on_crash = false;
  /// Called whenever what is visible may have changed (after a checkpoint
  /// completes, after a restored instance opened, after the end) with the
  /// number of batches whose records must be visible then, no more, no less.
  std::function<void(std::size_t)> visible;
};

/// Feeds `batches` to instances of `bound` (whose `ctx` has checkpoints on)
/// following `plan`. Checkpoint k completes only once checkpoint k+1 has
/// been prepared (one is always in flight, as with a slow coordinator), so
/// checkpoint_complete(k) comes after prepare_checkpoint(k+1), and the last
/// one never completes: on_end_of_stream commits it. Returns how many times
/// an instance was restored.
inline std::size_t run_two_phase(const core::bound_operator& bound,
                                 const core::operator_context& ctx, const std::string& kind,
                                 const std::vector<core::batch_ptr>& batches, two_phase_plan plan,
                                 recording_emitter& out) {
  struct taken {
    std::uint64_t id = 0; ///< 0: none
    std::string state;
    std::size_t next_batch = 0;
  };
  auto visible = [&](std::size_t n) {
    if (plan.visible) plan.visible(n);
  };
  taken complete, in_flight;
  std::uint64_t next_id = 1;
  std::size_t restores = 0;
  auto op = bound.create(ctx);
  op->open();
  visible(0);
  for (std::size_t i = 0; i < batches.size(); ++i) {
    op->on_batch_from(0, 0, batches[i], out);
    if ((i + 1) % plan.every == 0) {
      op->prepare_checkpoint(next_id);
      taken t{next_id++, core::snapshot_state(*op, kind), i + 1};
      if (in_flight.id != 0) {
        op->checkpoint_complete(in_flight.id);
        complete = std::move(in_flight);
        visible(complete.next_batch);
      }
      in_flight = std::move(t);
    }
    if (plan.crash_after.erase(i) == 0) continue;
    if (plan.close_on_crash) op->close();
    op = bound.create(ctx);
    ++restores;
    in_flight = taken{};
    if (complete.id != 0) core::restore_state(*op, kind, complete.state);
    op->open();
    visible(complete.next_batch);
    // Fed again from the first batch after the restored checkpoint.
    i = complete.next_batch;
    --i; // the loop adds one (wraps around to 0 when nothing was restored)
  }
  op->on_end_of_stream(out);
  op->close();
  visible(batches.size());
  return restores;
}

} // namespace sluice::test
