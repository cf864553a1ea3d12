#pragma once

// The `key` fields of the keyed synopses: checked once against the input
// schema, then encoded per record into a reused byte buffer and hashed
// (core/key_hashing.hpp: nulls are a value), and decoded back into output
// columns.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "sluice/core/batch.hpp"
#include "sluice/core/key_hashing.hpp"

namespace sluice::ops::synopsis {

class key_fields {
public:
  /// Resolves `names` in `input`; throws param_error(param, ...) for an
  /// unknown or repeated field.
  key_fields(const std::vector<std::string>& names, const core::schema& input,
             const std::string& param);

  /// The key fields as output fields, in key order.
  const std::vector<core::field>& fields() const { return fields_; }
  std::size_t size() const { return indexes_.size(); }
  /// The key fields' types, in key order.
  const std::vector<core::value_type>& types() const { return types_; }

  /// Replaces `out` with the key of row `row` of `b`.
  void encode(const core::batch& b, std::size_t row, std::string& out) const;
  /// The hash of a key encoded by encode (core::hash_encoded_key).
  std::uint64_t hash(std::string_view bytes) const { return core::hash_encoded_key(bytes, types_); }
  /// Appends the key `bytes` (from encode) to columns first..first+size()-1.
  void decode(std::string_view bytes, core::batch_builder& out, std::size_t first = 0) const;

private:
  std::vector<std::size_t> indexes_;
  std::vector<core::field> fields_;
  std::vector<core::value_type> types_;
};

/// Throws param_error(param, ...) if two fields of `fields` share a name.
void check_unique_names(const std::vector<core::field>& fields, const std::string& param);

} // namespace sluice::ops::synopsis
