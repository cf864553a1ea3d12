#pragma once

#include "sluice/core/descriptor.hpp"

namespace sluice::ops::transform {

/// `transform.filter`: keeps the records for which the boolean expression
/// `where` is true. False and null drop the record (counted as filtered); a
/// record whose evaluation fails goes to the node's errors. A batch whose
/// records all pass is emitted as it is, without a copy.
core::descriptor filter_descriptor();

} // namespace sluice::ops::transform
