#pragma once

#include <cstdint>
#include <limits>
#include <unordered_map>
#include <vector>

#include "sluice/core/column.hpp"

namespace sluice::ops::transform {

/// The in-memory table of transform.lookup: key columns with a hash index,
/// and value columns that end with one extra null row (`null_row()`), so
/// that gathering with that index yields nulls for unmatched records.
class lookup_table {
public:
  lookup_table() = default;
  /// Takes the loaded columns: the first `key_count` are the key. Rows with
  /// a null key are never matched; of rows with equal keys the first wins.
  lookup_table(std::vector<core::column> columns, std::size_t key_count);

  static constexpr std::uint32_t no_match = std::numeric_limits<std::uint32_t>::max();

  std::size_t rows() const { return rows_; }
  /// Rows actually indexed (distinct non-null keys).
  std::size_t keys() const { return head_.size(); }
  std::uint32_t null_row() const { return static_cast<std::uint32_t>(rows_); }
  /// Value column i (0-based among the non-key columns), rows()+1 rows.
  const core::column& value(std::size_t i) const { return values_[i]; }

  /// For every row of the stream key columns `keys` (same types and order
  /// as the table's key), the matching table row, or no_match. Null keys
  /// never match.
  void match(const std::vector<const core::column*>& keys, std::size_t rows,
             std::vector<std::uint32_t>& out);

private:
  std::uint32_t find(const std::vector<const core::column*>& keys, std::size_t row,
                     std::uint64_t hash) const;

  std::vector<core::column> keys_;
  std::vector<core::column> values_;
  std::size_t rows_ = 0;
  std::unordered_map<std::uint64_t, std::uint32_t> head_; ///< hash -> first row
  std::vector<std::uint32_t> next_;                       ///< row -> next row, same hash
  // scratch
  std::vector<std::uint64_t> hashes_, scratch_;
};

} // namespace sluice::ops::transform
