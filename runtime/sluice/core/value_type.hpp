#pragma once

#include <optional>
#include <string_view>

namespace sluice::core {

/// The type of a field. Stable names (`name_of`) appear in pipeline files,
/// the catalog and error messages.
enum class value_type {
  int64,     ///< signed 64-bit integer
  float64,   ///< IEEE double
  boolean,   ///< true/false
  string,    ///< UTF-8 bytes
  timestamp, ///< microseconds since the Unix epoch, UTC
};

/// "int", "double", "bool", "string", "timestamp".
std::string_view name_of(value_type t);

/// Inverse of `name_of`; also accepts "int64", "float64", "boolean".
std::optional<value_type> parse_value_type(std::string_view name);

/// True for int64 and float64.
inline bool is_numeric(value_type t) { return t == value_type::int64 || t == value_type::float64; }

} // namespace sluice::core
