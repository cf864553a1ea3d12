// `transform.alert`: the operator (event time, evaluation of `when`,
// rendering, output batches). Its contract is in alert.hpp; the per-key
// state machine is alert_table, the params alert_config.

#include "sluice/ops/transform/alert.hpp"

#include <algorithm>
#include <stdexcept>

#include "sluice/core/event_time_progress.hpp"
#include "sluice/core/key_hashing.hpp"
#include "sluice/core/operator.hpp"
#include "sluice/core/state.hpp"
#include "sluice/ops/descriptor_util.hpp"
#include "sluice/ops/transform/alert_config.hpp"

namespace sluice::ops::transform {

namespace {

/// Output rows per emitted batch: a jump in event time can make many
/// transitions due at once (repeats, the end of stream).
constexpr std::size_t max_batch_rows = 4096;

class alert final : public core::stateful_operator, public alert_state {
public:
  alert(alert_config_ptr cfg, const core::operator_context& ctx)
    : cfg_(std::move(cfg)), table_(cfg_->timing, cfg_->key_types, cfg_->label_names),
      progress_(ctx.input_channels.empty() ? std::vector<std::size_t>{}
                                           : std::vector<std::size_t>{ctx.input_channels[0]},
                1, 0),
      builder_(cfg_->output) {
    report_ = [this](const alert_transition& t) { append(t); };
  }

  std::uint32_t state_version() const override { return 1; }

  // The output builder is empty between callbacks: each flushes it.
  void snapshot(core::state_writer& w) const override {
    if (builder_.rows() != 0) throw std::logic_error("alert snapshot with output not flushed");
    progress_.snapshot(w);
    w.i64(watermark_);
    w.i64(forwarded_);
    table_.snapshot(w);
  }

  void restore(core::state_reader& r) override {
    progress_.restore(r);
    watermark_ = r.i64();
    forwarded_ = r.i64();
    table_.restore(r);
  }

  std::size_t instances_held() const override { return table_.size(); }
  std::size_t records_held() const override { return table_.held(); }

  void on_batch_from(std::size_t, std::size_t channel, const core::batch_ptr& b,
                     core::emitter& out) override {
    const std::size_t n = b ? b->rows() : 0;
    if (n == 0) return;
    core::expr::row_errors errors;
    const core::column_ptr when = cfg_->when.evaluate(*b, &errors);
    failed_.assign(n, 0);
    for (std::size_t i = 0; i < errors.rows.size(); ++i) {
      failed_[errors.rows[i]] = 1;
      out.error(*b, errors.rows[i], "when: " + errors.reasons[i]);
    }
    const core::column& ts = b->col(cfg_->ts_index);
    for (std::size_t r = 0; r < n; ++r) {
      if (failed_[r]) continue;
      if (ts.is_null(r)) {
        out.error(*b, r, "the timestamp field '" + cfg_->ts_name + "' is null");
        continue;
      }
      const core::timestamp t = ts.ints[r];
      // What was due before this record happens before it.
      if (progress_.observe(0, channel, t)) advance(out);
      key_.clear();
      core::append_key(*b, cfg_->key_fields, r, key_);
      const bool matched = !when->is_null(r) && when->bools[r];
      std::string message;
      std::vector<std::string> labels;
      if (matched) {
        message = cfg_->message.render(*b, r);
        labels.resize(cfg_->labels.size());
        for (std::size_t l = 0; l < labels.size(); ++l) cfg_->labels[l].render(*b, r, labels[l]);
      }
      if (t > now()) { // ahead of another channel: waits for event time
        table_.hold(t, channel, key_, matched, std::move(message), std::move(labels));
      } else if (matched) {
        table_.match(key_, t, std::move(message), std::move(labels));
        advance(out); // with `for` 0, it fires now
      } else {
        table_.mismatch(key_, t);
      }
    }
    finish(out);
  }

  void on_watermark(core::timestamp wm, core::emitter& out) override {
    watermark_ = std::max(watermark_, wm);
    advance(out);
    finish(out);
  }

  void on_input_ended(std::size_t port, std::size_t channel, core::emitter& out) override {
    if (progress_.ended(port, channel)) advance(out);
    finish(out);
  }

  std::int64_t idle_timeout_us() const override { return cfg_->idle_timeout; }

  void on_input_idle(std::size_t port, std::size_t channel, core::emitter& out) override {
    if (progress_.idle(port, channel)) advance(out);
    finish(out);
  }

  void on_end_of_stream(core::emitter& out) override {
    watermark_ = core::max_timestamp;
    advance(out);
    finish(out);
  }

private:
  core::timestamp now() const { return std::max(progress_.progress(), watermark_); }

  void advance(core::emitter& out) {
    out_ = &out;
    table_.advance(now(), report_);
  }

  void append(const alert_transition& t) {
    std::size_t c = 0;
    builder_.column_at(c++).append_string(t.firing ? "firing" : "resolved");
    std::string_view key = t.key;
    for (auto type : cfg_->key_types) core::read_value_key(key, type, builder_.column_at(c++));
    builder_.column_at(c++).append_int(t.since);
    builder_.column_at(c++).append_int(t.at);
    builder_.column_at(c++).append_string(t.message);
    for (const auto& text : *t.labels) builder_.column_at(c++).append_string(text);
    if (builder_.rows() >= max_batch_rows) out_->emit(0, builder_.finish());
  }

  /// Emits what the callback produced, then the watermark if it moved.
  void finish(core::emitter& out) {
    if (builder_.rows() != 0) out.emit(0, builder_.finish());
    const core::timestamp t = now();
    if (t > forwarded_) {
      forwarded_ = t;
      out.watermark(t);
    }
  }

  const alert_config_ptr cfg_;

  // state
  alert_table table_;
  core::event_time_progress progress_;              ///< from the records, per channel
  core::timestamp watermark_ = core::min_timestamp; ///< the upstream's
  core::timestamp forwarded_ = core::min_timestamp; ///< the last watermark emitted

  // scratch
  core::batch_builder builder_;
  alert_table::report_fn report_;
  core::emitter* out_ = nullptr;
  std::string key_;
  std::vector<std::uint8_t> failed_;
};

} // namespace

core::descriptor alert_descriptor() {
  core::descriptor d;
  d.kind = "transform.alert";
  d.category = "transform";
  d.summary = "Alert rules: one record when an alert fires, repeats or resolves, per key "
              "(Alertmanager's semantics, in event time)";
  d.inputs = {{"in", "records with an event-time field"}};
  d.outputs = {{"out", "one record per transition: status (firing | resolved), the key fields, "
                       "since, at, message, then one string field per label"}};
  d.properties = alert_properties();
  d.bind = [](const core::params& p, const core::bind_context& ctx) -> core::bound_ptr {
    auto cfg = make_alert_config(p, ctx);
    return bound({cfg->output}, [cfg](const core::operator_context& c) {
      return std::make_unique<alert>(cfg, c);
    });
  };
  return d;
}

} // namespace sluice::ops::transform
