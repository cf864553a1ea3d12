#include "sluice/ops/window/group_states.hpp"

#include <stdexcept>
#include <string>

namespace sluice::ops::window {

group_states::group_states(const aggregate::aggregate_list& aggregates) {
  for (const auto& a : aggregates) {
    slots_of_.push_back(a->create_slots());
    inputs_.push_back(a->input_index());
  }
}

void group_states::grow() {
  grown_ = grown_ < 64 ? 64 : grown_ * 2;
  for (auto& s : slots_of_) s->grow(grown_);
}

void group_states::release(const std::uint32_t* slots, std::size_t n) {
  for (auto& s : slots_of_) s->reset(slots, n);
  free_.insert(free_.end(), slots, slots + n);
}

void group_states::apply(const core::batch& b) {
  if (rows_.empty()) return;
  for (std::size_t a = 0; a < slots_of_.size(); ++a) {
    const core::column* in =
      inputs_[a] < 0 ? nullptr : &b.col(static_cast<std::size_t>(inputs_[a]));
    slots_of_[a]->add(in, rows_.data(), slots_.data(), rows_.size());
  }
  rows_.clear();
  slots_.clear();
}

void group_states::add_now(const core::batch& b, std::uint32_t row, std::uint32_t slot) {
  apply(b);
  for (std::size_t a = 0; a < slots_of_.size(); ++a) {
    const core::column* in =
      inputs_[a] < 0 ? nullptr : &b.col(static_cast<std::size_t>(inputs_[a]));
    slots_of_[a]->add(in, &row, &slot, 1);
  }
}

void group_states::merge(const std::uint32_t* to, const std::uint32_t* from, std::size_t n) {
  if (n == 0) return;
  for (auto& s : slots_of_) s->merge(to, *s, from, n);
}

void group_states::results(const std::uint32_t* slots, std::size_t n,
                           core::column* const* outs) const {
  for (std::size_t a = 0; a < slots_of_.size(); ++a) slots_of_[a]->results(slots, n, *outs[a]);
}

std::vector<std::uint32_t> group_states::live_slots() const {
  std::vector<std::uint8_t> is_free(capacity_, 0);
  for (auto s : free_) is_free[s] = 1;
  std::vector<std::uint32_t> live;
  live.reserve(capacity_ - free_.size());
  for (std::size_t s = 0; s < capacity_; ++s)
    if (!is_free[s]) live.push_back(static_cast<std::uint32_t>(s));
  return live;
}

void group_states::snapshot(core::state_writer& w) const {
  if (!rows_.empty()) throw std::logic_error("group_states: snapshot with adds still queued");
  w.count(slots_of_.size());
  w.count(capacity_);
  w.count(free_.size());
  for (auto s : free_) w.u64(s);
  const auto live = live_slots();
  for (const auto& slots : slots_of_) slots->snapshot(live.data(), live.size(), w);
}

void group_states::restore(core::state_reader& r) {
  const std::size_t aggregates = r.count();
  if (aggregates != slots_of_.size())
    throw core::state_error("window state of " + std::to_string(aggregates)
                            + " aggregates, this instance has " + std::to_string(slots_of_.size()));
  capacity_ = r.count(UINT32_MAX);
  while (grown_ < capacity_) grow(); // the same sizes allocate() would have grown to
  free_.resize(r.count(capacity_));
  for (auto& s : free_) {
    const std::uint64_t slot = r.u64();
    if (slot >= capacity_) throw core::state_error("a free slot past the slots handed out");
    s = static_cast<std::uint32_t>(slot);
  }
  const auto live = live_slots();
  for (auto& slots : slots_of_) slots->restore(live.data(), live.size(), r);
}

} // namespace sluice::ops::window
