#pragma once

// Key hashing and comparison for grouped window state.

#include <cmath>
#include <cstdint>
#include <cstring>
#include <vector>

#include "sluice/core/batch.hpp"

namespace sluice::ops {

/// One 64-bit hash per row of `b` over the key fields `fields` (xxh3 per
/// column, combined). Equal keys hash equally in every batch; no fields:
/// every row hashes to 0 (one global group). `scratch` avoids allocation.
void hash_group_keys(const core::batch& b, const std::vector<int>& fields,
                     std::vector<std::uint64_t>& out, std::vector<std::uint64_t>& scratch);

/// Cell `ra` of `a` equals cell `rb` of `b` (same type) as a group key: nulls
/// equal each other, -0.0 equals 0.0 and NaN equals NaN (hash_column agrees).
inline bool group_cell_equal(const core::column& a, std::size_t ra, const core::column& b,
                             std::size_t rb) {
  bool na = a.is_null(ra), nb = b.is_null(rb);
  if (na || nb) return na == nb;
  switch (a.type()) {
    case core::value_type::int64:
    case core::value_type::timestamp: return a.ints[ra] == b.ints[rb];
    case core::value_type::float64: {
      double x = a.doubles[ra], y = b.doubles[rb];
      return x == y || (std::isnan(x) && std::isnan(y));
    }
    case core::value_type::boolean: return a.bools[ra] == b.bools[rb];
    case core::value_type::string: {
      auto la = a.offsets[ra + 1] - a.offsets[ra];
      return la == b.offsets[rb + 1] - b.offsets[rb]
             && std::memcmp(a.bytes.data() + a.offsets[ra], b.bytes.data() + b.offsets[rb], la)
                  == 0;
    }
  }
  return false;
}

/// Pointers to the key columns of `b` (in `fields` order), into `out`.
inline void key_columns_of(const core::batch& b, const std::vector<int>& fields,
                           std::vector<const core::column*>& out) {
  out.clear();
  for (int f : fields) out.push_back(&b.col(static_cast<std::size_t>(f)));
}

} // namespace sluice::ops
