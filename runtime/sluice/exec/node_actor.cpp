#include "sluice/exec/node_actor.hpp"

#include <chrono>

#include "sluice/core/errors.hpp"
#include "sluice/exec/protocol.hpp"

namespace sluice::exec {

namespace {

std::int64_t now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
           std::chrono::steady_clock::now().time_since_epoch())
    .count();
}

constexpr auto relaxed = std::memory_order_relaxed;

/// Polls a source this many times per message before yielding to its mailbox
/// (credits and stop requests must get through).
constexpr int source_rounds_per_message = 8;

} // namespace

node_actor::node_actor(caf::actor_config& cfg, std::shared_ptr<node_setup> setup)
  : caf::event_based_actor(cfg), setup_(std::move(setup)) {}

caf::behavior node_actor::make_behavior() {
  return {
    [this](start_atom) { guarded([&] { start(); }); },
    [this](batch_atom, std::uint32_t slot, core::batch_ptr& b, core::timestamp wm) {
      guarded([&] {
        if (checkpoint_) {
          record_arrival(slot, {in_element::kind::data, b, 0});
          if (wm != core::min_timestamp)
            record_arrival(slot, {in_element::kind::watermark, nullptr, wm});
        }
        // Nothing queued on the slot and nothing holding input back: the
        // batch is processed at once instead of queued and taken out again.
        if (slot < slots_.size() && slots_[slot].queue.empty() && takes_input_now())
          process_batch(slots_[slot], std::move(b));
        else enqueue_input(slot, {in_element::kind::data, std::move(b), 0});
        if (wm != core::min_timestamp)
          enqueue_input(slot, {in_element::kind::watermark, nullptr, wm});
        pump();
      });
    },
    [this](watermark_atom, std::uint32_t slot, core::timestamp t) {
      guarded([&] {
        if (checkpoint_) record_arrival(slot, {in_element::kind::watermark, nullptr, t});
        enqueue_input(slot, {in_element::kind::watermark, nullptr, t});
        pump();
      });
    },
    [this](eos_atom, std::uint32_t slot) {
      guarded([&] {
        enqueue_input(slot, {in_element::kind::eos, nullptr, 0});
        // An input that ends owes no barrier: its upstream has finished, and
        // the run abandons a checkpoint an instance finished before.
        if (checkpoint_ && slot < checkpoint_->barrier_seen.size()) {
          checkpoint_->barrier_seen[slot] = true;
          finish_checkpoint_if_complete();
        }
        pump();
      });
    },
    [this](barrier_atom, std::uint32_t slot, std::uint64_t id) {
      guarded([&] {
        on_barrier(slot, id);
        pump();
      });
    },
    [this](checkpoint_atom, std::uint64_t id) {
      guarded([&] {
        if (!started_ || finishing_ || closed_ || id <= last_checkpoint_) return;
        begin_checkpoint(id);
        pump();
      });
    },
    [this](committed_atom, std::uint64_t id) {
      guarded([&] {
        if (!started_ || closed_) return;
        setup_->op->checkpoint_complete(id);
      });
    },
    [this](credit_atom, std::uint32_t channel, std::int64_t n) {
      guarded([&] {
        if (!router_) return;
        router_->add_credit(channel, n);
        if (finishing_) try_finish();
        else pump();
      });
    },
    [this](poll_atom, std::uint8_t reason) {
      guarded([&] {
        switch (reason) {
          case poll_now: poll_scheduled_ = false; break;
          case poll_after_wait: waiting_ = false; break;
          default:
            timer_due_ns_ = INT64_MAX;
            if (!setup_->is_source) needs_poll_ = true;
            break;
        }
        pump();
      });
    },
    [this](idle_atom) {
      guarded([&] {
        if (finishing_) return;
        check_idle_inputs();
        delayed_send(
          this, std::chrono::nanoseconds(std::max<std::int64_t>(idle_timeout_ns_ / 4, 1000000)),
          idle_atom::value);
      });
    },
    [this](flush_atom) {
      guarded([&] {
        flush_scheduled_ = false;
        if (!router_ || closed_) return;
        router_->flush_staging();
        if (finishing_) try_finish();
        else pump();
      });
    },
    [this](stop_atom) {
      guarded([&] {
        if (!setup_->is_source) return;
        stop_requested_ = true;
        waiting_ = false;
        pump();
      });
    },
  };
}

