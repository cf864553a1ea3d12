#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "sluice/core/event_time_progress.hpp"
#include "sluice/core/operator.hpp"
#include "sluice/ops/window/result_writer.hpp"
#include "sluice/ops/window/window_config.hpp"

namespace sluice::ops::window {

/// What every window kind shares: event-time progress per input channel
/// (core::event_time_progress, evaluated per record by the subclass), or the
/// context's clock in processing time; late records to `late` (or counted);
/// null timestamps to `errors`; the watermark forwarded when progress moves;
/// idle and ended channels; processing-time timers through poll().
///
/// Upstream watermarks are ignored: progress comes from the records
/// themselves, so the same input gives the same output for any batching.
class window_operator : public core::stateful_operator {
public:
  window_operator(window_config_ptr cfg, const core::operator_context& ctx);

  void on_batch(std::size_t port, const core::batch_ptr& b, core::emitter& out) override {
    on_batch_from(port, 0, b, out);
  }
  void on_batch_from(std::size_t port, std::size_t channel, const core::batch_ptr& b,
                     core::emitter& out) override;
  void on_input_ended(std::size_t port, std::size_t channel, core::emitter& out) override;
  std::int64_t idle_timeout_us() const override { return cfg_->idle_timeout; }
  void on_input_idle(std::size_t port, std::size_t channel, core::emitter& out) override;
  void on_watermark(core::timestamp, core::emitter&) override {}
  void on_end_of_stream(core::emitter& out) override;
  core::poll_result poll(core::emitter& out, std::size_t budget) override;
  /// One layout version for every window kind: the progress here, then
  /// the kind's windows and their aggregate states (docs/ARCHITECTURE.md
  /// §11). The config is not written: it comes from the bound config.
  std::uint32_t state_version() const final { return 1; }
  void snapshot(core::state_writer& w) const final;
  void restore(core::state_reader& r) final;

  /// Processing-time windows fire on timers.
  bool polls_after_batch() const override { return !event_time(); }

  /// Windows (time windows: panes, which are the windows when tumbling;
  /// sessions; open count windows) holding state. For tests and metrics.
  virtual std::size_t open_windows() const = 0;
  /// Groups (a key in a window) holding aggregate state.
  virtual std::size_t open_groups() const = 0;

  /// Current progress: event time, or the clock in microseconds.
  core::timestamp progress() const { return progress_; }

protected:
  /// Processes every row of `b` in order. In event time the subclass calls
  /// observe(channel, ts) after placing each record; rows[r] time is
  /// time_at(r). Output goes to writer_, late rows to late().
  virtual void process(const core::batch& b, std::size_t channel) = 0;
  /// Progress moved outside process(): emit and free what became due.
  virtual void on_progress() = 0;
  /// End of stream: emit everything still open (default: on_progress with
  /// progress at max_timestamp).
  virtual void finish() { on_progress(); }
  /// Processing time: the next progress at which something is due, or
  /// max_timestamp.
  virtual core::timestamp next_due() const { return core::max_timestamp; }
  /// The kind's own state: its windows, keys and aggregate states.
  virtual void snapshot_windows(core::state_writer& w) const = 0;
  virtual void restore_windows(core::state_reader& r) = 0;

  /// Event time: notes `t` for `channel`; true if progress moved. With one
  /// channel, progress is max seen - max_out_of_order, computed inline (the
  /// tracker then only serves ended/idle, which need no max).
  bool observe(std::size_t channel, core::timestamp t) {
    if (single_channel_) {
      if (t <= max_seen_) return false;
      max_seen_ = t;
      core::timestamp p = t - cfg_->max_out_of_order;
      if (p <= progress_) return false;
      progress_ = p;
      return true;
    }
    if (!progress_tracker_.observe(0, channel, t)) return false;
    progress_ = progress_tracker_.progress();
    return true;
  }
  /// Time of row `r` of the batch being processed.
  core::timestamp time_at(std::size_t r) const { return ts_ ? ts_[r] : now_; }
  bool event_time() const { return !cfg_->processing_time; }
  /// Row `r` of the batch being processed is late.
  void late(std::uint32_t r) { late_rows_.push_back(r); }
  const std::uint64_t* hashes() const { return hashes_.data(); }

  const window_config_ptr cfg_;
  result_writer writer_;

private:
  void move_progress(core::timestamp p);
  void after(core::emitter& out);
  /// Processing time as wall-clock microseconds since the epoch.
  core::timestamp clock_us() const { return (clock_->now_ns() + clock_->wall_offset_ns()) / 1000; }

  const std::shared_ptr<core::clock> clock_;
  core::event_time_progress progress_tracker_;
  const bool single_channel_;
  core::timestamp max_seen_ = core::min_timestamp; ///< single channel only
  core::timestamp progress_ = core::min_timestamp;
  core::timestamp forwarded_ = core::min_timestamp;
  const std::int64_t* ts_ = nullptr;
  core::timestamp now_ = 0;
  std::vector<std::uint64_t> hashes_, hash_scratch_;
  std::vector<std::uint32_t> late_rows_, kept_rows_;
};

/// The bound config of a window node: outputs (results, late) and the
/// instance maker for the config's kind (count, time or session).
core::bound_ptr bind_window(window_config_ptr cfg);

} // namespace sluice::ops::window
