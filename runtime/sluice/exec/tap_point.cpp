#include "sluice/exec/tap_point.hpp"

#include <algorithm>

namespace sluice::exec {

void tap_point::offer(const core::batch& b, const std::vector<std::uint32_t>* rows) const {
  auto buffers = std::atomic_load(&buffers_);
  if (!buffers) return;
  offered_.fetch_add(1, std::memory_order_relaxed);
  for (const auto& buffer : *buffers) buffer->offer(b, rows);
}

void tap_point::attach(std::shared_ptr<core::tap_buffer> buffer) {
  std::lock_guard<std::mutex> guard(mutex_);
  auto current = std::atomic_load(&buffers_);
  auto next = std::make_shared<list>(current ? *current : list{});
  next->push_back(std::move(buffer));
  taps_.store(next->size(), std::memory_order_relaxed);
  std::atomic_store(&buffers_, std::shared_ptr<const list>(std::move(next)));
}

void tap_point::detach(const core::tap_buffer* buffer) {
  std::lock_guard<std::mutex> guard(mutex_);
  auto current = std::atomic_load(&buffers_);
  if (!current) return;
  auto next = std::make_shared<list>(*current);
  next->erase(
    std::remove_if(next->begin(), next->end(), [&](const auto& b) { return b.get() == buffer; }),
    next->end());
  taps_.store(next->size(), std::memory_order_relaxed);
  std::atomic_store(&buffers_, next->empty() ? std::shared_ptr<const list>()
                                             : std::shared_ptr<const list>(std::move(next)));
}

} // namespace sluice::exec
