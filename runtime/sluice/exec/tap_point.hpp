#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <vector>

#include "sluice/core/batch.hpp"
#include "sluice/core/tap_buffer.hpp"

namespace sluice::exec {

/// Where the taps of one edge attach (docs/ARCHITECTURE.md §7). Every
/// upstream instance's output_router holds the edge's tap point and asks
/// `active()` before it hands a batch on: with nobody tapping that is one
/// relaxed atomic load per batch and nothing else. Thread-safe; no CAF.
class tap_point {
public:
  bool active() const noexcept { return taps_.load(std::memory_order_relaxed) != 0; }

  /// Offers `b` (or its rows `rows`) to every tap attached. Never blocks
  /// for longer than copying a shared pointer; each buffer samples (or
  /// skips) on its own.
  void offer(const core::batch& b, const std::vector<std::uint32_t>* rows = nullptr) const;

  void attach(std::shared_ptr<core::tap_buffer> buffer);
  /// Detaches `buffer`; once none is left, active() is false again.
  void detach(const core::tap_buffer* buffer);

  std::size_t taps() const { return taps_.load(std::memory_order_relaxed); }
  /// Batches offered while some tap was attached (for tests and the bench).
  std::uint64_t offered() const { return offered_.load(std::memory_order_relaxed); }

private:
  using list = std::vector<std::shared_ptr<core::tap_buffer>>;
  std::mutex mutex_;                    ///< serialises attach and detach
  std::shared_ptr<const list> buffers_; ///< replaced whole, read with std::atomic_load
  std::atomic<std::size_t> taps_{0};
  mutable std::atomic<std::uint64_t> offered_{0};
};

} // namespace sluice::exec
