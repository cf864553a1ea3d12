#pragma once

#include <cmath>
#include <cstdint>
#include <limits>
#include <vector>

#include "sluice/core/column.hpp"

namespace sluice::core {

/// What a null hashes to, in every column type.
constexpr std::uint64_t null_value_hash = 0x9e3779b97f4a7c15ULL;

/// `d` as keys hold it: -0.0 as 0.0 and every NaN as the one quiet NaN, so
/// that values equal as keys have the same bytes.
inline double canonical_double(double d) {
  if (std::isnan(d)) return std::numeric_limits<double>::quiet_NaN();
  return d == 0.0 ? 0.0 : d;
}

/// Hashes every row of `c` into `out` (resized to c.size()), with xxHash3 of
/// the value's bytes: 8 for int64, timestamp and float64, 1 for a boolean
/// (0 or 1), a string's bytes. Equal values hash equally whatever batch they
/// are in: -0.0 hashes as 0.0 and every NaN as one NaN; a null hashes to
/// null_value_hash. Keys of several fields combine these (key_hashing.hpp).
void hash_column(const column& c, std::vector<std::uint64_t>& out);

/// The hash hash_column gives row `row` of `c`.
std::uint64_t hash_value(const column& c, std::size_t row);

} // namespace sluice::core
