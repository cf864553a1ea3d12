#include "sluice/ops/join/join_operator.hpp"

#include <stdexcept>

#include "sluice/core/state.hpp"

namespace sluice::ops::join {

join_operator::join_operator(join_spec spec, const core::operator_context& ctx)
  : spec_(std::move(spec)),
    progress_(ctx.input_channels, 2, spec_.max_out_of_order), hashers_{key_hasher(spec_.left_keys),
                                                                       key_hasher(
                                                                         spec_.right_keys)},
    output_(spec_.output, spec_.left->size()) {}

void join_operator::on_batch_from(std::size_t port, std::size_t channel, const core::batch_ptr& b,
                                  core::emitter& out) {
  if (!b || b->rows() == 0) return;
  const std::size_t side = port == 0 ? 0 : 1;
  const auto& hashes = hashers_[side].hash(*b);
  const std::size_t ts_index = ts_column(side);
  const core::column& ts = b->col(ts_index);
  const auto cutoff = [&] {
    auto p = progress_.progress();
    return p == core::min_timestamp ? core::min_timestamp : late_before(p);
  };
  core::timestamp late_below = cutoff();
  std::size_t late = 0;
  for (std::size_t r = 0; r < b->rows(); ++r) {
    if (ts.is_null(r)) {
      out.error(*b, r, "null event time in field '" + b->fields().at(ts_index).name + "'");
      continue;
    }
    const core::timestamp t = ts.ints[r];
    if (t < late_below) {
      ++late;
      continue;
    }
    if (progress_.observe(side, channel, t)) late_below = cutoff();
    on_record(side, *b, r, t, hashes[r], hashers_[side].has_null(*b, r), out);
  }
  if (late) out.late(late);
  output_.flush(out);
  advance(out);
}

void join_operator::on_input_ended(std::size_t port, std::size_t channel, core::emitter& out) {
  if (progress_.ended(port == 0 ? 0 : 1, channel)) advance(out);
}

void join_operator::on_input_idle(std::size_t port, std::size_t channel, core::emitter& out) {
  if (progress_.idle(port == 0 ? 0 : 1, channel)) advance(out);
}

void join_operator::on_end_of_stream(core::emitter& out) {
  if (handled_ == core::max_timestamp) return;
  handled_ = core::max_timestamp;
  on_progress(core::max_timestamp, out);
  output_.flush(out);
}

void join_operator::snapshot(core::state_writer& w) const {
  if (!output_.empty()) throw std::logic_error("join snapshot while output is pending");
  progress_.snapshot(w);
  w.i64(handled_);
  w.i64(watermark_);
  write_rows(w);
}

void join_operator::restore(core::state_reader& r) {
  progress_.restore(r);
  handled_ = r.i64();
  watermark_ = r.i64();
  read_rows(r);
}

void join_operator::advance(core::emitter& out) {
  const core::timestamp p = progress_.progress();
  if (p <= handled_) return;
  handled_ = p;
  on_progress(p, out);
  output_.flush(out);
  if (p == core::max_timestamp) return; // the end: end-of-stream follows
  const core::timestamp wm = output_watermark(p);
  if (wm > watermark_) {
    watermark_ = wm;
    out.watermark(wm);
  }
}

} // namespace sluice::ops::join
