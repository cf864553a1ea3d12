#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <vector>

#include "sluice/core/batch.hpp"

namespace sluice::core {

/// Records per second a tap samples at most, and by default.
inline constexpr double max_tap_rate = 500;
inline constexpr double default_tap_rate = 200;
/// Sampled records a tap keeps until they are taken, at most.
inline constexpr std::size_t max_tap_capacity = 4096;
/// A record whose JSON is longer is replaced by {"tap_omitted_bytes": N}.
inline constexpr std::size_t max_tap_record_bytes = 16 * 1024;

/// Keeps the rows of `rows` (indexes into the batch) that pass, in order.
using tap_row_filter = std::function<void(const batch&, std::vector<std::uint32_t>& rows)>;

/// What a tap_buffer hands its reader.
struct tap_records {
  std::vector<std::string> records; ///< JSON objects, one per line of text, oldest first
  std::uint64_t missed = 0;         ///< sampled, then dropped before this take (ring full)
  std::uint64_t seen = 0;           ///< records offered since the tap opened (all of them)
  std::uint64_t sampled = 0;        ///< records sampled since the tap opened
};

/// The sink of one tap on one edge (docs/ARCHITECTURE.md §7): the producing
/// instances offer every batch, the reader takes what was sampled.
///
/// Bounded both ways: at most `rate` records per second are sampled (a
/// token bucket holding at most one second's worth), and at most
/// `capacity` sampled records wait for the reader; when it is slow, the
/// oldest are dropped and counted as missed, so the newest are kept.
///
/// offer() never blocks: when another producer or the reader holds the
/// buffer at that moment, the batch is skipped. Only the sampled rows are
/// turned into JSON, in offer(), so a tapped edge costs the producer at most
/// `rate` conversions a second plus, with a filter, the filter over at most
/// `max_filter_rows` rows of a batch it samples from.
class tap_buffer {
public:
  using clock_fn = std::function<std::chrono::steady_clock::time_point()>;
  /// Rows of a batch the filter looks at, at most (spread over the batch).
  static constexpr std::size_t max_filter_rows = 512;

  /// `rate` is clamped to [1, max_tap_rate], `capacity` to [1, max_tap_capacity].
  tap_buffer(double rate, std::size_t capacity, tap_row_filter filter = {}, clock_fn clock = {});

  /// All rows of `b` (rows == nullptr) or the rows listed. Thread-safe.
  void offer(const batch& b, const std::vector<std::uint32_t>* rows = nullptr);
  /// The newest `max` records waiting (older ones waiting count as missed),
  /// and the counters. Thread-safe.
  tap_records take(std::size_t max = SIZE_MAX);

  double rate() const { return rate_; }
  std::size_t capacity() const { return capacity_; }
  /// Batches skipped because the buffer was busy at that moment.
  std::uint64_t skipped() const { return skipped_.load(std::memory_order_relaxed); }

private:
  const double rate_;
  const std::size_t capacity_;
  tap_row_filter filter_;
  clock_fn clock_;

  std::atomic<std::uint64_t> seen_{0};
  std::atomic<std::uint64_t> skipped_{0};

  std::mutex mutex_; ///< guards what follows; producers only try_lock it
  double tokens_;
  std::chrono::steady_clock::time_point last_refill_;
  std::deque<std::string> ring_;
  std::uint64_t missed_ = 0;
  std::uint64_t sampled_ = 0;
  std::vector<std::uint32_t> scratch_;
  std::string text_;
};

} // namespace sluice::core
