#include "sluice/exec/output_router.hpp"

#include <algorithm>

#include "sluice/core/key_hashing.hpp"
#include "sluice/exec/protocol.hpp"

namespace sluice::exec {

output_router::output_router(caf::event_based_actor* self, std::vector<std::vector<out_link>> ports,
                             std::vector<out_channel> channels, std::size_t batch_size,
                             std::atomic<std::uint64_t>* records_sent)
  : self_(self), ports_(std::move(ports)), channels_(std::move(channels)),
    batch_size_(std::max<std::size_t>(batch_size, 1)), records_sent_(records_sent) {
  port_of_channel_.assign(channels_.size(), 0);
  for (std::size_t p = 0; p < ports_.size(); ++p)
    for (const auto& link : ports_[p])
      for (auto ch : link.channels) port_of_channel_[ch] = p;
}

bool output_router::port_connected(std::size_t port) const {
  return port < ports_.size() && !ports_[port].empty();
}

void output_router::emit(std::size_t port, const core::batch_ptr& b) {
  if (!b || b->rows() == 0 || port >= ports_.size()) return;
  for (auto& link : ports_[port]) {
    if (link.tap && link.tap->active()) link.tap->offer(*b);
    switch (link.partition) {
      case core::pipeline::partition_kind::broadcast:
        for (auto ch : link.channels) to_channel(ch, b);
        break;
      case core::pipeline::partition_kind::hash:
        if (link.channels.size() == 1) to_channel(link.channels[0], b);
        else hash_partition(link, b);
        break;
      case core::pipeline::partition_kind::forward:
      case core::pipeline::partition_kind::rebalance:
        to_channel(pick_channel(link, b->rows()), b);
        break;
    }
  }
}

std::size_t output_router::pick_channel(out_link& link, std::size_t rows) {
  // Prefer the next channel in turn that has credit for the batch; if none
  // has, queue on the next one in turn.
  std::size_t n = link.channels.size();
  std::size_t pick = link.next % n;
  for (std::size_t k = 0; k < n; ++k) {
    auto& c = channels_[link.channels[(link.next + k) % n]];
    if (c.pending.empty() && c.credit >= static_cast<std::int64_t>(rows)) {
      pick = (link.next + k) % n;
      break;
    }
  }
  link.next = pick + 1;
  return link.channels[pick];
}

void output_router::emit_rows(std::size_t port, const core::batch_ptr& b,
                              const std::vector<std::uint32_t>& rows) {
  if (!b || rows.empty() || port >= ports_.size() || ports_[port].empty()) return;
  auto& links = ports_[port];
  const bool one_way = links.size() == 1
                       && (links[0].partition == core::pipeline::partition_kind::forward
                           || links[0].partition == core::pipeline::partition_kind::rebalance);
  if (!one_way || rows.size() * 4 >= batch_size_) { // selected once, sent as it is
    emit(port, b->select(rows));
    return;
  }
  if (links[0].tap && links[0].tap->active()) links[0].tap->offer(*b, &rows);
  auto& c = channels_[pick_channel(links[0], rows.size())];
  c.staging.push_back({b, rows, false});
  c.staged_rows += rows.size();
  if (c.staged_rows * 2 >= batch_size_) stage_to_pending(c);
}

void output_router::hash_partition(const out_link& link, const core::batch_ptr& b) {
  std::vector<std::uint64_t> hashes, scratch;
  const core::column* key = &b->col(static_cast<std::size_t>(link.hash_field));
  core::hash_keys(&key, 1, b->rows(), hashes, scratch);
  const std::size_t n = link.channels.size();
  std::vector<std::vector<std::uint32_t>> rows(n);
  for (auto& r : rows) r.reserve(b->rows() / n + 16);
  for (std::size_t i = 0; i < hashes.size(); ++i)
    rows[core::partition_of(hashes[i], n)].push_back(static_cast<std::uint32_t>(i));
  for (std::size_t t = 0; t < n; ++t) {
    if (rows[t].empty()) continue;
    to_channel(link.channels[t], rows[t].size() == b->rows() ? b : b->select(rows[t]));
  }
}

void output_router::to_channel(std::size_t ch, const core::batch_ptr& b) {
  auto& c = channels_[ch];
  if (b->rows() * 4 >= batch_size_) {
    stage_to_pending(c);
    push_data(c, b);
    return;
  }
  c.staging.push_back({b, {}, true});
  c.staged_rows += b->rows();
  if (c.staged_rows * 2 >= batch_size_) stage_to_pending(c);
}

void output_router::stage_to_pending(out_channel& c) {
  if (c.staging.empty()) return;
  auto merged = core::concat(c.staging);
  c.staging.clear();
  c.staged_rows = 0;
  push_data(c, merged);
}

void output_router::push_data(out_channel& c, const core::batch_ptr& b) {
  // A batch larger than half the capacity is split, so the receiver's
  // credit return (at half the capacity) can never leave us stuck.
  auto limit = static_cast<std::size_t>(std::max<std::int64_t>(c.capacity / 2, 1));
  if (b->rows() <= limit) {
    c.pending.push_back({out_element::kind::data, b, core::min_timestamp});
    return;
  }
  for (std::size_t begin = 0; begin < b->rows(); begin += limit)
    c.pending.push_back({out_element::kind::data,
                         b->slice(begin, std::min(b->rows(), begin + limit)), core::min_timestamp});
}

void output_router::send_ready(out_channel& c) {
  if (!c.started) return;
  while (!c.pending.empty()) {
    auto& e = c.pending.front();
    switch (e.what) {
      case out_element::kind::data: {
        auto rows = static_cast<std::int64_t>(e.data->rows());
        if (c.credit < rows) return;
        c.credit -= rows;
        if (records_sent_)
          records_sent_->fetch_add(static_cast<std::uint64_t>(rows), std::memory_order_relaxed);
        self_->send(c.target, batch_atom::value, c.slot, std::move(e.data), e.time);
        break;
      }
      case out_element::kind::watermark:
        self_->send(c.target, watermark_atom::value, c.slot, e.time);
        break;
      case out_element::kind::eos: self_->send(c.target, eos_atom::value, c.slot); break;
      case out_element::kind::barrier:
        self_->send(c.target, barrier_atom::value, c.slot, e.barrier);
        break;
    }
    c.pending.pop_front();
  }
}

void output_router::watermark(core::timestamp t) {
  pending_watermark_ = std::max(pending_watermark_, t);
}

void output_router::flush_control() {
  const bool advance = pending_watermark_ > last_watermark_ && !has_staged();
  if (advance) last_watermark_ = pending_watermark_;
  for (auto& c : channels_) {
    if (advance && !c.ended) {
      if (!c.pending.empty() && c.pending.back().what == out_element::kind::data)
        c.pending.back().time = last_watermark_; // rides on the batch it follows
      else c.pending.push_back({out_element::kind::watermark, nullptr, last_watermark_});
    }
    send_ready(c);
  }
}

void output_router::flush_staging() {
  for (auto& c : channels_) stage_to_pending(c);
  flush_control();
}

void output_router::end_of_stream() {
  flush_staging();
  for (auto& c : channels_) {
    if (c.ended) continue;
    c.ended = true;
    c.pending.push_back({out_element::kind::eos, nullptr, core::min_timestamp});
    send_ready(c);
  }
}

void output_router::add_credit(std::size_t channel, std::int64_t n) {
  if (channel >= channels_.size()) return;
  auto& c = channels_[channel];
  c.credit += n;
  c.started = true;
  send_ready(c);
}

void output_router::barrier(std::uint64_t id, std::vector<checkpoint::recorded_output>& overtaken) {
  for (std::size_t ch = 0; ch < channels_.size(); ++ch) {
    auto& c = channels_[ch];
    stage_to_pending(c);
    for (const auto& e : c.pending)
      if (e.what == out_element::kind::data)
        overtaken.push_back({port_of_channel_[ch], c.target_node, c.target_instance, e.data});
    if (c.ended) continue;
    out_element b{out_element::kind::barrier, nullptr, core::min_timestamp, id};
    if (c.started) self_->send(c.target, barrier_atom::value, c.slot, id);
    else c.pending.push_front(std::move(b));
  }
}

bool output_router::restore_output(const checkpoint::recorded_output& out) {
  for (std::size_t ch = 0; ch < channels_.size(); ++ch) {
    auto& c = channels_[ch];
    if (port_of_channel_[ch] != out.port || c.target_node != out.to_node
        || c.target_instance != out.to_instance)
      continue;
    push_data(c, out.data);
    return true;
  }
  return false;
}

bool output_router::blocked() const {
  return std::any_of(channels_.begin(), channels_.end(),
                     [](const out_channel& c) { return !c.pending.empty(); });
}

bool output_router::has_staged() const {
  return std::any_of(channels_.begin(), channels_.end(),
                     [](const out_channel& c) { return !c.staging.empty(); });
}

bool output_router::drained() const {
  return std::all_of(channels_.begin(), channels_.end(),
                     [](const out_channel& c) { return c.ended && c.pending.empty(); });
}

} // namespace sluice::exec
