#include "sluice/core/hashing.hpp"

#include <cstring>

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
        double d = c.doubles[i] == 0.0 ? 0.0 : c.doubles[i]; // -0.0 == 0.0
        out[i] = XXH3_64bits(&d, sizeof d);
      }
      break;
    case value_type::boolean:
      for (std::size_t i = 0; i < n; ++i) out[i] = XXH3_64bits(&c.bools[i], 1);
      break;
    case value_type::string:
      for (std::size_t i = 0; i < n; ++i)
        out[i] = XXH3_64bits(c.bytes.data() + c.offsets[i], c.offsets[i + 1] - c.offsets[i]);
      break;
  }
  if (c.has_nulls())
    for (std::size_t i = 0; i < n; ++i)
      if (!c.valid[i]) out[i] = 0x9e3779b97f4a7c15ULL;
}

} // namespace sluice::core