void node_actor::start() {
  router_.emplace(this, std::move(setup_->out_ports), std::move(setup_->channels),
                  setup_->batch_size, &setup_->metrics->records_sent);
  emitter_.emplace(*setup_, *router_);
  auto& m = *setup_->metrics;
  for (const auto& spec : setup_->slots) {
    slots_.push_back(in_slot{spec, {}, 0, core::min_timestamp, false, false, 0, 0});
    send(spec.source, credit_atom::value, spec.channel, spec.capacity);
    m.queue_capacity.fetch_add(static_cast<std::uint64_t>(spec.capacity), relaxed);
  }
  m.started_ns.store(now_ns(), relaxed);
  started_ = true;
  const bool restored = setup_->restored.has_value();
  if (restored) replay_restored_part();
  idle_timeout_ns_ = setup_->op->idle_timeout_us() * 1000;
  polls_after_batch_ = setup_->op->polls_after_batch();
  if (idle_timeout_ns_ > 0 && !slots_.empty()) {
    auto now = setup_->clock->now_ns();
    for (auto& s : slots_) s.last_data_ns = now;
    send(this, idle_atom::value);
  }
  if (setup_->is_source) {
    schedule_poll();
    return;
  }
  if (restored) {
    // A restored operator may hold records that only a poll releases (a
    // throttle's held rows): poll it once, as a due timer would, without
    // waiting for input that may never come (its sources may have read
    // everything already).
    needs_poll_ = true;
    schedule_poll();
  }
  if (slots_.empty()) {
    inputs_ended_ = true;
    pump();
  }
}

void node_actor::enqueue_input(std::uint32_t slot, in_element e) {
  if (slot >= slots_.size()) return;
  auto& s = slots_[slot];
  if (e.what == in_element::kind::data) {
    queued_ += e.data->rows();
    s.queued_rows += e.data->rows();
    setup_->metrics->queued_records.store(queued_, relaxed);
    publish_queued(s);
  }
  s.queue.push_back(std::move(e));
}

void node_actor::pump() {
  if (!started_ || finishing_ || closed_) return;
  if (setup_->is_source) pump_source();
  else pump_inputs();
}

void node_actor::pump_source() {
  int rounds = 0;
  while (!waiting_ && !finishing_ && !router_->blocked()) {
    if (stop_requested_) break;
    if (rounds++ == source_rounds_per_message) {
      schedule_poll();
      return;
    }
    auto r = setup_->op->poll(*emitter_, setup_->batch_size);
    after_callback();
    if (!apply(r)) return;
  }
  if (stop_requested_ && !finishing_) begin_finish();
}

void node_actor::pump_inputs() {
  while (!finishing_ && !waiting_ && !router_->blocked()) {
    if (needs_poll_) {
      auto r = setup_->op->poll(*emitter_, setup_->batch_size);
      after_callback();
      if (r.what == core::poll_result::state::more) continue;
      needs_poll_ = false;
      if (!apply(r)) return;
      continue;
    }
    in_slot* next = nullptr;
    for (std::size_t k = 0; k < slots_.size() && !next; ++k) {
      auto& s = slots_[(next_slot_ + k) % slots_.size()];
      if (!s.queue.empty()) {
        next = &s;
        next_slot_ = (next_slot_ + k + 1) % slots_.size();
      }
    }
    if (!next) break;
    consume(*next);
  }
  if (inputs_ended_ && !finishing_ && !waiting_ && !needs_poll_ && !router_->blocked()) {
    setup_->op->on_end_of_stream(*emitter_);
    after_callback();
    begin_finish();
  }
}

