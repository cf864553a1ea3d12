#pragma once

// The snapshot/restore contract of stateful operators (docs/ARCHITECTURE.md
// §11): a snapshot taken halfway through a stream, restored into a fresh
// instance that then gets the second half, gives exactly the output of an
// uninterrupted run.

#include <algorithm>
#include <functional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "harness.hpp"
#include "sluice/core/state.hpp"

namespace sluice::test {

/// One input batch and the port and channel it arrives on.
struct fed_batch {
  std::size_t port = 0;
  core::batch_ptr batch;
  std::size_t channel = 0;
};

/// Everything an operator reported, as comparable text.
struct run_output {
  std::vector<std::vector<std::string>> rows; ///< per port
  std::vector<core::timestamp> watermarks;
  std::size_t filtered = 0, late = 0;
  std::vector<std::string> errors;

  void take(const recording_emitter& out) {
    if (rows.size() < out.batches.size()) rows.resize(out.batches.size());
    for (std::size_t p = 0; p < out.batches.size(); ++p)
      for (auto& r : out.json_rows(p)) rows[p].push_back(std::move(r));
    watermarks.insert(watermarks.end(), out.watermarks.begin(), out.watermarks.end());
    filtered += out.filtered_count;
    late += out.late_count;
    for (const auto& e : out.errors) errors.push_back(e.reason + " " + e.record);
  }

  bool operator==(const run_output& o) const {
    return rows == o.rows && watermarks == o.watermarks && filtered == o.filtered && late == o.late
           && errors == o.errors;
  }

  std::size_t total_rows() const {
    std::size_t n = 0;
    for (const auto& p : rows) n += p.size();
    return n;
  }
};

/// Optional calls into a round trip, the same in every run.
struct round_trip_hooks {
  /// Before batch i is fed, in each run (a processing-time test sets its
  /// manual clock to batch i's time here).
  std::function<void(std::size_t)> before_batch;
  /// The interrupted instance, just before its snapshot (to check that the
  /// split falls where there is state).
  std::function<void(const core::operator_base&)> at_split;
};

/// A cut snapshot must be refused with state_error, at any length: checks
/// about 64 lengths spread over the snapshot (each restore into a fresh
/// instance of `bound`).
inline void check_truncations_refused(const core::bound_operator& bound,
                                      const core::operator_context& ctx, const std::string& kind,
                                      const std::string& snapshot) {
  const std::size_t step = std::max<std::size_t>(1, snapshot.size() / 64);
  for (std::size_t length = 0; length < snapshot.size(); length += step) {
    auto fresh = bound.create(ctx);
    try {
      core::restore_state(*fresh, kind, std::string_view(snapshot).substr(0, length));
    } catch (const core::state_error&) {
      continue;
    }
    throw std::logic_error(kind + ": a snapshot cut to " + std::to_string(length) + " of "
                           + std::to_string(snapshot.size()) + " bytes was accepted");
  }
}

inline void feed_all(core::operator_base& op, const std::vector<fed_batch>& batches,
                     std::size_t from, std::size_t to, recording_emitter& out,
                     const round_trip_hooks& hooks = {}) {
  for (std::size_t i = from; i < to; ++i) {
    if (hooks.before_batch) hooks.before_batch(i);
    op.on_batch_from(batches[i].port, batches[i].channel, batches[i].batch, out);
    if (op.polls_after_batch()) op.poll(out, 1u << 20);
  }
}

/// The uninterrupted run and the run interrupted after `split` batches by a
/// snapshot and a restore into a fresh instance, both ended with
/// on_end_of_stream. Also checks the snapshot survives a second round trip
/// unchanged (restore then snapshot gives the same bytes).
inline std::pair<run_output, run_output>
interrupted_and_whole(const std::string& kind, const nlohmann::json& params,
                      const core::operator_context& ctx, const std::vector<fed_batch>& batches,
                      std::size_t split, const round_trip_hooks& hooks = {}) {
  run_output whole, resumed;
  {
    auto op = make_operator(kind, params, ctx);
    recording_emitter out;
    feed_all(*op, batches, 0, batches.size(), out, hooks);
    op->on_end_of_stream(out);
    whole.take(out);
  }
  auto bound = bind_operator(kind, params, ctx);
  std::string snapshot;
  {
    auto first = bound->create(ctx);
    recording_emitter out;
    feed_all(*first, batches, 0, split, out, hooks);
    if (hooks.at_split) hooks.at_split(*first);
    snapshot = core::snapshot_state(*first, kind);
    resumed.take(out);
  }
  check_truncations_refused(*bound, ctx, kind, snapshot);
  auto second = bound->create(ctx);
  core::restore_state(*second, kind, snapshot);
  if (core::snapshot_state(*second, kind) != snapshot)
    throw std::logic_error(kind + ": restore then snapshot changed the state");
  recording_emitter out;
  feed_all(*second, batches, split, batches.size(), out, hooks);
  second->on_end_of_stream(out);
  resumed.take(out);
  return {whole, resumed};
}

/// For a source: polls an uninterrupted instance to the end, and another
/// that is snapshot after `polls` polls and continued by a fresh instance.
inline std::pair<run_output, run_output>
interrupted_and_whole_source(const std::string& kind, const nlohmann::json& params,
                             const core::operator_context& ctx, std::size_t polls,
                             std::size_t budget = 1000) {
  auto drain = [&](core::operator_base& op, recording_emitter& out, std::size_t limit) {
    for (std::size_t i = 0; i < limit; ++i)
      if (op.poll(out, budget).what == core::poll_result::state::finished) return;
  };
  const std::size_t forever = 1000000;
  run_output whole, resumed;
  auto bound = bind_operator(kind, params, ctx);
  {
    auto op = bound->create(ctx);
    op->open();
    recording_emitter out;
    drain(*op, out, forever);
    op->close();
    whole.take(out);
  }
  std::string snapshot;
  {
    auto first = bound->create(ctx);
    first->open();
    recording_emitter out;
    drain(*first, out, polls);
    snapshot = core::snapshot_state(*first, kind);
    first->close();
    resumed.take(out);
  }
  check_truncations_refused(*bound, ctx, kind, snapshot);
  auto second = bound->create(ctx);
  core::restore_state(*second, kind, snapshot);
  second->open();
  recording_emitter out;
  drain(*second, out, forever);
  second->close();
  resumed.take(out);
  return {whole, resumed};
}

/// The snapshot of an instance of `kind` after `batches`.
inline std::string snapshot_after(const std::string& kind, const nlohmann::json& params,
                                  const core::operator_context& ctx,
                                  const std::vector<fed_batch>& batches) {
  auto op = make_operator(kind, params, ctx);
  recording_emitter out;
  feed_all(*op, batches, 0, batches.size(), out);
  return core::snapshot_state(*op, kind);
}

/// Why an instance of `kind` with `params` and `ctx` refuses `snapshot`
/// (the state_error's message), or "" if it takes it.
inline std::string restore_refusal(const std::string& kind, const nlohmann::json& params,
                                   const core::operator_context& ctx, const std::string& snapshot) {
  auto op = make_operator(kind, params, ctx);
  try {
    core::restore_state(*op, kind, snapshot);
  } catch (const core::state_error& e) {
    return e.what();
  }
  return "";
}

} // namespace sluice::test
