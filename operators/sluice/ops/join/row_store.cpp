#include "sluice/ops/join/row_store.hpp"

#include <stdexcept>
#include <string>

#include "sluice/core/key_hashing.hpp"
#include "sluice/core/state.hpp"

namespace sluice::ops::join {

row_store::row_store(const core::schema& s) {
  columns_.reserve(s.size());
  for (const auto& f : s.fields()) columns_.emplace_back(f.type);
}

std::uint32_t row_store::append(const core::batch& b, std::size_t row, core::timestamp t,
                                std::uint64_t hash, bool indexed) {
  if (ts_.size() >= unindexed) throw std::length_error("join state holds too many rows");
  const auto r = static_cast<std::uint32_t>(ts_.size());
  for (std::size_t i = 0; i < columns_.size(); ++i) columns_[i].append_from(b.col(i), row);
  ts_.push_back(t);
  hashes_.push_back(hash);
  matched_.push_back(0);
  next_.push_back(indexed ? none : unindexed);
  if (indexed) {
    if (++indexed_ > head_.size()) grow_index(); // links every indexed row, r too
    else link(r);
  }
  return r;
}

void row_store::link(std::uint32_t r) {
  const std::size_t slot = hashes_[r] & (head_.size() - 1);
  next_[r] = none;
  if (tail_[slot] == none) head_[slot] = r;
  else next_[tail_[slot]] = r;
  tail_[slot] = r;
}

void row_store::grow_index() { index_rows(head_.empty() ? 16 : head_.size() * 2); }

void row_store::index_rows(std::size_t slots) {
  head_.assign(slots, none);
  tail_.assign(slots, none);
  for (std::uint32_t r = 0; r < next_.size(); ++r)
    if (next_[r] != unindexed) link(r);
}

namespace {

constexpr char flag_matched = 1;
constexpr char flag_unindexed = 2;

} // namespace

void row_store::snapshot(core::state_writer& w) const {
  w.count(rows());
  for (const auto& c : columns_) w.column(c);
  std::string flags(rows(), '\0');
  for (std::size_t r = 0; r < rows(); ++r)
    flags[r] = static_cast<char>((matched_[r] ? flag_matched : 0)
                                 | (next_[r] == unindexed ? flag_unindexed : 0));
  w.str(flags);
}

void row_store::restore(core::state_reader& r, const std::vector<std::size_t>& keys,
                        std::size_t ts_column) {
  if (rows() != 0) throw std::logic_error("row_store::restore into a store that holds rows");
  const std::size_t n = r.count(unindexed);
  for (auto& c : columns_) {
    core::column read = r.column();
    if (read.type() != c.type() || read.size() != n)
      throw core::state_error("join state: a stored column does not match the input schema");
    c = std::move(read);
  }
  const std::string flags = r.str();
  if (flags.size() != n) throw core::state_error("join state: row flags do not match the rows");
  const core::column& ts = columns_[ts_column];
  if (ts.has_nulls()) throw core::state_error("join state: a stored row without event time");
  ts_ = ts.ints;
  std::vector<const core::column*> key_cols;
  for (auto k : keys) key_cols.push_back(&columns_[k]);
  std::vector<std::uint64_t> scratch;
  core::hash_keys(key_cols.data(), key_cols.size(), n, hashes_, scratch);
  matched_.resize(n);
  next_.resize(n);
  indexed_ = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const char f = flags[i];
    if (f & ~(flag_matched | flag_unindexed))
      throw core::state_error("join state: unknown row flags");
    matched_[i] = (f & flag_matched) ? 1 : 0;
    next_[i] = (f & flag_unindexed) ? unindexed : none;
    if (!(f & flag_unindexed)) ++indexed_;
  }
  if (indexed_ == 0) return;
  std::size_t slots = 16; // as many as append's growth would have reached
  while (slots < indexed_) slots *= 2;
  index_rows(slots);
}

} // namespace sluice::ops::join
