#pragma once

#include "sluice/core/descriptor.hpp"

namespace sluice::ops::synopsis {

/// `synopsis.running`: per `key`, running count, avg, min, max and the
/// exponentially weighted average (`alpha`) of the numeric `field`, over the
/// whole stream so far. A key's stats are emitted after every `every`-th
/// non-null value of that key (1: on each change), and, if changed since,
/// at end of stream. Output: the key fields, count, avg, min, max (the
/// field's type), ewma, and `ts` (the latest record's `timestamp`) if given.
/// Memory: at most `max_keys` keys; a new key beyond that evicts the least
/// recently updated one (after emitting its pending stats), which then
/// starts again from zero.
core::descriptor running_descriptor();

} // namespace sluice::ops::synopsis
