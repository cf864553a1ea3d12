#pragma once

#include <cstdint>
#include <vector>

#include "sluice/core/batch.hpp"
#include "sluice/core/time.hpp"

namespace sluice::core {
class state_reader;
class state_writer;
} // namespace sluice::core

namespace sluice::ops::join {

/// The held records of one join side in one window or time slice: columnar
/// copies of the rows (same schema as the side's input) plus a chained hash
/// index on the join-key hash, so a probe touches only rows whose key hash
/// is equal. Storage grows by vector growth only: no allocation per row.
class row_store {
public:
  explicit row_store(const core::schema& s);

  std::size_t rows() const { return ts_.size(); }
  /// Column `i` of the stored rows (for keys_equal and join_output).
  const core::column& col(std::size_t i) const { return columns_[i]; }
  core::timestamp ts(std::uint32_t r) const { return ts_[r]; }
  bool matched(std::uint32_t r) const { return matched_[r] != 0; }
  void mark_matched(std::uint32_t r) { matched_[r] = 1; }

  /// Copies row `row` of `b` (event time `t`, key hash `hash`); returns its
  /// index. With `indexed` false (a null key) probes never see it. `t` and
  /// `hash` are the row's event-time field and key hash: restore derives them
  /// from the columns again.
  std::uint32_t append(const core::batch& b, std::size_t row, core::timestamp t, std::uint64_t hash,
                       bool indexed);

  /// Writes the rows: each column whole, then a flag byte per row (matched,
  /// indexed). Event times and key hashes are not written: they follow from
  /// the columns, and restore derives them again, so a snapshot never holds
  /// hashes another build would compute differently.
  void snapshot(core::state_writer& w) const;
  /// Reads what snapshot wrote into this empty store, `keys` and `ts_column`
  /// naming the side's key and event-time columns, and rebuilds the times,
  /// the hashes and the index as append would have left them.
  void restore(core::state_reader& r, const std::vector<std::size_t>& keys, std::size_t ts_column);

  /// Calls f(r) for every indexed row whose key hash is `hash`, oldest first.
  template <class F>
  void for_each_with_hash(std::uint64_t hash, F&& f) const {
    if (head_.empty()) return;
    for (std::uint32_t r = head_[hash & (head_.size() - 1)]; r != none; r = next_[r])
      if (hashes_[r] == hash) f(r);
  }

private:
  static constexpr std::uint32_t none = UINT32_MAX;
  static constexpr std::uint32_t unindexed = UINT32_MAX - 1;

  void link(std::uint32_t r);
  void grow_index();
  void index_rows(std::size_t slots);

  std::vector<core::column> columns_;
  std::vector<core::timestamp> ts_;
  std::vector<std::uint64_t> hashes_;
  std::vector<std::uint8_t> matched_;
  std::vector<std::uint32_t> next_; ///< next row in the chain, none, or unindexed
  std::vector<std::uint32_t> head_; ///< per slot (power of two): first row, or none
  std::vector<std::uint32_t> tail_; ///< per slot: last row, or none
  std::size_t indexed_ = 0;
};

} // namespace sluice::ops::join
