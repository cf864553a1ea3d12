#pragma once

#include "sluice/core/descriptor.hpp"

namespace sluice::ops::source {

/// `source.generator`: synthetic records (seq, ts, key, value) for tests and
/// benchmarks. Record seq has ts = start + seq × interval, key = "k" + seq %
/// keys and value = (seq % 1000) / 10.0. Parallel instance i of N emits the
/// seqs ≡ i (mod N), so all instances together emit exactly 0..count-1. A
/// `rate` is the total over all instances (each emits rate / N per second,
/// paced by the context's clock).
core::descriptor generator_descriptor();

} // namespace sluice::ops::source
