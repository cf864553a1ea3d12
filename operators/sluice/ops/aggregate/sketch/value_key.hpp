#pragma once

// Values of any column type as byte strings, so sketches and keyed synopsis
// state hold keys of one or several fields uniformly, without a heap
// allocation per record (callers append into a reused buffer). The encoding
// and the hashes are core's, the same as every keyed operator's
// (core/key_hashing.hpp: append_value_key, read_value_key, hash_value,
// hash_encoded_key); this adds the JSON form of an encoded value.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "sluice/core/key_hashing.hpp"

namespace sluice::ops::aggregate::sketch {

/// Like core::read_value_key, but appends the value as JSON text: numbers,
/// strings quoted and escaped, booleans, timestamps as ISO-8601 strings, null
/// (also for NaN and infinities).
void read_value_json(std::string_view& in, core::value_type t, std::string& out);

} // namespace sluice::ops::aggregate::sketch
