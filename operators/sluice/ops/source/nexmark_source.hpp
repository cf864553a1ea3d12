#pragma once

#include "sluice/core/descriptor.hpp"

namespace sluice::ops::source {

/// `source.nexmark`: the NEXMark auction events (see nexmark_generator.hpp)
/// on three output ports `person`, `auction` and `bid`. Parallel instance i
/// of N generates the blocks of 4096 event positions k with k mod N = i, so
/// all instances together emit exactly the events of one instance. An
/// unconnected port's events are not generated at all (each event draws
/// from its own RNG, so the others do not change).
core::descriptor nexmark_descriptor();

} // namespace sluice::ops::source
