#pragma once

#include <string_view>

#include "sluice/core/column.hpp"

namespace sluice::ops {

/// Text cells (CSV fields, SQLite text) as typed values, for file-backed
/// transforms. int: a decimal integer; double: a decimal or exponent number;
/// bool: true/false (any case) or 1/0; timestamp: ISO-8601 (see
/// core::parse_iso8601); string: the text itself.

/// Appends `text` parsed as `col`'s type; false (nothing appended) if it
/// does not parse.
bool append_parsed(core::column& col, std::string_view text);

/// Narrows an inferred type with one more non-empty value: int, then
/// double, then string (the first value starts at int).
core::value_type widen_for(core::value_type current, std::string_view text);

} // namespace sluice::ops
