#include "sluice/ops/window/group_keys.hpp"

#include "sluice/core/hashing.hpp"

namespace sluice::ops {

void hash_group_keys(const core::batch& b, const std::vector<int>& fields,
                     std::vector<std::uint64_t>& out, std::vector<std::uint64_t>& scratch) {
  const std::size_t n = b.rows();
  if (fields.empty()) {
    out.assign(n, 0);
    return;
  }
  core::hash_column(b.col(static_cast<std::size_t>(fields[0])), out);
  for (std::size_t f = 1; f < fields.size(); ++f) {
    core::hash_column(b.col(static_cast<std::size_t>(fields[f])), scratch);
    std::uint64_t* h = out.data();
    const std::uint64_t* g = scratch.data();
    for (std::size_t i = 0; i < n; ++i) {
      // boost::hash_combine widened to 64 bits, then a multiply to spread it.
      std::uint64_t x = h[i] ^ (g[i] + 0x9e3779b97f4a7c15ULL + (h[i] << 6) + (h[i] >> 2));
      h[i] = x * 0xbf58476d1ce4e5b9ULL;
    }
  }
}

} // namespace sluice::ops
