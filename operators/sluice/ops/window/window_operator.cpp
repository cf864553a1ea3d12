#include "sluice/ops/window/window_operator.hpp"

#include <algorithm>
#include <stdexcept>

#include "sluice/core/key_hashing.hpp"
#include "sluice/core/state.hpp"
#include "sluice/ops/descriptor_util.hpp"
#include "sluice/ops/window/count_window.hpp"
#include "sluice/ops/window/session_window.hpp"
#include "sluice/ops/window/time_window.hpp"

namespace sluice::ops::window {

window_operator::window_operator(window_config_ptr cfg, const core::operator_context& ctx)
  : cfg_(std::move(cfg)), writer_(cfg_->output, cfg_->key_fields.size()), clock_(ctx.clock),
    progress_tracker_(ctx.input_channels.empty() ? std::vector<std::size_t>{}
                                                 : std::vector<std::size_t>{ctx.input_channels[0]},
                      1, cfg_->max_out_of_order),
    single_channel_(ctx.input_channels.empty() || ctx.input_channels[0] <= 1) {}

void window_operator::on_batch_from(std::size_t, std::size_t channel, const core::batch_ptr& bp,
                                    core::emitter& out) {
  if (!bp || bp->rows() == 0) return;
  core::batch_ptr b = bp;
  if (event_time()) {
    const auto& ts = b->col(static_cast<std::size_t>(cfg_->ts_index));
    if (ts.has_nulls()) { // those rows go to errors; the rest goes on
      kept_rows_.clear();
      for (std::size_t r = 0; r < b->rows(); ++r) {
        if (ts.valid[r]) kept_rows_.push_back(static_cast<std::uint32_t>(r));
        else out.error(*b, r, "timestamp field '" + cfg_->ts_name + "' is null");
      }
      if (kept_rows_.empty()) return;
      b = b->select(kept_rows_);
    }
    ts_ = b->col(static_cast<std::size_t>(cfg_->ts_index)).ints.data();
  } else {
    ts_ = nullptr;
    now_ = std::max(clock_us(), progress_);
    if (now_ > progress_) move_progress(now_);
  }
  core::hash_keys(*b, cfg_->key_fields, hashes_, hash_scratch_);
  late_rows_.clear();
  process(*b, channel);
  if (!late_rows_.empty()) {
    if (cfg_->late_connected) out.emit_rows(1, b, late_rows_);
    else out.late(late_rows_.size());
    late_rows_.clear();
  }
  ts_ = nullptr;
  after(out);
}

void window_operator::on_input_ended(std::size_t port, std::size_t channel, core::emitter& out) {
  if (event_time() && progress_tracker_.ended(port, channel))
    move_progress(progress_tracker_.progress());
  after(out);
}

void window_operator::on_input_idle(std::size_t port, std::size_t channel, core::emitter& out) {
  if (event_time() && progress_tracker_.idle(port, channel))
    move_progress(progress_tracker_.progress());
  after(out);
}

void window_operator::on_end_of_stream(core::emitter& out) {
  progress_ = core::max_timestamp;
  finish();
  after(out);
}

core::poll_result window_operator::poll(core::emitter& out, std::size_t) {
  if (event_time()) return core::poll_result::idle();
  core::timestamp now = clock_us();
  if (now > progress_) {
    move_progress(now);
    after(out);
  }
  core::timestamp due = next_due();
  if (due == core::max_timestamp) return core::poll_result::idle();
  std::int64_t ns = due * 1000 - (clock_->now_ns() + clock_->wall_offset_ns());
  return core::poll_result::timer(std::max<std::int64_t>(ns, 1));
}

// In processing time, progress is a wall-clock reading (µs since the epoch),
// which means the same in any process: a restored instance goes on from it
// and completes what its own clock has passed. writer_ holds nothing here:
// every callback flushes it before it returns.
void window_operator::snapshot(core::state_writer& w) const {
  if (!writer_.empty()) throw std::logic_error("window snapshot with output not flushed");
  progress_tracker_.snapshot(w);
  w.i64(max_seen_);
  w.i64(progress_);
  w.i64(forwarded_);
  snapshot_windows(w);
}

void window_operator::restore(core::state_reader& r) {
  progress_tracker_.restore(r);
  max_seen_ = r.i64();
  progress_ = r.i64();
  forwarded_ = r.i64();
  restore_windows(r);
}

void window_operator::move_progress(core::timestamp p) {
  progress_ = p;
  on_progress();
}

void window_operator::after(core::emitter& out) {
  writer_.flush(out);
  if (progress_ > forwarded_) {
    forwarded_ = progress_;
    out.watermark(progress_);
  }
}

core::bound_ptr bind_window(window_config_ptr cfg) {
  std::vector<core::schema_ptr> outputs{cfg->output, cfg->input};
  return bound(std::move(outputs),
               [cfg](const core::operator_context& ctx) -> std::unique_ptr<window_operator> {
                 if (cfg->shape == window_shape::session) return make_session_window(cfg, ctx);
                 if (cfg->count_based) return make_count_window(cfg, ctx);
                 return make_time_window(cfg, ctx);
               });
}

} // namespace sluice::ops::window
