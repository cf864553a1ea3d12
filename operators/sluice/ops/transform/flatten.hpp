#pragma once

#include "sluice/core/descriptor.hpp"

namespace sluice::ops::transform {

/// `transform.flatten`: splits the string field `split` at every `separator`
/// and emits one record per part, the other fields repeated. With `trim`
/// (default) spaces, tabs, CR and LF around each part are removed; with
/// `skip_empty` (default) empty parts (after trimming) are left out, so
/// "a,,b," gives "a" and "b". The parts go to field `as`: by default the
/// split field itself, replaced in place; another name keeps the split field
/// and appends the parts as a new string field (it must not exist yet).
///
/// A null value has nothing to split: it gives one record with a null part.
/// A record with no part left (an empty string with `skip_empty`) is counted
/// as filtered. Output records keep the input order. When every record gives
/// exactly one part, the other columns are shared with the input, not copied.
core::descriptor flatten_descriptor();

} // namespace sluice::ops::transform
