#include "sluice/ops/aggregate/sketch/space_saving.hpp"

#include <algorithm>
#include <stdexcept>
#include <string>
#include <tuple>

#include "sluice/core/state.hpp"

namespace sluice::ops::aggregate::sketch {

namespace {

// Largest count first, then smaller error, then key bytes.
template <typename T>
bool before(const T& a, const T& b) {
  return std::tie(b.count, a.error, a.key) < std::tie(a.count, b.error, b.key);
}

} // namespace

space_saving::space_saving(std::size_t capacity) : capacity_(capacity) {
  if (capacity == 0) throw std::invalid_argument("space-saving needs at least one counter");
}

std::uint64_t space_saving::min_count() const {
  return keys_.size() < capacity_ ? 0 : counts_[heap_[0]];
}

void space_saving::add(std::uint64_t hash, std::string_view key, std::uint64_t weight) {
  total_ += weight;
  std::size_t slot = keys_.find(hash, key);
  if (slot != key_table::npos) {
    counts_[slot] += weight;
    sift_down(heap_at_[slot]);
    return;
  }
  if (keys_.size() < capacity_) {
    slot = keys_.insert(hash, key);
    counts_.push_back(weight);
    errors_.push_back(0);
    heap_.push_back(static_cast<std::uint32_t>(slot));
    heap_at_.push_back(static_cast<std::uint32_t>(heap_.size() - 1));
    sift_up(heap_.size() - 1);
    return;
  }
  slot = heap_[0]; // the smallest counter takes the new key
  errors_[slot] = counts_[slot];
  counts_[slot] += weight;
  keys_.rekey(slot, hash, key);
  sift_down(0);
}

void space_saving::merge(const space_saving& other) {
  if (other.total_ == 0) return;
  // A key missing from a full summary may have occurred up to that
  // summary's smallest count: add that as both count and error.
  const std::uint64_t min_this = min_count();
  const std::uint64_t min_other = other.min_count();
  struct candidate {
    std::string key;
    std::uint64_t hash, count, error;
  };
  std::vector<candidate> all;
  all.reserve(size() + other.size());
  for (std::size_t s = 0; s < size(); ++s) {
    candidate c{std::string(keys_.key(s)), keys_.hash(s), counts_[s] + min_other,
                errors_[s] + min_other};
    std::size_t o = other.keys_.find(c.hash, c.key);
    if (o != key_table::npos) {
      c.count = counts_[s] + other.counts_[o];
      c.error = errors_[s] + other.errors_[o];
    }
    all.push_back(std::move(c));
  }
  for (std::size_t o = 0; o < other.size(); ++o)
    if (keys_.find(other.keys_.hash(o), other.keys_.key(o)) == key_table::npos)
      all.push_back({std::string(other.keys_.key(o)), other.keys_.hash(o),
                     other.counts_[o] + min_this, other.errors_[o] + min_this});
  std::sort(all.begin(), all.end(),
            [](const candidate& a, const candidate& b) { return before(a, b); });
  if (all.size() > capacity_) all.resize(capacity_);

  keys_.clear();
  counts_.clear();
  errors_.clear();
  heap_.clear();
  heap_at_.clear();
  for (const auto& c : all) {
    keys_.insert(c.hash, c.key);
    counts_.push_back(c.count);
    errors_.push_back(c.error);
  }
  // Sorted descending, so the reversed slot order is already a min-heap.
  for (std::size_t i = 0; i < all.size(); ++i) {
    heap_.push_back(static_cast<std::uint32_t>(all.size() - 1 - i));
    heap_at_.push_back(0);
  }
  for (std::size_t i = 0; i < heap_.size(); ++i) heap_at_[heap_[i]] = static_cast<std::uint32_t>(i);
  total_ += other.total_;
}

std::vector<space_saving::entry> space_saving::top(std::size_t k) const {
  std::vector<entry> out;
  out.reserve(size());
  for (std::size_t s = 0; s < size(); ++s) out.push_back({keys_.key(s), counts_[s], errors_[s]});
  const std::size_t n = std::min(k, out.size());
  std::partial_sort(out.begin(), out.begin() + static_cast<std::ptrdiff_t>(n), out.end(),
                    [](const entry& a, const entry& b) { return before(a, b); });
  out.resize(n);
  return out;
}

void space_saving::swap_heap(std::size_t a, std::size_t b) {
  std::swap(heap_[a], heap_[b]);
  heap_at_[heap_[a]] = static_cast<std::uint32_t>(a);
  heap_at_[heap_[b]] = static_cast<std::uint32_t>(b);
}

void space_saving::sift_up(std::size_t position) {
  while (position > 0) {
    std::size_t parent = (position - 1) / 2;
    if (!less(position, parent)) return;
    swap_heap(position, parent);
    position = parent;
  }
}

void space_saving::sift_down(std::size_t position) {
  for (;;) {
    std::size_t smallest = position;
    std::size_t left = 2 * position + 1;
    std::size_t right = left + 1;
    if (left < heap_.size() && less(left, smallest)) smallest = left;
    if (right < heap_.size() && less(right, smallest)) smallest = right;
    if (smallest == position) return;
    swap_heap(position, smallest);
    position = smallest;
  }
}

void space_saving::snapshot(core::state_writer& w) const {
  w.u64(capacity_);
  w.u64(total_);
  keys_.snapshot(w);
  for (std::size_t slot = 0; slot < keys_.size(); ++slot) {
    w.u64(counts_[slot]);
    w.u64(errors_[slot]);
    w.u64(heap_[slot]);
    w.u64(heap_at_[slot]);
  }
}

void space_saving::restore(core::state_reader& r, const std::vector<core::value_type>& types) {
  if (r.u64() != capacity_) throw core::state_error("a space-saving sketch of another size");
  total_ = r.u64();
  keys_.restore(r, types);
  const std::size_t n = keys_.size();
  counts_.resize(n);
  errors_.resize(n);
  heap_.resize(n);
  heap_at_.resize(n);
  for (std::size_t slot = 0; slot < n; ++slot) {
    counts_[slot] = r.u64();
    errors_[slot] = r.u64();
    heap_[slot] = static_cast<std::uint32_t>(r.u64());
    heap_at_[slot] = static_cast<std::uint32_t>(r.u64());
    if (heap_[slot] >= n || heap_at_[slot] >= n) throw core::state_error("a damaged heap");
  }
}

} // namespace sluice::ops::aggregate::sketch
