#include "sluice/ops/join/row_store.hpp"

#include <stdexcept>

namespace sluice::ops {

row_store::row_store(const core::schema& s) {
  columns_.reserve(s.size());
  for (const auto& f : s.fields()) columns_.emplace_back(f.type);
}

std::uint32_t row_store::append(const core::batch& b, std::size_t row, core::timestamp t,
                                std::uint64_t hash, bool indexed) {
  if (ts_.size() >= unindexed) throw std::length_error("join state holds too many rows");
  const auto r = static_cast<std::uint32_t>(ts_.size());
  for (std::size_t i = 0; i < columns_.size(); ++i) columns_[i].append_from(b.col(i), row);
  ts_.push_back(t);
  hashes_.push_back(hash);
  matched_.push_back(0);
  next_.push_back(indexed ? none : unindexed);
  if (indexed) {
    if (++indexed_ > head_.size()) grow_index(); // links every indexed row, r too
    else link(r);
  }
  return r;
}

void row_store::link(std::uint32_t r) {
  const std::size_t slot = hashes_[r] & (head_.size() - 1);
  next_[r] = none;
  if (tail_[slot] == none) head_[slot] = r;
  else next_[tail_[slot]] = r;
  tail_[slot] = r;
}

void row_store::grow_index() {
  const std::size_t slots = head_.empty() ? 16 : head_.size() * 2;
  head_.assign(slots, none);
  tail_.assign(slots, none);
  for (std::uint32_t r = 0; r < next_.size(); ++r)
    if (next_[r] != unindexed) link(r);
}

} // namespace sluice::ops