bool node_actor::apply(core::poll_result r) {
  using state = core::poll_result::state;
  switch (r.what) {
    case state::more:
      if (!setup_->is_source) needs_poll_ = true;
      return true;
    case state::wait:
      waiting_ = true;
      needs_poll_ = !setup_->is_source;
      delayed_send(this, std::chrono::nanoseconds(std::max<std::int64_t>(r.wait_ns, 0)),
                   poll_atom::value, std::uint8_t{poll_after_wait});
      return false;
    case state::timer:
      if (setup_->is_source) {
        waiting_ = true;
        delayed_send(this, std::chrono::nanoseconds(std::max<std::int64_t>(r.wait_ns, 0)),
                     poll_atom::value, std::uint8_t{poll_after_wait});
        return false;
      }
      needs_poll_ = false;
      schedule_operator_timer(r.wait_ns);
      return true;
    case state::idle:
      if (!setup_->is_source) return true;
      // A source with nothing to say right now: look again shortly.
      waiting_ = true;
      delayed_send(this, std::chrono::milliseconds(1), poll_atom::value,
                   std::uint8_t{poll_after_wait});
      return false;
    case state::finished:
      if (!setup_->is_source) return true;
      begin_finish();
      return false;
  }
  return false;
}

void node_actor::consume(in_slot& slot) {
  auto e = std::move(slot.queue.front());
  slot.queue.pop_front();
  switch (e.what) {
    case in_element::kind::data: {
      auto rows = e.data->rows();
      queued_ -= rows;
      slot.queued_rows -= rows;
      setup_->metrics->queued_records.store(queued_, relaxed);
      publish_queued(slot);
      process_batch(slot, std::move(e.data), e.replayed);
      break;
    }
    case in_element::kind::watermark:
      if (e.time > slot.watermark) slot.watermark = e.time;
      advance_watermark();
      break;
    case in_element::kind::eos: {
      slot.ended = true;
      setup_->op->on_input_ended(slot.spec.port, slot.spec.channel_in_port, *emitter_);
      after_callback();
      bool all = true;
      for (const auto& s : slots_) all = all && s.ended;
      inputs_ended_ = all;
      if (!all) advance_watermark();
      break;
    }
  }
}

void node_actor::process_batch(in_slot& slot, core::batch_ptr b, bool replayed) {
  auto rows = b->rows();
  setup_->metrics->records_in.fetch_add(rows, relaxed);
  current_ = std::move(b);
  if (idle_timeout_ns_ > 0) {
    slot.idle = false;
    slot.last_data_ns = setup_->clock->now_ns();
  }
  setup_->op->on_batch_from(slot.spec.port, slot.spec.channel_in_port, current_, *emitter_);
  after_callback();
  if (polls_after_batch_) {
    auto r = setup_->op->poll(*emitter_, setup_->batch_size);
    current_.reset();
    after_callback();
    apply(r);
  }
  current_.reset();
  if (replayed) return; // upstream never gave credit for it
  slot.unreturned += static_cast<std::int64_t>(rows);
  return_credit(slot, false);
}

bool node_actor::takes_input_now() const {
  return started_ && !setup_->is_source && !finishing_ && !closed_ && !waiting_ && !needs_poll_
         && !router_->blocked();
}

void node_actor::return_credit(in_slot& slot, bool force) {
  if (slot.unreturned <= 0) return;
  if (!force && slot.unreturned * 2 < slot.spec.capacity) return;
  send(slot.spec.source, credit_atom::value, slot.spec.channel, slot.unreturned);
  slot.unreturned = 0;
}

void node_actor::advance_watermark() {
  core::timestamp wm = core::max_timestamp;
  bool any_live = false;
  for (const auto& s : slots_) {
    if (s.ended || s.idle) continue;
    any_live = true;
    if (s.watermark < wm) wm = s.watermark;
  }
  if (!any_live || wm <= watermark_) return;
  watermark_ = wm;
  setup_->metrics->watermark.store(wm, relaxed);
  setup_->op->on_watermark(wm, *emitter_);
  after_callback();
}

void node_actor::begin_finish() {
  if (finishing_) return;
  finishing_ = true;
  router_->end_of_stream();
  try_finish();
}

void node_actor::try_finish() {
  if (closed_ || !router_->drained()) return;
  closed_ = true;
  setup_->op->close();
  setup_->metrics->finished_ns.store(now_ns(), relaxed);
  setup_->shared->instance_finished();
  quit();
}

