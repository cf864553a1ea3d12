// node_actor's part in checkpoints (docs/ARCHITECTURE.md §10): unaligned
// barriers, what an instance records of its in-flight records, and taking
// them back when it resumes.

#include "sluice/core/state.hpp"
#include "sluice/exec/node_actor.hpp"

namespace sluice::exec {

void node_actor::begin_checkpoint(std::uint64_t id) {
  // A newer barrier replaces a checkpoint the run has given up on.
  checkpoint_.emplace();
  checkpoint_->id = id;
  last_checkpoint_ = id;
  auto& part = checkpoint_->part;
  setup_->op->prepare_checkpoint(id);
  if (setup_->op->state_version() != 0) {
    // Reserving a little over the last snapshot's size keeps a large state
    // from copying itself as it grows.
    part.operator_state =
      core::snapshot_state(*setup_->op, setup_->kind, last_state_bytes_ + last_state_bytes_ / 8);
    last_state_bytes_ = part.operator_state.size();
  }
  // Unaligned: the barrier overtakes what waits in the input queues; those
  // records are part of the checkpoint, and are still processed now.
  checkpoint_->barrier_seen.assign(slots_.size(), false);
  part.inputs.resize(slots_.size());
  for (std::size_t k = 0; k < slots_.size(); ++k) {
    auto& s = slots_[k];
    auto& rec = part.inputs[k];
    rec.port = s.spec.port;
    rec.channel = s.spec.channel_in_port;
    for (const auto& e : s.queue) {
      if (e.what == in_element::kind::data) rec.elements.push_back({e.data, core::min_timestamp});
      else if (e.what == in_element::kind::watermark) rec.elements.push_back({nullptr, e.time});
    }
    if (s.ended) checkpoint_->barrier_seen[k] = true;
  }
  part.output_watermark = router_->last_watermark();
  router_->barrier(id, part.outputs);
  finish_checkpoint_if_complete();
}

void node_actor::on_barrier(std::uint32_t slot, std::uint64_t id) {
  if (slot >= slots_.size() || closed_) return;
  if (id > last_checkpoint_) {
    // The first barrier of `id`: what waits in `slot`'s queue came before
    // it, and is recorded with the others.
    begin_checkpoint(id);
  }
  if (!checkpoint_ || checkpoint_->id != id) return; // a stale barrier
  checkpoint_->barrier_seen[slot] = true;
  finish_checkpoint_if_complete();
}

void node_actor::record_arrival(std::uint32_t slot, const in_element& e) {
  if (slot >= checkpoint_->barrier_seen.size() || checkpoint_->barrier_seen[slot]) return;
  auto& rec = checkpoint_->part.inputs[slot];
  if (e.what == in_element::kind::data) rec.elements.push_back({e.data, core::min_timestamp});
  else if (e.what == in_element::kind::watermark) rec.elements.push_back({nullptr, e.time});
}

void node_actor::finish_checkpoint_if_complete() {
  for (bool seen : checkpoint_->barrier_seen)
    if (!seen) return;
  // The part is encoded and written by the coordinator's thread: the
  // batches it holds are immutable, and the operator state is already
  // bytes.
  auto part = std::move(checkpoint_->part);
  auto id = checkpoint_->id;
  checkpoint_.reset();
  setup_->shared->checkpoint_part(id, setup_->node_id, setup_->instance, std::move(part));
}

void node_actor::replay_restored_part() {
  auto part = std::move(*setup_->restored);
  setup_->restored.reset();
  // Input first, on the channel it was on (same port, same number there;
  // with fewer channels now, spread over those there are).
  for (auto& rec : part.inputs) {
    std::vector<std::size_t> candidates;
    for (std::size_t k = 0; k < slots_.size(); ++k)
      if (slots_[k].spec.port == rec.port) candidates.push_back(k);
    if (candidates.empty()) {
      if (!rec.elements.empty())
        setup_->shared->log("warning: node '" + setup_->node_id + "': input port "
                            + std::to_string(rec.port)
                            + " is no longer connected; records in flight there at the "
                              "checkpoint are dropped");
      continue;
    }
    std::size_t target = candidates[0];
    for (auto k : candidates)
      if (slots_[k].spec.channel_in_port == rec.channel) target = k;
    for (auto& e : rec.elements) {
      in_element el{e.data ? in_element::kind::data : in_element::kind::watermark, e.data,
                    e.watermark, true};
      enqueue_input(static_cast<std::uint32_t>(target), std::move(el));
    }
  }
  // Then the output the checkpoint had overtaken, to the instances it was
  // going to (already partitioned: a port may feed several edges).
  std::uint64_t dropped = 0;
  for (auto& out : part.outputs)
    if (!router_->restore_output(out)) dropped += out.data->rows();
  if (dropped > 0)
    setup_->shared->log("warning: node '" + setup_->node_id + "': " + std::to_string(dropped)
                        + " records it had sent to instances that no longer exist (or are no "
                          "longer connected) at the checkpoint are dropped");
  if (part.output_watermark != core::min_timestamp) router_->watermark(part.output_watermark);
  router_->flush_control();
}

} // namespace sluice::exec
