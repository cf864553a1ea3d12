#pragma once

#include "sluice/core/descriptor.hpp"

namespace sluice::ops::transform {

/// `transform.map`: computes fields and drops fields. Every `set` expression
/// sees the input record (not the fields set before it). A set field that
/// exists replaces that column in place (its type may change); a new one is
/// appended, in the object's key order. Unchanged columns are shared with the
/// input batch, never copied. A record whose evaluation fails goes to the
/// node's errors and is left out of the output.
core::descriptor map_descriptor();

} // namespace sluice::ops::transform
