#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace sluice::core {
class state_writer;
class state_reader;
} // namespace sluice::core

namespace sluice::ops::aggregate::sketch {

/// KLL quantile sketch over doubles (Karnin, Lang, Liberty, "Optimal
/// Quantile Approximation in Streams", 2016), in the lazy-compaction form of
/// the authors' reference implementation: levels of geometrically shrinking
/// capacity (factor 2/3, top level k); a full level is sorted and every other
/// item (random offset) moves up with twice the weight.
///
/// Error bound: for k = 200 (default), the rank of the value returned by
/// quantile(p) differs from p * n by at most 1.65 % of n with probability at
/// least 99 % (the rank error of KLL at k = 200 as published for Apache
/// DataSketches; our tests check it over many seeds). The error shrinks
/// about as 1/k. The exact minimum and maximum are kept, so quantile(0) and
/// quantile(1) are exact, and n <= k gives exact quantiles.
/// Memory: about 3k + O(log n) doubles.
/// Deterministic: coin flips come from a generator seeded at construction.
/// Mergeable: merge() keeps the same bound for the union of the inputs.
class kll_sketch {
public:
  static constexpr int default_k = 200;

  /// `k` >= 8 (else std::invalid_argument).
  explicit kll_sketch(int k = default_k, std::uint64_t seed = 0x6b6c6c5eedULL);

  /// NaN is ignored.
  void add(double v);
  void merge(const kll_sketch& other);

  /// Values added.
  std::uint64_t count() const { return n_; }
  bool empty() const { return n_ == 0; }
  double min() const { return min_; }
  double max() const { return max_; }

  /// A value whose rank is about p * count(), p in [0, 1] (clamped); the
  /// smallest retained value whose cumulative weight reaches p * count().
  /// NaN when empty.
  double quantile(double p) const;
  /// The estimated fraction of added values <= v.
  double rank(double v) const;
  /// Values held (memory use is this times sizeof(double), plus levels).
  std::size_t retained() const { return size_; }

  /// Every level's items, the count, min, max and the generator's state, so
  /// a restored sketch compacts as this one would. restore() refuses
  /// another k (core::state_error).
  void snapshot(core::state_writer& w) const;
  void restore(core::state_reader& r);

private:
  std::size_t capacity(std::size_t level) const;
  void add_level();
  void compress();
  bool coin();

  int k_;
  std::vector<std::vector<double>> levels_; ///< level h holds items of weight 2^h
  std::size_t size_ = 0;                    ///< items held over all levels
  std::size_t max_size_ = 0;                ///< sum of the level capacities
  std::uint64_t n_ = 0;
  double min_ = 0.0;
  double max_ = 0.0;
  std::uint64_t rng_;
};

} // namespace sluice::ops::aggregate::sketch
