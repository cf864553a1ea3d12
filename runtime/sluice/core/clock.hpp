#pragma once

#include <chrono>
#include <cstdint>
#include <memory>

namespace sluice::core {

/// Processing time, injectable so time-based operators stay testable.
class clock {
public:
  virtual ~clock() = default;
  /// Monotonic nanoseconds from an arbitrary origin.
  virtual std::int64_t now_ns() const = 0;
  /// Add to now_ns() to get nanoseconds since the Unix epoch (wall-clock
  /// time, for processing-time windows whose bounds users read as dates).
  virtual std::int64_t wall_offset_ns() const { return 0; }
};

/// std::chrono::steady_clock.
class steady_clock final : public clock {
public:
  steady_clock()
    : offset_(std::chrono::duration_cast<std::chrono::nanoseconds>(
                std::chrono::system_clock::now().time_since_epoch())
                .count()
              - now_ns()) {}
  std::int64_t now_ns() const override {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
  }
  std::int64_t wall_offset_ns() const override { return offset_; }

private:
  std::int64_t offset_; ///< taken once: wall time never jumps within a run
};

/// A clock a test moves by hand.
class manual_clock final : public clock {
public:
  std::int64_t now_ns() const override { return now_; }
  void advance_ns(std::int64_t d) { now_ += d; }

private:
  std::int64_t now_ = 0;
};

std::shared_ptr<clock> default_clock();

} // namespace sluice::core
