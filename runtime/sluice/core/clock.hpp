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
};

/// std::chrono::steady_clock.
class steady_clock final : public clock {
public:
  std::int64_t now_ns() const override {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
  }
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
