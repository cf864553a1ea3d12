#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace sluice::core {
class state_writer;
class state_reader;
} // namespace sluice::core

namespace sluice::ops::aggregate::sketch {

/// HyperLogLog distinct counter over 64-bit hashes (feed it xxh3 hashes, see
/// core/hashing.hpp). `precision` p in [4, 18] gives m = 2^p one-byte registers;
/// the estimate's relative standard error is 1.04 / sqrt(m): 0.81 % for the
/// default p = 14 (16 KiB). Below m / 16 distinct hashes the sketch keeps the
/// hashes themselves (sparse mode, half the dense size at most) and counts
/// them exactly. The dense estimate is Ertl's improved raw estimator
/// ("New cardinality estimation algorithms for HyperLogLog sketches", 2017),
/// unbiased over the whole range without bias tables.
/// Mergeable: merge() of two sketches equals one sketch fed both inputs.
class hyperloglog {
public:
  static constexpr int default_precision = 14;
  static constexpr int min_precision = 4;
  static constexpr int max_precision = 18;

  /// Throws std::invalid_argument when precision is out of range.
  explicit hyperloglog(int precision = default_precision);

  void add_hash(std::uint64_t hash);
  /// Folds `other` in; both must have the same precision (else
  /// std::invalid_argument).
  void merge(const hyperloglog& other);

  /// The estimated number of distinct hashes added (exact in sparse mode).
  double estimate() const;

  int precision() const { return precision_; }
  /// 1.04 / sqrt(2^precision).
  double standard_error() const;
  bool is_sparse() const { return registers_.empty(); }

  /// The hashes while sparse, else the registers. restore() refuses a
  /// sketch of another precision (core::state_error).
  void snapshot(core::state_writer& w) const;
  void restore(core::state_reader& r);

private:
  std::size_t register_count() const { return std::size_t{1} << precision_; }
  std::size_t sparse_limit() const { return register_count() / 16; }
  void set_register(std::uint64_t hash);
  void densify();

  int precision_;
  std::vector<std::uint64_t> sparse_;   ///< sorted distinct hashes, while sparse
  std::vector<std::uint8_t> registers_; ///< m registers once dense, else empty
};

} // namespace sluice::ops::aggregate::sketch
