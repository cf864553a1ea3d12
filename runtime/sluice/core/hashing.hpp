#pragma once

#include <cstdint>
#include <vector>

#include "sluice/core/column.hpp"

namespace sluice::core {

/// Hashes every row of `c` into `out` (resized to c.size()), with xxHash3.
/// Equal values hash equally whatever batch they are in; a null hashes to a
/// fixed value. Used for hash partitioning and keyed state.
void hash_column(const column& c, std::vector<std::uint64_t>& out);

} // namespace sluice::core
