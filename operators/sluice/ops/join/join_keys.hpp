#pragma once

#include <cstdint>
#include <vector>

#include "sluice/core/batch.hpp"
#include "sluice/core/key_hashing.hpp"

namespace sluice::ops::join {

/// Join keys compare with SQL equality (core/key_hashing.hpp): a key with a
/// null field matches nothing.
constexpr core::null_rule join_null_rule = core::null_rule::nulls_never_match;

/// Hashes the join-key columns of one input, a batch at a time: one combined
/// 64-bit hash per row. Equal keys hash equally whatever batch or side they
/// come from (both sides' key types match). Reuses its buffers: no
/// allocation per batch once warmed up.
class key_hasher {
public:
  explicit key_hasher(std::vector<std::size_t> columns) : columns_(std::move(columns)) {}

  /// The key column indices, in `on` order.
  const std::vector<std::size_t>& columns() const { return columns_; }

  /// Hashes every row of `b`; the result is valid until the next call.
  const std::vector<std::uint64_t>& hash(const core::batch& b) {
    core::hash_keys(b, columns_, hashes_, scratch_);
    return hashes_;
  }

  /// True when a key field of row `row` is null: SQL equality never holds.
  bool has_null(const core::batch& b, std::size_t row) const {
    for (auto c : columns_)
      if (b.col(c).is_null(row)) return true;
    return false;
  }

private:
  std::vector<std::size_t> columns_;
  std::vector<std::uint64_t> hashes_;
  std::vector<std::uint64_t> scratch_;
};

/// Whether row `ra` of `a` and row `rb` of `b` have equal keys; `A` and `B`
/// are anything with `col(i)` (a batch, a row_store). Nulls never match.
template <class A, class B>
bool keys_equal(const A& a, const std::vector<std::size_t>& a_keys, std::size_t ra, const B& b,
                const std::vector<std::size_t>& b_keys, std::size_t rb) {
  for (std::size_t k = 0; k < a_keys.size(); ++k)
    if (!core::key_values_equal(a.col(a_keys[k]), ra, b.col(b_keys[k]), rb, join_null_rule))
      return false;
  return true;
}

} // namespace sluice::ops::join
