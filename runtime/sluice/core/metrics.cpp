#include "sluice/core/metrics.hpp"

#include <algorithm>

namespace sluice::core {

instance_snapshot snapshot_of(const std::string& node, std::size_t instance,
                              const instance_metrics& m, std::int64_t now_ns) {
  auto r = std::memory_order_relaxed;
  instance_snapshot s;
  s.node = node;
  s.instance = instance;
  s.records_in = m.records_in.load(r);
  s.records_out = m.records_out.load(r);
  s.records_sent = m.records_sent.load(r);
  s.filtered = m.filtered.load(r);
  s.errors = m.errors.load(r);
  s.late_dropped = m.late_dropped.load(r);
  // Counters first, then the pending period: the actor clears `pending`
  // before it charges the period, so this order never counts it twice.
  s.busy_ns = m.busy_ns.load(std::memory_order_acquire);
  s.backpressured_ns = m.backpressured_ns.load(std::memory_order_acquire);
  auto pending = m.pending.load(std::memory_order_acquire);
  auto start = m.started_ns.load(r);
  auto end = m.finished_ns.load(r);
  s.finished = end != 0;
  auto until = s.finished ? end : now_ns;
  s.alive_ns = start == 0 ? 0 : std::max<std::int64_t>(until - start, 0);
  if (pending != 0 && start != 0) {
    auto since = pending / 4;
    auto charge = std::max<std::int64_t>(until - since, 0);
    if ((pending & 3) == instance_metrics::pending_backpressured) s.backpressured_ns += charge;
    else s.busy_ns += charge;
  }
  s.idle_ns = std::max<std::int64_t>(s.alive_ns - s.busy_ns - s.backpressured_ns, 0);
  s.watermark = m.watermark.load(r);
  auto cap = m.queue_capacity.load(r);
  s.queue_fill =
    cap == 0 ? 0.0 : static_cast<double>(m.queued_records.load(r)) / static_cast<double>(cap);
  s.input_queues.reserve(m.input_queues.size());
  for (const auto& q : m.input_queues)
    s.input_queues.push_back({q.edge, q.queued.load(r), q.capacity});
  if (m.connector) s.connector = m.connector->read();
  return s;
}

} // namespace sluice::core
