#pragma once

#include <cstdint>
#include <vector>

#include "sluice/core/column.hpp"
#include "sluice/core/hashing.hpp"

namespace sluice::ops {

/// Hashes the key of every row: out[r] combines the xxHash3 of row r in each
/// of `cols` (all `rows` long), in order. Column at a time; `scratch` is
/// reused between calls. Equal keys hash equally whatever batch or table
/// they are in, as long as the column types are the same.
inline void hash_rows(const std::vector<const core::column*>& cols, std::size_t rows,
                      std::vector<std::uint64_t>& out, std::vector<std::uint64_t>& scratch) {
  out.assign(rows, 0x243f6a8885a308d3ULL);
  for (const core::column* c : cols) {
    core::hash_column(*c, scratch);
    for (std::size_t r = 0; r < rows; ++r) {
      std::uint64_t h = out[r];
      out[r] = h ^ (scratch[r] + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2));
    }
  }
}

/// Row `ra` of `a` equals row `rb` of `b` (same type; both not null).
inline bool same_value(const core::column& a, std::size_t ra, const core::column& b,
                       std::size_t rb) {
  switch (a.type()) {
    case core::value_type::int64:
    case core::value_type::timestamp: return a.ints[ra] == b.ints[rb];
    case core::value_type::float64: return a.doubles[ra] == b.doubles[rb];
    case core::value_type::boolean: return (a.bools[ra] != 0) == (b.bools[rb] != 0);
    case core::value_type::string: return a.string_at(ra) == b.string_at(rb);
  }
  return false;
}

} // namespace sluice::ops
