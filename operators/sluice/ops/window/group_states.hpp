#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "sluice/core/batch.hpp"
#include "sluice/core/state.hpp"
#include "sluice/ops/aggregate/aggregate.hpp"

namespace sluice::ops::window {

/// The aggregate states of every group a window operator holds: one slot
/// number per group, shared by all aggregates (aggregate::aggregate_slots), recycled
/// through a free list. Adds are deferred per batch and applied in one tight
/// loop per aggregate (apply), which must happen before results are read.
class group_states {
public:
  explicit group_states(const aggregate::aggregate_list& aggregates);

  /// An empty slot.
  std::uint32_t allocate() {
    if (!free_.empty()) {
      auto s = free_.back();
      free_.pop_back();
      return s;
    }
    auto s = static_cast<std::uint32_t>(capacity_++);
    if (capacity_ > grown_) grow();
    return s;
  }
  /// Empties slots[0..n) and makes them available again.
  void release(const std::uint32_t* slots, std::size_t n);
  void release(std::uint32_t slot) { release(&slot, 1); }
  /// Slots in use.
  std::size_t live() const { return capacity_ - free_.size(); }
  /// Slots handed out so far: every slot number is below it.
  std::size_t slots() const { return capacity_; }

  /// Queues: row `row` of the current batch goes into `slot`.
  void defer(std::uint32_t row, std::uint32_t slot) {
    rows_.push_back(row);
    slots_.push_back(slot);
  }
  /// Applies the queued adds with rows of `b`.
  void apply(const core::batch& b);
  /// Applies the queue, then adds row `row` of `b` to `slot` at once.
  void add_now(const core::batch& b, std::uint32_t row, std::uint32_t slot);
  /// Folds slot `from` into slot `to` (from counts as the later input).
  void merge(std::uint32_t to, std::uint32_t from) { merge(&to, &from, 1); }
  /// For i < n, in order: folds slot from[i] into slot to[i] (to[i] != from[i]).
  void merge(const std::uint32_t* to, const std::uint32_t* from, std::size_t n);
  /// Appends, per aggregate a, the results of slots[0..n) to *outs[a].
  void results(const std::uint32_t* slots, std::size_t n, core::column* const* outs) const;

  std::size_t aggregate_count() const { return slots_of_.size(); }

  /// Writes the slots handed out, the free list in its order (so a
  /// restored instance allocates the same slot numbers: sessions are
  /// ordered by them) and, per aggregate, the state of every slot in use.
  /// Taken between callbacks, when no add is queued.
  void snapshot(core::state_writer& w) const;
  void restore(core::state_reader& r);

private:
  void grow();
  /// The slots in use, ascending.
  std::vector<std::uint32_t> live_slots() const;

  std::vector<std::unique_ptr<aggregate::aggregate_slots>> slots_of_; ///< one per aggregate
  std::vector<int> inputs_;                                           ///< input field per aggregate
  std::size_t capacity_ = 0;                                          ///< slots handed out so far
  std::size_t grown_ = 0;                                             ///< slots the aggregates hold
  std::vector<std::uint32_t> free_;
  std::vector<std::uint32_t> rows_, slots_; ///< deferred adds
};

} // namespace sluice::ops::window
