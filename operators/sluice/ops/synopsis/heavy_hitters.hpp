#pragma once

#include "sluice/core/descriptor.hpp"

namespace sluice::ops::synopsis {

/// `synopsis.heavy_hitters`: the `k` most frequent values of `key` (one
/// field or several) with their counts, by space-saving over `counters`
/// counters (default max(10 k, 100)). Emits the current top k at end of
/// stream and, if `every` is given, after every `every` records. Output per
/// entry: the key fields, `count` (an upper bound of the true count),
/// `error` (count - error is a lower bound; error <= N / counters for N
/// records so far), `rank` (1 = most frequent). Memory: `counters` keys.
core::descriptor heavy_hitters_descriptor();

} // namespace sluice::ops::synopsis
