#include "sluice/core/tap_buffer.hpp"

#include <algorithm>

#include "sluice/core/record_format.hpp"

namespace sluice::core {

tap_buffer::tap_buffer(double rate, std::size_t capacity, tap_row_filter filter, clock_fn clock)
  : rate_(std::clamp(rate, 1.0, max_tap_rate)),
    capacity_(std::clamp<std::size_t>(capacity, 1, max_tap_capacity)), filter_(std::move(filter)),
    clock_(clock ? std::move(clock) : clock_fn([] { return std::chrono::steady_clock::now(); })),
    tokens_(rate_), last_refill_(clock_()) {}

void tap_buffer::offer(const batch& b, const std::vector<std::uint32_t>* rows) {
  const std::size_t n = rows ? rows->size() : b.rows();
  if (n == 0) return;
  seen_.fetch_add(n, std::memory_order_relaxed);
  std::unique_lock<std::mutex> lock(mutex_, std::try_to_lock);
  if (!lock) {
    skipped_.fetch_add(1, std::memory_order_relaxed);
    return;
  }
  const auto now = clock_();
  if (now > last_refill_) {
    tokens_ =
      std::min(rate_, tokens_ + std::chrono::duration<double>(now - last_refill_).count() * rate_);
    last_refill_ = now;
  }
  if (tokens_ < 1) return;
  auto row_at = [&](std::size_t i) { return rows ? (*rows)[i] : static_cast<std::uint32_t>(i); };
  // Candidates spread evenly over the batch: every row when few, else a
  // sample the filter (if any) looks at.
  auto want = std::min<std::size_t>({static_cast<std::size_t>(tokens_), n, capacity_});
  auto look = filter_ ? std::min(n, max_filter_rows) : want;
  scratch_.clear();
  for (std::size_t k = 0; k < look; ++k) scratch_.push_back(row_at(k * n / look));
  if (filter_) {
    filter_(b, scratch_);
    if (scratch_.size() > want) { // keep `want` of the matches, spread evenly
      const auto m = scratch_.size();
      for (std::size_t k = 0; k < want; ++k) scratch_[k] = scratch_[k * m / want];
      scratch_.resize(want);
    }
  }
  for (auto row : scratch_) {
    text_.clear();
    append_json_record(b, row, text_);
    if (text_.size() > max_tap_record_bytes)
      text_ = "{\"tap_omitted_bytes\":" + std::to_string(text_.size()) + "}";
    if (ring_.size() == capacity_) {
      ring_.pop_front();
      ++missed_;
    }
    ring_.push_back(text_);
  }
  sampled_ += scratch_.size();
  tokens_ -= static_cast<double>(scratch_.size());
}

tap_records tap_buffer::take(std::size_t max) {
  tap_records out;
  std::lock_guard<std::mutex> guard(mutex_);
  while (ring_.size() > max) {
    ring_.pop_front();
    ++missed_;
  }
  out.records.assign(std::make_move_iterator(ring_.begin()), std::make_move_iterator(ring_.end()));
  ring_.clear();
  out.missed = missed_;
  missed_ = 0;
  out.sampled = sampled_;
  out.seen = seen_.load(std::memory_order_relaxed);
  return out;
}

} // namespace sluice::core
