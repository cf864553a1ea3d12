#include "sluice/ops/aggregate/sketch/kll_sketch.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>
#include <utility>

#include "sluice/core/state.hpp"

namespace sluice::ops::aggregate::sketch {

kll_sketch::kll_sketch(int k, std::uint64_t seed) : k_(k), rng_(seed) {
  if (k < 8) throw std::invalid_argument("KLL k must be at least 8");
  add_level();
}

bool kll_sketch::coin() {
  // splitmix64: a tiny, well-mixed generator; one bit per compaction.
  std::uint64_t z = (rng_ += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return ((z ^ (z >> 31)) & 1) != 0;
}

std::size_t kll_sketch::capacity(std::size_t level) const {
  const std::size_t depth = levels_.size() - level - 1;
  const double c = std::pow(2.0 / 3.0, static_cast<double>(depth)) * k_;
  return std::max<std::size_t>(2, static_cast<std::size_t>(std::ceil(c)) + 1);
}

void kll_sketch::add_level() {
  levels_.emplace_back();
  max_size_ = 0;
  for (std::size_t h = 0; h < levels_.size(); ++h) max_size_ += capacity(h);
}

void kll_sketch::add(double v) {
  if (std::isnan(v)) return;
  if (n_ == 0) min_ = max_ = v;
  else {
    min_ = std::min(min_, v);
    max_ = std::max(max_, v);
  }
  ++n_;
  levels_[0].push_back(v);
  if (++size_ >= max_size_) compress();
}

void kll_sketch::compress() {
  for (std::size_t h = 0; h < levels_.size(); ++h) {
    if (levels_[h].size() < capacity(h)) continue;
    if (h + 1 == levels_.size()) add_level();
    auto& level = levels_[h];
    auto& above = levels_[h + 1];
    std::sort(level.begin(), level.end());
    // An odd item out (the smallest) stays; of each pair after it, one
    // item, chosen by one coin for the whole level, moves up.
    const std::size_t first = level.size() % 2;
    const std::size_t pick = coin() ? 1 : 0;
    for (std::size_t i = first; i + 1 < level.size(); i += 2) above.push_back(level[i + pick]);
    level.resize(first);
    size_ = 0;
    for (const auto& l : levels_) size_ += l.size();
    if (size_ < max_size_) break; // lazy: compact only as much as needed
  }
}

void kll_sketch::merge(const kll_sketch& other) {
  if (other.n_ == 0) return;
  while (levels_.size() < other.levels_.size()) add_level();
  for (std::size_t h = 0; h < other.levels_.size(); ++h)
    levels_[h].insert(levels_[h].end(), other.levels_[h].begin(), other.levels_[h].end());
  if (n_ == 0) {
    min_ = other.min_;
    max_ = other.max_;
  } else {
    min_ = std::min(min_, other.min_);
    max_ = std::max(max_, other.max_);
  }
  n_ += other.n_;
  size_ = 0;
  for (const auto& l : levels_) size_ += l.size();
  while (size_ >= max_size_) compress();
}

double kll_sketch::quantile(double p) const {
  if (n_ == 0) return std::numeric_limits<double>::quiet_NaN();
  if (!(p > 0.0)) return min_;
  if (p >= 1.0) return max_;
  std::vector<std::pair<double, std::uint64_t>> items;
  items.reserve(size_);
  for (std::size_t h = 0; h < levels_.size(); ++h)
    for (double v : levels_[h]) items.emplace_back(v, std::uint64_t{1} << h);
  std::sort(items.begin(), items.end());
  const double target = p * static_cast<double>(n_);
  double cumulative = 0.0;
  for (const auto& [v, w] : items) {
    cumulative += static_cast<double>(w);
    if (cumulative >= target) return v;
  }
  return max_;
}

double kll_sketch::rank(double v) const {
  if (n_ == 0) return 0.0;
  std::uint64_t below = 0;
  for (std::size_t h = 0; h < levels_.size(); ++h)
    for (double x : levels_[h])
      if (x <= v) below += std::uint64_t{1} << h;
  return static_cast<double>(below) / static_cast<double>(n_);
}

void kll_sketch::snapshot(core::state_writer& w) const {
  w.u64(static_cast<std::uint64_t>(k_));
  w.u64(n_);
  w.f64(min_);
  w.f64(max_);
  w.u64(rng_);
  w.count(levels_.size());
  for (const auto& level : levels_) {
    w.count(level.size());
    for (double v : level) w.f64(v);
  }
}

void kll_sketch::restore(core::state_reader& r) {
  if (r.u64() != static_cast<std::uint64_t>(k_))
    throw core::state_error("a KLL sketch of another k");
  n_ = r.u64();
  min_ = r.f64();
  max_ = r.f64();
  rng_ = r.u64();
  const std::size_t levels = r.count(64);
  if (levels == 0) throw core::state_error("a KLL sketch without levels");
  levels_.clear();
  size_ = 0;
  for (std::size_t h = 0; h < levels; ++h) {
    add_level(); // the capacities depend on the number of levels
    const std::size_t n = r.count();
    levels_[h].reserve(n);
    for (std::size_t i = 0; i < n; ++i) levels_[h].push_back(r.f64());
    size_ += n;
  }
}

} // namespace sluice::ops::aggregate::sketch
