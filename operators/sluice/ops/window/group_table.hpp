#pragma once

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <utility>
#include <vector>

#include "sluice/core/column.hpp"
#include "sluice/core/key_hashing.hpp"
#include "sluice/core/state.hpp"

namespace sluice::ops::window {

/// The groups of one window (or one operator): each group's key stored once,
/// column-wise (so emitting the keys is a bulk copy), its hash, and a
/// `Payload`, found through an open-addressing index (linear probing, a
/// 32-bit hash tag per entry). Group ids are dense and in insertion order.
/// Only a new group allocates, and only when a vector grows.
///
/// Erased groups leave a hole (id not live) until compact() renumbers.
template <class Payload>
class group_table {
public:
  static constexpr std::uint32_t none = UINT32_MAX;

  explicit group_table(const std::vector<core::value_type>& key_types) {
    keys_.reserve(key_types.size());
    for (auto t : key_types) keys_.emplace_back(t);
    for (auto& k : keys_) key_ptrs_.push_back(&k);
    single_string_ = key_types.size() == 1 && key_types[0] == core::value_type::string;
    index_.assign(16, entry{});
  }
  group_table(const group_table&) = delete;
  group_table& operator=(const group_table&) = delete;

  /// The group whose key is row `row` of `cols` (one column per key field)
  /// with hash `h`; adds it, with a value-initialised payload, if absent.
  std::uint32_t find_or_add(const core::column* const* cols, std::size_t row, std::uint64_t h,
                            bool& added) {
    if ((used_ + 1) * 4 > index_.size() * 3) rehash((live_ + 1) * 2 > index_.size());
    const std::size_t mask = index_.size() - 1;
    const auto tag = static_cast<std::uint32_t>(h >> 32);
    std::size_t i = h & mask, free_at = SIZE_MAX;
    for (;; i = (i + 1) & mask) {
      const entry& e = index_[i];
      if (e.id == none) break;
      if (e.id == tomb) {
        if (free_at == SIZE_MAX) free_at = i;
      } else if (e.tag == tag && hashes_[e.id] == h && equal(cols, row, e.id)) {
        added = false;
        return e.id;
      }
    }
    if (free_at == SIZE_MAX) {
      free_at = i;
      ++used_;
    }
    auto id = static_cast<std::uint32_t>(hashes_.size());
    index_[free_at] = entry{id, tag};
    if (single_string_ && !cols[0]->is_null(row) && keys_[0].valid.empty()) {
      const core::column& c = *cols[0];
      keys_[0].bytes.append(c.bytes.data() + c.offsets[row], c.offsets[row + 1] - c.offsets[row]);
      keys_[0].offsets.push_back(static_cast<std::uint32_t>(keys_[0].bytes.size()));
    } else {
      for (std::size_t k = 0; k < keys_.size(); ++k) keys_[k].append_from(*cols[k], row);
    }
    hashes_.push_back(h);
    payloads_.emplace_back();
    if (!dead_.empty()) dead_.push_back(0);
    ++live_;
    added = true;
    return id;
  }

  /// The group of that key, or `none`.
  std::uint32_t find(const core::column* const* cols, std::size_t row, std::uint64_t h) const {
    const std::size_t mask = index_.size() - 1;
    const auto tag = static_cast<std::uint32_t>(h >> 32);
    for (std::size_t i = h & mask;; i = (i + 1) & mask) {
      const entry& e = index_[i];
      if (e.id == none) return none;
      if (e.id != tomb && e.tag == tag && hashes_[e.id] == h && equal(cols, row, e.id)) return e.id;
    }
  }

  Payload& payload(std::uint32_t id) { return payloads_[id]; }
  const Payload& payload(std::uint32_t id) const { return payloads_[id]; }
  const std::vector<Payload>& payloads() const { return payloads_; }
  std::uint64_t hash(std::uint32_t id) const { return hashes_[id]; }
  /// The stored key columns, one row per id (erased ids included).
  const core::column* const* key_columns() const { return key_ptrs_.data(); }
  std::size_t key_count() const { return keys_.size(); }

  std::uint32_t ids() const { return static_cast<std::uint32_t>(hashes_.size()); }
  std::size_t size() const { return live_; }
  bool empty() const { return live_ == 0; }
  bool live(std::uint32_t id) const { return dead_.empty() || !dead_[id]; }

  /// Removes a group: its id stays a hole until compact().
  void erase(std::uint32_t id) {
    const std::size_t mask = index_.size() - 1;
    for (std::size_t i = hashes_[id] & mask;; i = (i + 1) & mask)
      if (index_[i].id == id) {
        index_[i].id = tomb;
        break;
      }
    if (dead_.empty()) dead_.assign(hashes_.size(), 0);
    dead_[id] = 1;
    payloads_[id] = Payload{};
    --live_;
  }

  /// Whether holes outnumber live groups enough that compact() pays.
  bool sparse() const { return ids() > 64 && ids() - live_ > live_; }

