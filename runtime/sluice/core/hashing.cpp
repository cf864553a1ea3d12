#include "sluice/core/hashing.hpp"

#include <xxhash.h>

namespace sluice::core {

void hash_column(const column& c, std::vector<std::uint64_t>& out) {
  const std::size_t n = c.size();
  out.resize(n);
  switch (c.type()) {
    case value_type::int64:
    case value_type::timestamp:
      for (std::size_t i = 0; i < n; ++i) out[i] = XXH3_64bits(&c.ints[i], sizeof(std::int64_t));
      break;
    case value_type::float64:
      for (std::size_t i = 0; i < n; ++i) {
        double d = canonical_double(c.doubles[i]);
        out[i] = XXH3_64bits(&d, sizeof d);
      }
      break;
    case value_type::boolean:
      for (std::size_t i = 0; i < n; ++i) {
        std::uint8_t b = c.bools[i] != 0;
        out[i] = XXH3_64bits(&b, 1);
      }
      break;
    case value_type::string:
      for (std::size_t i = 0; i < n; ++i)
        out[i] = XXH3_64bits(c.bytes.data() + c.offsets[i], c.offsets[i + 1] - c.offsets[i]);
      break;
  }
  if (c.has_nulls())
    for (std::size_t i = 0; i < n; ++i)
      if (!c.valid[i]) out[i] = null_value_hash;
}

std::uint64_t hash_value(const column& c, std::size_t row) {
  if (c.is_null(row)) return null_value_hash;
  switch (c.type()) {
    case value_type::int64:
    case value_type::timestamp: return XXH3_64bits(&c.ints[row], sizeof(std::int64_t));
    case value_type::float64: {
      double d = canonical_double(c.doubles[row]);
      return XXH3_64bits(&d, sizeof d);
    }
    case value_type::boolean: {
      std::uint8_t b = c.bools[row] != 0;
      return XXH3_64bits(&b, 1);
    }
    case value_type::string:
      return XXH3_64bits(c.bytes.data() + c.offsets[row], c.offsets[row + 1] - c.offsets[row]);
  }
  return null_value_hash;
}

} // namespace sluice::core
