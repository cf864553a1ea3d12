#include "sluice/ops/aggregate/sketch/count_min_sketch.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

#include "sluice/core/state.hpp"

namespace sluice::ops::aggregate::sketch {

namespace {

std::uint64_t mix(std::uint64_t z) {
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

} // namespace

count_min_sketch count_min_sketch::with_error(double epsilon, double delta) {
  if (!(epsilon > 0.0 && epsilon < 1.0) || !(delta > 0.0 && delta < 1.0))
    throw std::invalid_argument("count-min epsilon and delta must be in (0, 1)");
  const auto width = static_cast<std::size_t>(std::ceil(std::exp(1.0) / epsilon));
  const auto depth = static_cast<std::size_t>(std::ceil(std::log(1.0 / delta)));
  return count_min_sketch(width, std::max<std::size_t>(1, depth));
}

count_min_sketch::count_min_sketch(std::size_t width, std::size_t depth)
  : width_(width), depth_(depth) {
  if (width == 0 || depth == 0)
    throw std::invalid_argument("count-min width and depth must be >= 1");
  cells_.assign(width * depth, 0);
}

double count_min_sketch::epsilon() const { return std::exp(1.0) / static_cast<double>(width_); }

double count_min_sketch::delta() const { return std::exp(-static_cast<double>(depth_)); }

std::size_t count_min_sketch::cell(std::size_t row, std::uint64_t hash) const {
  const std::uint64_t h = mix(hash + (row + 1) * 0x9e3779b97f4a7c15ULL);
  return row * width_ + static_cast<std::size_t>(h % width_);
}

void count_min_sketch::add(std::uint64_t hash, std::uint64_t weight) {
  total_ += weight;
  for (std::size_t row = 0; row < depth_; ++row) cells_[cell(row, hash)] += weight;
}

std::uint64_t count_min_sketch::estimate(std::uint64_t hash) const {
  std::uint64_t best = std::numeric_limits<std::uint64_t>::max();
  for (std::size_t row = 0; row < depth_; ++row) best = std::min(best, cells_[cell(row, hash)]);
  return best;
}

void count_min_sketch::merge(const count_min_sketch& other) {
  if (other.width_ != width_ || other.depth_ != depth_)
    throw std::invalid_argument("cannot merge count-min sketches of different dimensions");
  for (std::size_t i = 0; i < cells_.size(); ++i) cells_[i] += other.cells_[i];
  total_ += other.total_;
}

void count_min_sketch::snapshot(core::state_writer& w) const {
  w.u64(width_);
  w.u64(depth_);
  w.u64(total_);
  for (std::uint64_t c : cells_) w.u64(c);
}

void count_min_sketch::restore(core::state_reader& r) {
  const std::uint64_t width = r.u64(), depth = r.u64();
  if (width != width_ || depth != depth_)
    throw core::state_error("a count-min sketch of other dimensions");
  total_ = r.u64();
  for (auto& c : cells_) c = r.u64();
}

} // namespace sluice::ops::aggregate::sketch