  /// Renumbers the live groups densely, keeping their order. Returns the
  /// new id of each old id (`none` for erased ones), so the caller can fix
  /// its references.
  std::vector<std::uint32_t> compact() {
    std::vector<std::uint32_t> new_id(ids(), none);
    std::vector<core::column> keys;
    for (const auto& k : keys_) keys.emplace_back(k.type());
    std::vector<std::uint64_t> hashes;
    std::vector<Payload> payloads;
    for (std::uint32_t id = 0; id < ids(); ++id) {
      if (!live(id)) continue;
      new_id[id] = static_cast<std::uint32_t>(hashes.size());
      for (std::size_t k = 0; k < keys_.size(); ++k) keys[k].append_from(keys_[k], id);
      hashes.push_back(hashes_[id]);
      payloads.push_back(std::move(payloads_[id]));
    }
    for (std::size_t k = 0; k < keys_.size(); ++k) keys_[k] = std::move(keys[k]);
    hashes_ = std::move(hashes);
    payloads_ = std::move(payloads);
    dead_.clear();
    rehash(false);
    return new_id;
  }

  /// Writes every id, erased ones as holes (callers keep ids, so they must
  /// stay valid): the key columns, the erased ids, then each live group's
  /// payload through write_payload(w, payload). Hashes are not written:
  /// restore computes them again from the keys.
  template <class F>
  void snapshot(core::state_writer& w, F&& write_payload) const {
    w.count(ids());
    for (const auto& k : keys_) w.column(k);
    w.count(ids() - live_);
    for (std::uint32_t id = 0; id < ids(); ++id)
      if (!live(id)) w.u64(id);
    for (std::uint32_t id = 0; id < ids(); ++id)
      if (live(id)) write_payload(w, payloads_[id]);
  }

  /// Replaces the groups with what snapshot() wrote; read_payload(r,
  /// payload) reads each live group's payload.
  template <class F>
  void restore(core::state_reader& r, F&& read_payload) {
    clear();
    const std::size_t n = r.count(none - 1);
    for (auto& k : keys_) {
      core::column c = r.column();
      if (c.type() != k.type() || c.size() != n)
        throw core::state_error("group keys of another type or length");
      k = std::move(c);
    }
    std::vector<std::uint64_t> scratch;
    core::hash_keys(key_ptrs_.data(), keys_.size(), n, hashes_, scratch);
    payloads_.resize(n);
    const std::size_t erased = r.count(n);
    if (erased) dead_.assign(n, 0);
    for (std::size_t i = 0; i < erased; ++i) {
      const std::uint64_t id = r.u64();
      if (id >= n) throw core::state_error("an erased group past the groups");
      dead_[id] = 1;
    }
    live_ = 0;
    for (std::uint32_t id = 0; id < n; ++id)
      if (live(id)) {
        read_payload(r, payloads_[id]);
        ++live_;
      }
    rehash(false);
  }

  /// Drops every group, keeping the memory for reuse.
  void clear() {
    for (auto& k : keys_) {
      k.ints.clear();
      k.doubles.clear();
      k.bools.clear();
      k.bytes.clear();
      k.valid.clear();
      if (k.type() == core::value_type::string) k.offsets.assign(1, 0);
    }
    hashes_.clear();
    payloads_.clear();
    dead_.clear();
    live_ = used_ = 0;
    std::fill(index_.begin(), index_.end(), entry{});
  }

private:
  static constexpr std::uint32_t tomb = UINT32_MAX - 1;
  struct entry {
    std::uint32_t id = none;
    std::uint32_t tag = 0;
  };

  bool equal(const core::column* const* cols, std::size_t row, std::uint32_t id) const {
    if (single_string_ && !cols[0]->has_nulls() && keys_[0].valid.empty()) {
      const core::column &a = *cols[0], &b = keys_[0];
      std::uint32_t len = a.offsets[row + 1] - a.offsets[row];
      return len == b.offsets[id + 1] - b.offsets[id]
             && std::memcmp(a.bytes.data() + a.offsets[row], b.bytes.data() + b.offsets[id], len)
                  == 0;
    }
    return core::keys_equal(cols, row, key_ptrs_.data(), id, keys_.size(),
                            core::null_rule::nulls_equal);
  }

  // Rebuilds the index from the live groups (growing it if asked).
  void rehash(bool grow) {
    std::size_t cap = index_.size();
    if (grow) cap *= 2;
    while (live_ * 4 > cap * 3) cap *= 2;
    index_.assign(cap, entry{});
    const std::size_t mask = cap - 1;
    for (std::uint32_t id = 0; id < ids(); ++id) {
      if (!live(id)) continue;
      std::size_t i = hashes_[id] & mask;
      while (index_[i].id != none) i = (i + 1) & mask;
      index_[i] = entry{id, static_cast<std::uint32_t>(hashes_[id] >> 32)};
    }
    used_ = live_;
  }

  std::vector<core::column> keys_;
  std::vector<const core::column*> key_ptrs_;
  bool single_string_ = false; ///< one string key field: inlined compare and copy
  std::vector<std::uint64_t> hashes_;
  std::vector<Payload> payloads_;
  std::vector<std::uint8_t> dead_; ///< empty while nothing was erased
  std::vector<entry> index_;       ///< power-of-two size
  std::size_t live_ = 0;
  std::size_t used_ = 0; ///< index entries not empty (live + tombstones)
};

} // namespace sluice::ops::window
