// `synopsis.sample`: a random sample of the records, unchanged (same
// schema). `method` "reservoir" keeps a uniform sample of `k` records and
// emits it at end of stream, or per tumbling event-time `window` of the
// `timestamp` field once the window is complete (as window.tumbling decides
// completeness, with `max_out_of_order`; records of an already emitted
// window are counted as late). "bernoulli" keeps each record with
// probability `p` and emits it at once. `seed` makes the sample
// reproducible. Dropped records are counted as filtered. Memory: k records
// per open window.

#include <map>

#include "sluice/core/event_time_progress.hpp"
#include "sluice/core/params.hpp"
#include "sluice/core/state.hpp"
#include "sluice/ops/descriptor_util.hpp"
#include "sluice/ops/synopsis/reservoir.hpp"

namespace sluice::ops::synopsis {

namespace {

struct sample_config {
  std::size_t k = 100;
  double p = 0.1;
  std::uint64_t seed = 0;
  core::duration_us window = 0; ///< 0: one reservoir for the whole stream
  int timestamp = -1;           ///< index of the event-time field
  core::duration_us max_out_of_order = 0;
  core::duration_us idle_timeout = 0;
};

/// method "bernoulli": each record kept with probability p, emitted at once.
class bernoulli_sample final : public core::stateful_operator {
public:
  bernoulli_sample(const sample_config& c, core::schema_ptr input)
    : p_(c.p), input_(std::move(input)), random_(c.seed) {
    if (p_ > 0.0 && p_ < 1.0) skip_ = random_.geometric_skip(p_);
  }

  std::uint32_t state_version() const override { return 1; }

  void snapshot(core::state_writer& w) const override {
    random_.snapshot(w);
    w.u64(skip_);
  }

  void restore(core::state_reader& r) override {
    random_.restore(r);
    skip_ = r.u64();
  }

  void on_batch(std::size_t, const core::batch_ptr& b, core::emitter& out) override {
    const std::size_t n = b->rows();
    if (n == 0) return;
    if (p_ >= 1.0) return out.emit(0, b);
    if (p_ <= 0.0) return out.filtered(n);
    rows_.clear();
    for (std::size_t pos = 0; pos < n;) {
      if (skip_ >= n - pos) {
        skip_ -= n - pos;
        break;
      }
      pos += skip_;
      rows_.push_back(static_cast<std::uint32_t>(pos++));
      skip_ = random_.geometric_skip(p_);
    }
    if (rows_.size() < n) out.filtered(n - rows_.size());
    out.emit_rows(0, b, rows_);
  }

private:
  const double p_;
  const core::schema_ptr input_;
  sample_random random_;
  std::uint64_t skip_ = 0;          ///< records still to drop before the next kept one
  std::vector<std::uint32_t> rows_; ///< scratch: kept rows of the current batch
};

/// method "reservoir": k records for the whole stream, or per tumbling
/// event-time window.
class reservoir_sample final : public core::stateful_operator {
public:
  reservoir_sample(const sample_config& c, core::schema_ptr input,
                   const core::operator_context& ctx)
    : config_(c), input_(std::move(input)), random_(c.seed),
      progress_(ctx.input_channels, 1, c.max_out_of_order), whole_(c.k) {}

  std::uint32_t state_version() const override { return 1; }

  void snapshot(core::state_writer& w) const override {
    random_.snapshot(w);
    progress_.snapshot(w);
    whole_.snapshot(w);
    w.count(open_.size());
    for (const auto& [start, res] : open_) {
      w.i64(start);
      res.snapshot(w);
    }
    w.i64(watermark_);
  }

