#pragma once

#include <cstddef>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "sluice/core/batch.hpp"

namespace sluice::core {
class state_writer;
class state_reader;
} // namespace sluice::core

namespace sluice::ops::synopsis {

/// Reproducible randomness for the samplers: std::mt19937_64 (whose output
/// the standard fixes) with our own conversions, so a seed gives the same
/// sample on every platform.
class sample_random {
public:
  explicit sample_random(std::uint64_t seed) : engine_(seed) {}
  /// Uniform in (0, 1): never 0, so log() of it is finite.
  double open_unit();
  /// Uniform in [0, n), n >= 1.
  std::uint64_t below(std::uint64_t n) { return engine_() % n; }
  /// How many records to skip before the next one kept, when each record is
  /// kept with probability p (geometric; p in (0, 1)).
  std::uint64_t geometric_skip(double p);

  /// The engine's state (the standard's text form, portable).
  void snapshot(core::state_writer& w) const;
  void restore(core::state_reader& r);

private:
  std::mt19937_64 engine_;
};

/// A uniform random sample of at most `k` records of one stream (reservoir
/// sampling, Li's "Algorithm L": skips ahead geometrically instead of
/// drawing per record). Every record offered so far is in the sample with
/// probability k / n. Records are stored as value-key byte strings (see
/// core/key_hashing.hpp), so memory is k records whatever the batches they came in.
class reservoir {
public:
  explicit reservoir(std::size_t k) : k_(k) {}

  /// Offers row `row` of `b`; true if it was stored. When it replaces a
  /// stored record, or is not stored, one record leaves the sample
  /// (`dropped()` grows by one).
  bool offer(const core::batch& b, std::size_t row, sample_random& random);

  /// Appends the sample, in arrival order, to `out` (columns of b's schema).
  void append_to(core::batch_builder& out, const core::schema& s) const;

  std::size_t size() const { return rows_.size(); }
  std::uint64_t seen() const { return seen_; }
  /// Records offered that are not (or no longer) in the sample.
  std::uint64_t dropped() const { return seen_ - rows_.size(); }

  /// restore() refuses (core::state_error) a sample of another k, or one
  /// whose records are not values of `types` (the input's field types).
  void snapshot(core::state_writer& w) const;
  void restore(core::state_reader& r, const std::vector<core::value_type>& types);

private:
  void store(std::size_t slot, const core::batch& b, std::size_t row);
  void draw_next(sample_random& random);

  std::size_t k_;
  std::vector<std::string> rows_;    ///< encoded records
  std::vector<std::uint64_t> order_; ///< arrival number of each stored record
  std::uint64_t seen_ = 0;
  double w_ = 0.0;         ///< Algorithm L's running weight
  std::uint64_t next_ = 0; ///< arrival number of the next record to store
};

} // namespace sluice::ops::synopsis
