#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "sluice/ops/aggregate/sketch/key_table.hpp"

namespace sluice::core {
class state_writer;
class state_reader;
} // namespace sluice::core

namespace sluice::ops::aggregate::sketch {

/// Space-saving heavy hitters (Metwally, Agrawal, El Abbadi 2005) with
/// `capacity` m counters over byte-string keys (see core/key_hashing.hpp). A new key
/// when all counters are taken replaces the key of the smallest counter and
/// inherits its count as its error.
///
/// Error bound, for N = total weight added: every reported count
/// overestimates the true count by at most its `error`, and error <= N / m;
/// so `count - error <= true count <= count`. Every key whose true count
/// exceeds N / m is held. After merge(), a reported count still lies in
/// [count - error, count], and error <= N / m when the merged sketches were
/// filled by add() only. Memory: m keys plus four words per counter.
class space_saving {
public:
  struct entry {
    std::string_view key; ///< valid until the sketch changes
    std::uint64_t count;  ///< upper bound of the true count
    std::uint64_t error;  ///< count - error is a lower bound
  };

  /// The default number of counters for reporting the top `k`: max(10 k, 100).
  static std::size_t counters_for_top(std::size_t k) { return k * 10 > 100 ? k * 10 : 100; }

  /// `capacity` >= 1 (else std::invalid_argument).
  explicit space_saving(std::size_t capacity);

  /// Adds `weight` occurrences of `key`, whose hash (xxh3) is `hash`.
  void add(std::uint64_t hash, std::string_view key, std::uint64_t weight = 1);
  /// Folds `other` in (any capacity; this one's capacity is kept).
  void merge(const space_saving& other);

  /// The `k` largest counters, largest count first; ties by smaller error,
  /// then by key bytes, so the order is deterministic.
  std::vector<entry> top(std::size_t k) const;

  std::size_t capacity() const { return capacity_; }
  std::size_t size() const { return keys_.size(); }
  /// N: the total weight added.
  std::uint64_t total() const { return total_; }
  /// The smallest count when every counter is taken (the bound on the true
  /// count of any key not held), else 0.
  std::uint64_t min_count() const;

  /// Every counter, exactly (ties keep their order after restore). The keys
  /// are encoded values of `types` (key_table::restore).
  void snapshot(core::state_writer& w) const;
  void restore(core::state_reader& r, const std::vector<core::value_type>& types);

private:
  void sift_up(std::size_t position);
  void sift_down(std::size_t position);
  void swap_heap(std::size_t a, std::size_t b);
  bool less(std::size_t a, std::size_t b) const { return counts_[heap_[a]] < counts_[heap_[b]]; }

  std::size_t capacity_;
  std::uint64_t total_ = 0;
  key_table keys_;
  std::vector<std::uint64_t> counts_;  ///< per slot
  std::vector<std::uint64_t> errors_;  ///< per slot
  std::vector<std::uint32_t> heap_;    ///< slots, min-heap by count
  std::vector<std::uint32_t> heap_at_; ///< per slot: its position in heap_
};

} // namespace sluice::ops::aggregate::sketch