  void restore(core::state_reader& r) override {
    random_.restore(r);
    progress_.restore(r);
    std::vector<core::value_type> types;
    for (const auto& f : input_->fields()) types.push_back(f.type);
    whole_.restore(r, types);
    open_.clear();
    for (auto n = r.count(); n > 0; --n) {
      auto start = r.i64();
      if (config_.window == 0 || start < core::min_timestamp + config_.window
          || start > core::max_timestamp - config_.window || start != window_start(start))
        throw core::state_error("a sample window that does not start on a window boundary");
      open_.try_emplace(start, config_.k).first->second.restore(r, types);
    }
    watermark_ = r.i64();
  }

  void on_batch(std::size_t port, const core::batch_ptr& b, core::emitter& out) override {
    on_batch_from(port, 0, b, out);
  }

  void on_batch_from(std::size_t port, std::size_t channel, const core::batch_ptr& b,
                     core::emitter& out) override {
    const std::size_t n = b->rows();
    std::size_t dropped = 0;
    if (config_.window == 0) {
      for (std::size_t r = 0; r < n; ++r) {
        if (whole_.size() == config_.k) ++dropped; // this one or a stored one leaves
        whole_.offer(*b, r, random_);
      }
      if (dropped) out.filtered(dropped);
      return;
    }
    const core::column& ts = b->col(static_cast<std::size_t>(config_.timestamp));
    std::size_t late = 0;
    for (std::size_t r = 0; r < n; ++r) {
      if (ts.is_null(r)) {
        out.error(*b, r,
                  "the timestamp field '" + input_->at(config_.timestamp).name + "' is null");
        continue;
      }
      const core::timestamp t = ts.ints[r];
      const core::timestamp start = window_start(t);
      if (start + config_.window <= progress_.progress()) { // its window was emitted
        ++late;
        continue;
      }
      auto& res = open_.try_emplace(start, config_.k).first->second;
      if (res.size() == config_.k) ++dropped;
      res.offer(*b, r, random_);
      progress_.observe(port, channel, t);
    }
    if (dropped) out.filtered(dropped);
    if (late) out.late(late);
    emit_complete(out);
  }

  void on_input_ended(std::size_t port, std::size_t channel, core::emitter& out) override {
    if (config_.window != 0 && progress_.ended(port, channel)) emit_complete(out);
  }

  std::int64_t idle_timeout_us() const override { return config_.idle_timeout; }

  void on_input_idle(std::size_t port, std::size_t channel, core::emitter& out) override {
    if (config_.window != 0 && progress_.idle(port, channel)) emit_complete(out);
  }

  /// The sample holds records back: the input watermark does not apply to
  /// the output. Windowed, the operator sends its own (emit_complete).
  void on_watermark(core::timestamp, core::emitter&) override {}

  void on_end_of_stream(core::emitter& out) override {
    if (config_.window == 0) return emit(whole_, out);
    for (const auto& [start, res] : open_) emit(res, out);
    open_.clear();
  }

private:
  core::timestamp window_start(core::timestamp t) const {
    const core::timestamp rem = t % config_.window;
    return rem < 0 ? t - rem - config_.window : t - rem;
  }

  void emit(const reservoir& res, core::emitter& out) const {
    if (res.size() == 0) return;
    core::batch_builder builder(input_, res.size());
    res.append_to(builder, *input_);
    out.emit(0, builder.finish());
  }

  /// Emits every window that ended at or before the input's progress, then
  /// a watermark no later output record can fall below: the start of the
  /// window holding progress (every open window ends after progress).
  void emit_complete(core::emitter& out) {
    const core::timestamp progress = progress_.progress();
    while (!open_.empty() && open_.begin()->first + config_.window <= progress) {
      emit(open_.begin()->second, out);
      open_.erase(open_.begin());
    }
    if (progress == core::min_timestamp || progress == core::max_timestamp) return;
    const core::timestamp wm = window_start(progress);
    if (wm > watermark_) {
      watermark_ = wm;
      out.watermark(wm);
    }
  }

