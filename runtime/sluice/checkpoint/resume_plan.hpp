#pragma once

// What a resume keeps of a checkpoint when the pipeline file changed since
// the run that took it (docs/ARCHITECTURE.md §10). State belongs to a node
// id. Per node of the new pipeline, and per node the checkpoint holds that
// the new pipeline no longer has, the plan says:
//
//   restored      same id, same kind, same parallelism and input channels,
//                 every param that shapes the state (property_spec::
//                 shapes_state) has the same effective value: the node gets
//                 its state and its records in flight back
//   new           the checkpoint holds nothing for this id: it starts empty
//   removed       the checkpoint holds state for an id the pipeline no
//                 longer has: that state is dropped
//   incompatible  the state cannot be given back (`reasons` say why): the
//                 kind, the parallelism or an input's channel count changed
//                 (state and records in flight are kept per instance and per
//                 channel), or a shaping param changed; a run refuses to
//                 start unless the node is reset
//   reset         the node starts without its state because it was asked
//                 to (the reasons, if it was also incompatible, are kept)
//
// `sluice validate --checkpoint-dir`, `sluice run` and the editor all build
// this plan and show it; a run passes `reset_nodes()` on as
// exec::checkpoint_settings::reset_state.
//
// Nodes that keep no state (stateless transforms) are judged like the
// others: their part holds the records they had in flight. Input schemas
// are not compared: a node whose upstream now sends other fields is only
// caught if one of its own shaping params changed (its restore checks the
// rest and fails the run).

#include <cstdint>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "sluice/checkpoint/store.hpp"
#include "sluice/core/pipeline/validator.hpp"

namespace sluice::checkpoint {

/// The plan cannot be made: the checkpoint's stored pipeline is damaged (the
/// message names the checkpoint), or a node asked to be reset is not in the
/// new pipeline.
class resume_error : public std::runtime_error {
public:
  using std::runtime_error::runtime_error;
};

enum class node_fate { restored, added, removed, incompatible, reset };

/// "restored", "new", "removed", "incompatible", "reset" (the JSON words).
const char* name_of(node_fate f);

struct node_resume {
  std::string id;
  /// The node's kind in the new pipeline (in the checkpoint for `removed`).
  std::string kind;
  node_fate fate = node_fate::restored;
  /// Why the state cannot be restored, one sentence each: "param 'size'
  /// changed from \"10s\" to \"20s\"", "kind changed from A to B",
  /// "parallelism changed from 2 to 3: state is kept per instance". Empty
  /// unless incompatible (or reset while incompatible).
  std::vector<std::string> reasons;
  /// Bytes the checkpoint holds for the node, over all instances (0: new).
  std::uint64_t state_bytes = 0;

  /// The state cannot be restored, whether or not the node is reset.
  bool incompatible() const { return !reasons.empty(); }
};

class resume_plan {
public:
  std::uint64_t checkpoint_id = 0;
  /// The new pipeline's nodes in document order, then the removed ones in
  /// the checkpoint's order.
  std::vector<node_resume> nodes;

  /// True when some node is incompatible and was not reset: a run must
  /// not start from this checkpoint.
  bool refused() const;
  /// The incompatible nodes that were not reset, in order.
  std::vector<std::string> refused_nodes() const;
  /// The nodes that start without their state: what a run is given as
  /// checkpoint_settings::reset_state.
  std::set<std::string> reset_nodes() const;
  const node_resume* find(const std::string& id) const;

  /// One line per node, ids aligned, each line starting with two spaces:
  ///   "  window  state restored"
  ///   "  top     incompatible: param 'k' changed from 5 to 10 (use --reset-state top)"
  /// Values are as written in the files; the caller makes them printable.
  std::string to_text() const;
  /// {"checkpoint": id, "refused": bool, "nodes": [{"id", "kind", "status",
  /// "reasons": [...], "state_bytes"}]}, status being name_of(fate).
  nlohmann::json to_json() const;
};

/// Compares the checkpoint `info` (its nodes, and the pipeline document it
/// stores) with `next`, the new pipeline, checked. `reset` names nodes of
/// `next` to start without their state. Shaping params are compared by
/// their effective values (defaults applied; durations and timestamps by
/// what they mean, so "1m" equals "60s"). Nodes of `next` that could not
/// be resolved (a pipeline with errors) are compared by kind and
/// parallelism only.
///
/// Throws resume_error when the checkpoint's pipeline is damaged or absent,
/// or when `reset` names a node `next` does not have.
resume_plan plan_resume(const checkpoint_info& info, const core::pipeline::checked_pipeline& next,
                        const std::set<std::string>& reset);

/// The checkpoint a restart from `s` would use: the newest complete one,
/// or none when there is none or the run in `s` finished after its last
/// checkpoint (store::finished). Throws store_error as store::list does.
std::optional<checkpoint_info> resume_point(const store& s);

} // namespace sluice::checkpoint
