#include "sluice/core/metrics.hpp"

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
  s.busy_ns = m.busy_ns.load(r);
  s.backpressured_ns = m.backpressured_ns.load(r);
  auto start = m.started_ns.load(r);
  auto end = m.finished_ns.load(r);
  s.finished = end != 0;
  s.alive_ns = start == 0 ? 0 : (s.finished ? end : now_ns) - start;
  s.watermark = m.watermark.load(r);
  auto cap = m.queue_capacity.load(r);
  s.queue_fill = cap == 0 ? 0.0 : static_cast<double>(m.queued_records.load(r)) / static_cast<double>(cap);
  return s;
}

} // namespace sluice::core
