#pragma once

#include <algorithm>
#include <cstdint>
#include <vector>

#include "sluice/core/state.hpp"

namespace sluice::ops::window {

/// The groups of one pane of a time window: key ids (from the operator's
/// key dictionary) in first-seen order, each with its aggregate slot, found
/// through a small open-addressing index on the id (no key bytes: the
/// dictionary holds those once for all panes).
class pane_groups {
public:
  static constexpr std::uint32_t none = UINT32_MAX;

  std::uint32_t size() const { return static_cast<std::uint32_t>(keys_.size()); }
  const std::vector<std::uint32_t>& keys() const { return keys_; }
  const std::vector<std::uint32_t>& slots() const { return slots_; }

  /// The slot of key id `k`, or `none`.
  std::uint32_t find(std::uint32_t k) const {
    for (std::size_t i = home(k);; i = (i + 1) & mask_) {
      std::uint64_t e = index_[i];
      if (e == empty) return none;
      if (static_cast<std::uint32_t>(e >> 32) == k) return slots_[static_cast<std::uint32_t>(e)];
    }
  }

  /// The slot of key id `k`; if absent, adds it with the slot `make_slot()`
  /// returns and sets `added`.
  template <class F>
  std::uint32_t slot_of(std::uint32_t k, F&& make_slot, bool& added) {
    std::size_t i = home(k);
    for (;; i = (i + 1) & mask_) {
      std::uint64_t e = index_[i];
      if (e == empty) break;
      if (static_cast<std::uint32_t>(e >> 32) == k) {
        added = false;
        return slots_[static_cast<std::uint32_t>(e)];
      }
    }
    added = true;
    std::uint32_t slot = make_slot();
    index_[i] = (std::uint64_t{k} << 32) | keys_.size();
    keys_.push_back(k);
    slots_.push_back(slot);
    if (keys_.size() * 2 > index_.size()) rebuild(index_.size() * 2);
    return slot;
  }

  /// Key ids changed (the dictionary compacted): k becomes new_id[k].
  void remap(const std::vector<std::uint32_t>& new_id) {
    for (auto& k : keys_) k = new_id[k];
    rebuild(index_.size());
  }

  /// The (key id, slot) pairs in first-seen order.
  void snapshot(core::state_writer& w) const {
    w.count(keys_.size());
    for (std::size_t i = 0; i < keys_.size(); ++i) {
      w.u64(keys_[i]);
      w.u64(slots_[i]);
    }
  }

  /// Replaces the groups with what snapshot() wrote.
  void restore(core::state_reader& r) {
    const std::size_t n = r.count(none);
    keys_.resize(n);
    slots_.resize(n);
    for (std::size_t i = 0; i < n; ++i) {
      keys_[i] = static_cast<std::uint32_t>(r.u64());
      slots_[i] = static_cast<std::uint32_t>(r.u64());
    }
    std::size_t cap = 16;
    while (n * 2 > cap) cap *= 2;
    rebuild(cap);
  }

  /// Drops every group, keeping the memory for the next pane.
  void clear() {
    keys_.clear();
    slots_.clear();
    std::fill(index_.begin(), index_.end(), empty);
  }

private:
  static constexpr std::uint64_t empty = ~std::uint64_t{0};

  std::size_t home(std::uint32_t k) const {
    return static_cast<std::size_t>((std::uint64_t{k} * 0x9e3779b97f4a7c15ULL) >> 32) & mask_;
  }

  void rebuild(std::size_t cap) {
    index_.assign(cap, empty);
    mask_ = cap - 1;
    for (std::uint32_t pos = 0; pos < keys_.size(); ++pos) {
      std::size_t i = home(keys_[pos]);
      while (index_[i] != empty) i = (i + 1) & mask_;
      index_[i] = (std::uint64_t{keys_[pos]} << 32) | pos;
    }
  }

  std::vector<std::uint32_t> keys_, slots_;
  std::vector<std::uint64_t> index_ = std::vector<std::uint64_t>(16, empty);
  std::size_t mask_ = 15;
};

} // namespace sluice::ops::window