  const sample_config config_;
  const core::schema_ptr input_;
  sample_random random_;
  core::event_time_progress progress_;
  reservoir whole_;                           ///< without a window
  std::map<core::timestamp, reservoir> open_; ///< per window start
  core::timestamp watermark_ = core::min_timestamp;
};

sample_config parse_config(const core::params& p, const core::schema& input) {
  sample_config c;
  c.k = static_cast<std::size_t>(p.integer("k"));
  c.p = p.number("p");
  const std::uint64_t base =
    p.has("seed") ? static_cast<std::uint64_t>(p.integer("seed"))
                  : (std::uint64_t{std::random_device{}()} << 32) ^ std::random_device{}();
  c.seed = base;
  c.max_out_of_order = p.duration("max_out_of_order");
  if (p.has("idle_timeout")) c.idle_timeout = p.duration("idle_timeout");
  const bool reservoir = p.string("method") == "reservoir";
  if (p.has("window")) {
    if (!reservoir) throw core::param_error("window", "window applies to method reservoir only");
    c.window = p.duration("window");
    if (c.window <= 0) throw core::param_error("window", "window must be longer than 0");
    if (!p.has("timestamp"))
      throw core::param_error("timestamp", "window needs the event-time field in timestamp");
  }
  if (p.has("timestamp")) {
    if (!p.has("window")) throw core::param_error("window", "timestamp needs a window size");
    const std::string name = p.string("timestamp");
    c.timestamp = input.index_of(name);
    if (c.timestamp < 0)
      throw core::param_error("timestamp",
                              "no field '" + name + "' in the input (" + input.to_string() + ")");
    if (input.at(static_cast<std::size_t>(c.timestamp)).type != core::value_type::timestamp)
      throw core::param_error("timestamp", "field '" + name + "' is not a timestamp");
  }
  return c;
}

} // namespace

core::descriptor sample_descriptor() {
  using core::param_type;
  core::descriptor d;
  d.kind = "synopsis.sample";
  d.category = "synopsis";
  d.summary = "A random sample of the records: a reservoir of k (per window or at the end), "
              "or each record with probability p";
  d.inputs = {{"in", "records, any schema"}};
  d.outputs = {{"out", "the sampled records, unchanged (same schema)"}};
  d.properties = {
    prop("method", param_type::choice,
         "reservoir: a uniform sample of k records; bernoulli: each record with probability p")
      .def("reservoir")
      .choices({"reservoir", "bernoulli"})
      .shapes_state(),
    prop("k", param_type::integer, "reservoir size: records per sample")
      .def(100)
      .min(1)
      .max(1e6)
      .shapes_state(),
    prop("p", param_type::number, "bernoulli: probability of keeping a record")
      .def(0.1)
      .min(0)
      .max(1)
      .shapes_state(),
    prop("seed", param_type::integer,
         "seed of the random choices, for a reproducible sample; absent: a random seed")
      .shapes_state(),
    prop("window", param_type::duration,
         "reservoir: one sample per tumbling event-time window of this size (needs timestamp); "
         "absent: one sample, emitted at end of stream")
      .shapes_state(),
    prop("timestamp", param_type::field, "the event-time field (a timestamp) for window")
      .shapes_state(),
    prop("max_out_of_order", param_type::duration,
         "with window: how far event time may go back before records count as late")
      .def("0s"),
    prop("idle_timeout", param_type::duration,
         "with window: an input silent this long stops holding event time back"),
  };
  d.bind = [](const core::params& p, const core::bind_context& ctx) -> core::bound_ptr {
    const auto& input = input_schema(ctx, 0, "in");
    const sample_config config = parse_config(p, *input);
    return bound({input},
                 [config, input, bernoulli = p.string("method") == "bernoulli"](
                   const core::operator_context& c) -> core::operator_ptr {
                   sample_config own = config;
                   own.seed += c.instance * 0x9e3779b97f4a7c15ULL; // instances sample independently
                   if (bernoulli) return std::make_unique<bernoulli_sample>(own, input);
                   return std::make_unique<reservoir_sample>(own, input, c);
                 });
  };
  return d;
}

} // namespace sluice::ops::synopsis
