#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "sluice/core/value_type.hpp"

namespace sluice::core {
class state_writer;
class state_reader;
} // namespace sluice::core

namespace sluice::ops::aggregate::sketch {

/// A hash index from byte-string keys to dense slots 0..size()-1, for
/// bounded keyed state (space-saving counters, per-key running stats).
/// The caller hashes the key (xxh3, see core/key_hashing.hpp) and keeps per-slot
/// values in its own arrays indexed by slot. Lookups allocate nothing; a
/// slot's key storage is reused when the slot is given a new key, so a full
/// table that evicts and reuses slots stops allocating once warm.
/// Open addressing with linear probing, load factor at most 1/2.
class key_table {
public:
  static constexpr std::size_t npos = static_cast<std::size_t>(-1);

  key_table() = default;

  std::size_t size() const { return keys_.size(); }
  /// Slot of `key`, or npos.
  std::size_t find(std::uint64_t hash, std::string_view key) const;
  /// Adds `key` (not present); returns its slot, which is the old size().
  std::size_t insert(std::uint64_t hash, std::string_view key);
  /// Gives slot `slot` the new key `key` (not present), dropping its old one.
  void rekey(std::size_t slot, std::uint64_t hash, std::string_view key);
  /// Removes every key.
  void clear();

  std::string_view key(std::size_t slot) const { return keys_[slot]; }
  std::uint64_t hash(std::size_t slot) const { return hashes_[slot]; }

  /// The keys in slot order; restore() gives every key its slot back and
  /// refuses (core::state_error) a key that is not one encoded value of each
  /// of `types` (core::encoded_key_fits) or that is there twice.
  void snapshot(core::state_writer& w) const;
  void restore(core::state_reader& r, const std::vector<core::value_type>& types);

private:
  std::size_t position_of(std::size_t slot) const;
  void place(std::size_t slot);
  void unplace(std::size_t position);
  void grow();

  std::vector<std::string> keys_;
  std::vector<std::uint64_t> hashes_;
  std::vector<std::uint32_t> index_; ///< slot + 1 per position; 0 = empty
  std::size_t mask_ = 0;
};

} // namespace sluice::ops::aggregate::sketch
