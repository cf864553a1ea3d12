#pragma once

#include "sluice/core/descriptor.hpp"

namespace sluice::ops::join {

/// `join.interval`: joins a left and a right record when their `on` keys are
/// equal and |left time - right time| <= `within`; a pair is emitted as soon
/// as its second record arrives. With progress p (event time over both
/// inputs), a record below p is late (counted); held records below
/// p - within can match nothing more and are dropped, a time slice of
/// max(within, 1ms) at a time.
core::descriptor interval_join_descriptor();

} // namespace sluice::ops::join
