#pragma once

#include "sluice/core/descriptor.hpp"

namespace sluice::ops::synopsis {

/// `synopsis.sample`: a random sample of the records, unchanged (same
/// schema). `method` "reservoir" keeps a uniform sample of `k` records and
/// emits it at end of stream, or per tumbling event-time `window` of the
/// `timestamp` field once the window is complete (as window.tumbling decides
/// completeness, with `max_out_of_order`; records of an already emitted
/// window are counted as late). "bernoulli" keeps each record with
/// probability `p` and emits it at once. `seed` makes the sample
/// reproducible. Dropped records are counted as filtered. Memory: k records
/// per open window.
core::descriptor sample_descriptor();

} // namespace sluice::ops::synopsis
