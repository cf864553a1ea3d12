#pragma once

#include "sluice/core/descriptor.hpp"

namespace sluice::ops::transform {

/// `transform.union`: merges several streams of one schema. Its single input
/// port `in` takes any number of edges (the validator requires their schemas
/// to be equal); every batch is forwarded unchanged, without a copy, in the
/// order it arrives. The runtime merges the inputs' watermarks (minimum over
/// live inputs) and ends the output when every input has ended.
core::descriptor union_descriptor();

} // namespace sluice::ops::transform
