#pragma once

// Keys of one or several fields, treated the same way by every keyed part of
// Sluice (hash partitioning, windows, joins, lookup, dedupe, the keyed
// synopses): a key's hash, column at a time; key equality, under a null rule
// the caller names; and a key's encoding as bytes, for state held as byte
// strings.
//
// Values of a key field, whatever the operator:
// - -0.0 equals 0.0, and a NaN equals every NaN (one value, as count_distinct
//   counts it; unlike IEEE ==, so that a NaN key finds itself);
// - int64 and timestamp compare by value, booleans as true or false,
//   strings byte by byte (embedded NULs included);
// - nulls as the null_rule says.
// The two keys compared have the same number of fields, with the same types
// in the same order (operators check that when they are built).

#include <cmath>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "sluice/core/batch.hpp"
#include "sluice/core/hashing.hpp"

namespace sluice::core {

enum class null_rule {
  /// A null is a value, equal to null: group-by, dedupe, the keyed synopses.
  nulls_equal,
  /// SQL equality: a key with a null field equals no key, not even itself.
  /// Joins and lookup; such rows need no hash index (see key_has_null).
  nulls_never_match,
};

/// The hash of a key with no field (every row: one global group).
constexpr std::uint64_t empty_key_hash = 0;

/// One hash per row over the key fields cols[0..count), each `rows` long,
/// into `out` (resized); `scratch` is reused between calls. One field: its
/// hash_column value; more: those combined in order, so (a, b) and (b, a)
/// differ. Equal keys hash equally whatever batch, table or column layout
/// they come from; the null rule changes nothing here (a null hashes to
/// null_value_hash).
void hash_keys(const column* const* cols, std::size_t count, std::size_t rows,
               std::vector<std::uint64_t>& out, std::vector<std::uint64_t>& scratch);

/// The same over the columns `fields` of `b`, in that order.
void hash_keys(const batch& b, const std::vector<std::size_t>& fields,
               std::vector<std::uint64_t>& out, std::vector<std::uint64_t>& scratch);
void hash_keys(const batch& b, const std::vector<int>& fields, std::vector<std::uint64_t>& out,
               std::vector<std::uint64_t>& scratch);

/// Pointers to the columns `fields` of `b`, in that order, into `out`.
void key_columns(const batch& b, const std::vector<int>& fields, std::vector<const column*>& out);

/// Value `ra` of `a` equals value `rb` of `b` (same type) as a key field.
inline bool key_values_equal(const column& a, std::size_t ra, const column& b, std::size_t rb,
                             null_rule rule) {
  const bool na = a.is_null(ra), nb = b.is_null(rb);
  if (na || nb) return na && nb && rule == null_rule::nulls_equal;
  switch (a.type()) {
    case value_type::int64:
    case value_type::timestamp: return a.ints[ra] == b.ints[rb];
    case value_type::float64: {
      const double x = a.doubles[ra], y = b.doubles[rb];
      return x == y || (std::isnan(x) && std::isnan(y)); // == has -0.0 equal 0.0
    }
    case value_type::boolean: return (a.bools[ra] != 0) == (b.bools[rb] != 0);
    case value_type::string: {
      const std::uint32_t len = a.offsets[ra + 1] - a.offsets[ra];
      return len == b.offsets[rb + 1] - b.offsets[rb]
             && std::memcmp(a.bytes.data() + a.offsets[ra], b.bytes.data() + b.offsets[rb], len)
                  == 0;
    }
  }
  return false;
}

/// Row `ra` of the key columns `a` equals row `rb` of the key columns `b`
/// (`count` fields each).
inline bool keys_equal(const column* const* a, std::size_t ra, const column* const* b,
                       std::size_t rb, std::size_t count, null_rule rule) {
  for (std::size_t k = 0; k < count; ++k)
    if (!key_values_equal(*a[k], ra, *b[k], rb, rule)) return false;
  return true;
}

/// Whether a field of the key at row `row` is null: under nulls_never_match
/// that key equals nothing, so callers neither index nor probe it.
inline bool key_has_null(const column* const* cols, std::size_t count, std::size_t row) {
  for (std::size_t k = 0; k < count; ++k)
    if (cols[k]->is_null(row)) return true;
  return false;
}

/// Which of `n` (> 0) instances gets a key with hash `h`: a pure function of
/// the key. The hash is mixed again first: the hash tables inside each
/// instance index by its low bits, and `h % n` would give one instance only
/// keys whose low bits are alike (at n = 2, only even home slots).
inline std::size_t partition_of(std::uint64_t h, std::size_t n) {
  h ^= h >> 33;
  h *= 0xc4ceb9fe1a85ec53ULL;
  h ^= h >> 33;
  return static_cast<std::size_t>(h % n);
}

// --- keys as bytes --------------------------------------------------------------
//
// A value is encoded as a tag byte (0 null, 1 value), then 8 bytes for int64,
// timestamp and float64 (in this machine's byte order; -0.0 as 0.0, every
// NaN as one), 1 byte for a boolean (0 or 1), or a 4-byte length and the
// bytes for a string. A key is its fields' encodings in order: two keys of
// the same types encode to the same bytes exactly when they are equal under
// nulls_equal, and the concatenation stays unambiguous.

/// Appends the encoding of value `row` of `c` to `out`.
void append_value_key(const column& c, std::size_t row, std::string& out);

/// Appends the encoding of the key at row `row` of the columns `fields` of `b`.
void append_key(const batch& b, const std::vector<std::size_t>& fields, std::size_t row,
                std::string& out);

/// Reads one value of type `t`, as append_value_key wrote it, from the front
/// of `in`, appends it to `out` (a column of type `t`), and advances `in`.
void read_value_key(std::string_view& in, value_type t, column& out);

/// Whether `bytes` are exactly one encoded value of each of `types`, in
/// order, as append_value_key writes them. read_value_key trusts its input,
/// so keys read back from a checkpoint are checked with this first.
bool encoded_key_fits(std::string_view bytes, const std::vector<value_type>& types);

/// The hash hash_keys gives the key encoded as `bytes`, whose fields have the
/// types `types` (so state keyed by bytes can hash them again, e.g. when it
/// is restored).
std::uint64_t hash_encoded_key(std::string_view bytes, const std::vector<value_type>& types);

} // namespace sluice::core
