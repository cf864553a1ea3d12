#pragma once

// Values of any column type as hashes and as byte strings, so sketches and
// keyed synopsis state hold keys of one or several fields uniformly, without
// a heap allocation per record (callers append into a reused buffer).

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "sluice/core/column.hpp"

namespace sluice::ops {

/// xxh3 (64 bit) of `bytes`.
std::uint64_t hash_bytes(std::string_view bytes);

/// xxh3 of value `row` of `c`: equal to what core::hash_column gives for
/// that row (so -0.0 and 0.0 hash equally, and every null hashes the same).
std::uint64_t hash_value(const core::column& c, std::size_t row);

/// Appends the encoding of value `row` of `c` to `out`: a tag byte (0 null,
/// 1 value), then 8 bytes for int, double and timestamp, 1 for bool, or a
/// 4-byte length and the bytes for a string. Equal values of one type encode
/// equally (-0.0 as 0.0); concatenated encodings of several fields stay
/// unambiguous.
void append_value_key(const core::column& c, std::size_t row, std::string& out);

/// Reads one value of type `t`, as written by append_value_key, from the
/// front of `in`, appends it to `out` (a column of type `t`), and advances
/// `in` past it.
void read_value_key(std::string_view& in, core::value_type t, core::column& out);

/// Like read_value_key, but appends the value as JSON text: numbers, strings
/// quoted and escaped, booleans, timestamps as ISO-8601 strings, null (also
/// for NaN and infinities).
void read_value_json(std::string_view& in, core::value_type t, std::string& out);

} // namespace sluice::ops
