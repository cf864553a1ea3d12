#pragma once

#include <cstdint>
#include <vector>

#include "sluice/core/event_time_progress.hpp"
#include "sluice/core/operator.hpp"
#include "sluice/ops/join/join_keys.hpp"
#include "sluice/ops/join/join_output.hpp"
#include "sluice/ops/join/join_spec.hpp"

namespace sluice::ops::join {

/// The event-time driver both joins share. Input port 0 is the left side,
/// port 1 the right side. Per record, in arrival order:
/// - a null event time goes to the node's errors;
/// - a record below late_before(progress) is late: counted with out.late;
/// - otherwise it advances its channel's event-time progress and goes to
///   on_record, which emits its matches and stores it.
/// After each batch, and when a channel ends or goes idle, moved progress
/// calls on_progress (drop state, emit what completed) and then emits the
/// watermark output_watermark(progress). Upstream watermarks are not
/// forwarded: progress comes from the records themselves (deterministic).
///
/// State: the progress of every input channel, what on_progress and the
/// watermark last saw, then the subclass's held rows (write_rows). Output is
/// flushed before every callback returns, so join_output holds nothing.
class join_operator : public core::stateful_operator {
public:
  /// Records held in state, both sides together (for tests and metrics).
  virtual std::size_t state_rows() const = 0;

  std::uint32_t state_version() const final { return 1; }
  void snapshot(core::state_writer& w) const final;
  void restore(core::state_reader& r) final;
  void on_batch(std::size_t port, const core::batch_ptr& b, core::emitter& out) override {
    on_batch_from(port, 0, b, out);
  }
  void on_batch_from(std::size_t port, std::size_t channel, const core::batch_ptr& b,
                     core::emitter& out) override;
  void on_input_ended(std::size_t port, std::size_t channel, core::emitter& out) override;
  std::int64_t idle_timeout_us() const override { return spec_.idle_timeout; }
  void on_input_idle(std::size_t port, std::size_t channel, core::emitter& out) override;
  void on_watermark(core::timestamp, core::emitter&) override {}
  void on_end_of_stream(core::emitter& out) override;

protected:
  join_operator(join_spec spec, const core::operator_context& ctx);

  /// Given progress `p` (> min_timestamp), records with an event time below
  /// the result are late: state they would need may be gone.
  virtual core::timestamp late_before(core::timestamp p) const = 0;
  /// Given progress `p` (finite), no output record will carry an event time
  /// below the result.
  virtual core::timestamp output_watermark(core::timestamp p) const = 0;
  /// A record in time: emit its matches through output(), store it. `side`
  /// is 0 (left) or 1 (right); `null_key` means it can never match.
  virtual void on_record(std::size_t side, const core::batch& b, std::size_t row, core::timestamp t,
                         std::uint64_t hash, bool null_key, core::emitter& out) = 0;
  /// Progress moved to `p` (max_timestamp at the end): drop state that can
  /// no longer match, emit what it completes.
  virtual void on_progress(core::timestamp p, core::emitter& out) = 0;
  /// The held rows, in an order that depends on the state only (restore
  /// then snapshot gives the same bytes); read_rows reads them back into a
  /// fresh instance.
  virtual void write_rows(core::state_writer& w) const = 0;
  virtual void read_rows(core::state_reader& r) = 0;

  const join_spec& spec() const { return spec_; }
  join_output& output() { return output_; }
  /// Key columns of a side, to compare stored rows with keys_equal.
  const std::vector<std::size_t>& keys(std::size_t side) const {
    return side == 0 ? spec_.left_keys : spec_.right_keys;
  }
  /// The event-time column of a side.
  std::size_t ts_column(std::size_t side) const {
    return side == 0 ? spec_.left_ts : spec_.right_ts;
  }

private:
  void advance(core::emitter& out);

  const join_spec spec_;
  core::event_time_progress progress_;
  key_hasher hashers_[2];
  join_output output_;
  core::timestamp handled_ = core::min_timestamp;   ///< progress on_progress last saw
  core::timestamp watermark_ = core::min_timestamp; ///< last watermark emitted
};

} // namespace sluice::ops::join
