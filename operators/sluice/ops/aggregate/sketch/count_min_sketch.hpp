#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace sluice::core {
class state_writer;
class state_reader;
} // namespace sluice::core

namespace sluice::ops::aggregate::sketch {

/// Count-min sketch (Cormode, Muthukrishnan 2005): `depth` rows of `width`
/// counters; a key adds to one counter per row, its estimate is the row
/// minimum. Keys come as 64-bit hashes (xxh3, see core/hashing.hpp); the row
/// hashes are derived from it by a splitmix64 finaliser per row.
///
/// Error bound, for N = total weight added: estimate >= true count always,
/// and estimate <= true count + epsilon * N with probability at least
/// 1 - delta, where epsilon = e / width and delta = exp(-depth). Built from
/// (epsilon, delta) it takes width = ceil(e / epsilon), depth =
/// ceil(ln(1 / delta)). Memory: width * depth 8-byte counters.
/// Mergeable: merge() of sketches with equal dimensions adds the counters,
/// the same as one sketch fed both inputs.
class count_min_sketch {
public:
  /// epsilon in (0, 1), delta in (0, 1) (else std::invalid_argument).
  static count_min_sketch with_error(double epsilon, double delta);
  /// width, depth >= 1 (else std::invalid_argument).
  count_min_sketch(std::size_t width, std::size_t depth);

  void add(std::uint64_t hash, std::uint64_t weight = 1);
  std::uint64_t estimate(std::uint64_t hash) const;
  /// Throws std::invalid_argument when the dimensions differ.
  void merge(const count_min_sketch& other);

  std::size_t width() const { return width_; }
  std::size_t depth() const { return depth_; }
  /// N: the total weight added.
  std::uint64_t total() const { return total_; }
  /// e / width.
  double epsilon() const;
  /// exp(-depth).
  double delta() const;

  /// The counters and the total. restore() refuses other dimensions
  /// (core::state_error).
  void snapshot(core::state_writer& w) const;
  void restore(core::state_reader& r);

private:
  std::size_t cell(std::size_t row, std::uint64_t hash) const;

  std::size_t width_;
  std::size_t depth_;
  std::vector<std::uint64_t> cells_; ///< row-major, depth x width
  std::uint64_t total_ = 0;
};

} // namespace sluice::ops::aggregate::sketch
