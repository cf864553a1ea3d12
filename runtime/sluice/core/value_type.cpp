#include "sluice/core/value_type.hpp"

namespace sluice::core {

std::string_view name_of(value_type t) {
  switch (t) {
    case value_type::int64: return "int";
    case value_type::float64: return "double";
    case value_type::boolean: return "bool";
    case value_type::string: return "string";
    case value_type::timestamp: return "timestamp";
  }
  return "?";
}

std::optional<value_type> parse_value_type(std::string_view name) {
  if (name == "int" || name == "int64" || name == "bigint") return value_type::int64;
  if (name == "double" || name == "float64" || name == "float") return value_type::float64;
  if (name == "bool" || name == "boolean") return value_type::boolean;
  if (name == "string" || name == "varchar" || name == "text") return value_type::string;
  if (name == "timestamp") return value_type::timestamp;
  return std::nullopt;
}

} // namespace sluice::core
