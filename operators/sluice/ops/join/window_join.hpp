#pragma once

#include "sluice/core/descriptor.hpp"

namespace sluice::ops::join {

/// `join.window`: joins a left and a right input on equal `on` keys when both
/// records fall in the same tumbling event-time window of `size`, aligned to
/// the epoch. A pair is emitted as soon as its second record arrives; with
/// `type` "left", a left record that found no match is emitted with null
/// right fields once its window completes. A window's state is dropped when
/// event-time progress over both inputs reaches its end; a record whose
/// window was already complete on arrival is counted late.
core::descriptor window_join_descriptor();

} // namespace sluice::ops::join