void node_actor::after_callback() {
  emitter_->flush_errors();
  router_->flush_control();
  if (router_->has_staged() && !flush_scheduled_) {
    flush_scheduled_ = true;
    delayed_send(this, setup_->max_delay, flush_atom::value);
  }
}

void node_actor::schedule_poll() {
  if (poll_scheduled_) return;
  poll_scheduled_ = true;
  send(this, poll_atom::value, std::uint8_t{poll_now});
}

void node_actor::schedule_operator_timer(std::int64_t ns) {
  auto due = now_ns() + std::max<std::int64_t>(ns, 0);
  // One pending timer is enough unless the new one is due clearly earlier.
  if (due + 1000000 >= timer_due_ns_) return;
  timer_due_ns_ = due;
  delayed_send(this, std::chrono::nanoseconds(std::max<std::int64_t>(ns, 0)), poll_atom::value,
               std::uint8_t{poll_on_timer});
}

void node_actor::check_idle_inputs() {
  auto now = setup_->clock->now_ns();
  bool changed = false;
  for (auto& s : slots_) {
    if (s.ended || s.idle || now - s.last_data_ns < idle_timeout_ns_) continue;
    s.idle = true;
    changed = true;
    setup_->op->on_input_idle(s.spec.port, s.spec.channel_in_port, *emitter_);
    after_callback();
  }
  if (changed) {
    advance_watermark();
    pump();
  }
}

template <class F>
void node_actor::guarded(F&& f) {
  if (closed_) return;
  auto t0 = now_ns();
  // Busy while in a handler; between handlers back-pressured (an output
  // has no credit), busy (a non-source operator paces records it holds),
  // or idle. The periods never overlap.
  switch_period(t0, core::instance_metrics::pending_busy);
  try {
    f();
  } catch (const node_failure& e) {
    fail(e.what());
  } catch (const core::record_error& e) {
    fail(describe_failure(*setup_, e.what(), current_.get(), e.row()));
  } catch (const std::exception& e) {
    fail(describe_failure(*setup_, std::string("operator failed: ") + e.what(), current_.get(), 0));
  }
  std::int64_t next = 0;
  if (router_ && !closed_) {
    if (router_->blocked()) next = core::instance_metrics::pending_backpressured;
    else if (waiting_ && !setup_->is_source) next = core::instance_metrics::pending_busy;
  }
  switch_period(now_ns(), next);
}

void node_actor::switch_period(std::int64_t now, std::int64_t kind) {
  auto& m = *setup_->metrics;
  if (period_kind_ != 0) {
    // Clear before charging: a reader loads the counters first, then
    // `pending`, so it never counts this period twice (snapshot_of).
    m.pending.store(0, std::memory_order_release);
    auto& counter = period_kind_ == core::instance_metrics::pending_backpressured
                      ? m.backpressured_ns
                      : m.busy_ns;
    counter.fetch_add(std::max<std::int64_t>(now - period_since_, 0), std::memory_order_release);
  }
  period_kind_ = kind;
  period_since_ = now;
  if (kind != 0) m.pending.store(now * 4 + kind, std::memory_order_release);
}

void node_actor::publish_queued(in_slot& slot) {
  auto& queues = setup_->metrics->input_queues;
  auto idx = static_cast<std::size_t>(&slot - slots_.data());
  if (idx < queues.size()) queues[idx].queued.store(slot.queued_rows, relaxed);
}

void node_actor::fail(const std::string& message) {
  if (closed_) return;
  current_.reset();
  setup_->shared->fail(message);
  quit(caf::exit_reason::user_shutdown);
}

void node_actor::on_exit() {
  if (!closed_) {
    closed_ = true;
    try {
      setup_->op->close();
    } catch (const std::exception& e) {
      setup_->shared->log("warning: node '" + setup_->node_id + "': close failed: " + e.what());
    }
    if (setup_->metrics->finished_ns.load(relaxed) == 0)
      setup_->metrics->finished_ns.store(now_ns(), relaxed);
    setup_->shared->instance_finished();
  }
  emitter_.reset();
  router_.reset();
  slots_.clear();
  caf::event_based_actor::on_exit();
}

} // namespace sluice::exec
