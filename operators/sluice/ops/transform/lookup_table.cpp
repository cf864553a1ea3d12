#include "sluice/ops/transform/lookup_table.hpp"

#include "sluice/core/key_hashing.hpp"

namespace sluice::ops::transform {

namespace {

// A null key field matches nothing, on either side.
constexpr core::null_rule lookup_null_rule = core::null_rule::nulls_never_match;

} // namespace

lookup_table::lookup_table(std::vector<core::column> columns, std::size_t key_count) {
  rows_ = columns.empty() ? 0 : columns[0].size();
  for (std::size_t i = 0; i < columns.size(); ++i)
    (i < key_count ? keys_ : values_).push_back(std::move(columns[i]));
  for (auto& v : values_) v.append_null();

  std::vector<const core::column*> key_cols;
  for (const auto& k : keys_) key_cols.push_back(&k);
  core::hash_keys(key_cols.data(), key_cols.size(), rows_, hashes_, scratch_);
  next_.assign(rows_, no_match);
  head_.reserve(rows_);
  for (std::size_t r = 0; r < rows_; ++r) {
    if (core::key_has_null(key_cols.data(), key_cols.size(), r)
        || find(key_cols, r, hashes_[r]) != no_match)
      continue;
    auto [it, fresh] = head_.emplace(hashes_[r], static_cast<std::uint32_t>(r));
    if (!fresh) { // a different key with the same hash: chain it
      next_[r] = it->second;
      it->second = static_cast<std::uint32_t>(r);
    }
  }
  hashes_.clear();
  hashes_.shrink_to_fit();
}

std::uint32_t lookup_table::find(const std::vector<const core::column*>& keys, std::size_t row,
                                 std::uint64_t hash) const {
  auto it = head_.find(hash);
  if (it == head_.end()) return no_match;
  for (std::uint32_t r = it->second; r != no_match; r = next_[r]) {
    bool equal = true;
    for (std::size_t k = 0; k < keys_.size() && equal; ++k)
      equal = core::key_values_equal(*keys[k], row, keys_[k], r, lookup_null_rule);
    if (equal) return r;
  }
  return no_match;
}

void lookup_table::match(const std::vector<const core::column*>& keys, std::size_t rows,
                         std::vector<std::uint32_t>& out) {
  core::hash_keys(keys.data(), keys.size(), rows, hashes_, scratch_);
  out.resize(rows);
  for (std::size_t r = 0; r < rows; ++r)
    out[r] = core::key_has_null(keys.data(), keys.size(), r) ? no_match : find(keys, r, hashes_[r]);
}

} // namespace sluice::ops::transform
