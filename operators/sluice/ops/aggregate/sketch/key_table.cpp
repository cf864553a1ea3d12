#include "sluice/ops/aggregate/sketch/key_table.hpp"

#include <algorithm>
#include <stdexcept>

#include "sluice/core/key_hashing.hpp"
#include "sluice/core/state.hpp"

namespace sluice::ops::aggregate::sketch {

std::size_t key_table::find(std::uint64_t hash, std::string_view key) const {
  if (index_.empty()) return npos;
  for (std::size_t i = hash & mask_;; i = (i + 1) & mask_) {
    const std::uint32_t entry = index_[i];
    if (entry == 0) return npos;
    const std::size_t slot = entry - 1;
    if (hashes_[slot] == hash && keys_[slot] == key) return slot;
  }
}

std::size_t key_table::insert(std::uint64_t hash, std::string_view key) {
  if (keys_.size() >= 0x7fffffffU) throw std::length_error("key_table is full");
  if ((keys_.size() + 1) * 2 > index_.size()) grow();
  const std::size_t slot = keys_.size();
  keys_.emplace_back(key);
  hashes_.push_back(hash);
  place(slot);
  return slot;
}

void key_table::rekey(std::size_t slot, std::uint64_t hash, std::string_view key) {
  unplace(position_of(slot));
  keys_[slot].assign(key.data(), key.size());
  hashes_[slot] = hash;
  place(slot);
}

void key_table::clear() {
  keys_.clear();
  hashes_.clear();
  std::fill(index_.begin(), index_.end(), 0);
}

std::size_t key_table::position_of(std::size_t slot) const {
  for (std::size_t i = hashes_[slot] & mask_;; i = (i + 1) & mask_)
    if (index_[i] == slot + 1) return i;
}

void key_table::place(std::size_t slot) {
  std::size_t i = hashes_[slot] & mask_;
  while (index_[i] != 0) i = (i + 1) & mask_;
  index_[i] = static_cast<std::uint32_t>(slot + 1);
}

void key_table::unplace(std::size_t position) {
  // Backward-shift deletion: entries after the hole that may move into it
  // do, so every probe sequence stays unbroken without tombstones.
  std::size_t hole = position;
  for (std::size_t j = (hole + 1) & mask_; index_[j] != 0; j = (j + 1) & mask_) {
    const std::size_t home = hashes_[index_[j] - 1] & mask_;
    const bool stays = hole <= j ? (hole < home && home <= j) : (hole < home || home <= j);
    if (stays) continue;
    index_[hole] = index_[j];
    hole = j;
  }
  index_[hole] = 0;
}

void key_table::grow() {
  const std::size_t size = index_.empty() ? 16 : index_.size() * 2;
  index_.assign(size, 0);
  mask_ = size - 1;
  for (std::size_t slot = 0; slot < keys_.size(); ++slot) place(slot);
}

void key_table::snapshot(core::state_writer& w) const {
  w.count(keys_.size());
  for (std::size_t slot = 0; slot < keys_.size(); ++slot) {
    w.u64(hashes_[slot]);
    w.str(keys_[slot]);
  }
}

void key_table::restore(core::state_reader& r, const std::vector<core::value_type>& types) {
  clear();
  for (auto n = r.count(); n > 0; --n) {
    auto hash = r.u64();
    std::string key = r.str();
    if (!core::encoded_key_fits(key, types))
      throw core::state_error("a key whose bytes do not hold its fields' values");
    if (find(hash, key) != npos) throw core::state_error("a key held twice");
    insert(hash, key);
  }
}

} // namespace sluice::ops::aggregate::sketch
