#include "sluice/ops/window/group_states.hpp"

namespace sluice::ops {

group_states::group_states(const aggregate_list& aggregates) {
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

} // namespace sluice::ops
