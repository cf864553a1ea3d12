#include "sluice/ops/join/join_keys.hpp"

#include "sluice/core/hashing.hpp"

namespace sluice::ops {

namespace {

/// Mixes the hash of one more key field into `h` (order matters).
inline std::uint64_t combine(std::uint64_t h, std::uint64_t next) {
  h ^= next + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2);
  h *= 0xff51afd7ed558ccdULL;
  return h ^ (h >> 33);
}

} // namespace

const std::vector<std::uint64_t>& key_hasher::hash(const core::batch& b) {
  core::hash_column(b.col(columns_.front()), hashes_);
  for (std::size_t k = 1; k < columns_.size(); ++k) {
    core::hash_column(b.col(columns_[k]), scratch_);
    for (std::size_t r = 0; r < hashes_.size(); ++r) hashes_[r] = combine(hashes_[r], scratch_[r]);
  }
  return hashes_;
}

bool values_equal(const core::column& a, std::size_t ra, const core::column& b, std::size_t rb) {
  switch (a.type()) {
    case core::value_type::int64:
    case core::value_type::timestamp: return a.ints[ra] == b.ints[rb];
    case core::value_type::float64: return a.doubles[ra] == b.doubles[rb];
    case core::value_type::boolean: return a.bools[ra] == b.bools[rb];
    case core::value_type::string: return a.string_at(ra) == b.string_at(rb);
  }
  return false;
}

} // namespace sluice::ops
