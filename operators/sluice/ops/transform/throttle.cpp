// `transform.throttle`: passes records on at most `rate` records per second
// of processing time (the context's clock), with a token bucket that holds
// at most max(1, rate × 0.1 s) tokens, so a burst after a pause is at most a
// tenth of a second's worth. Held records are released by `poll`, which
// asks to be called again when the next token is due. Watermarks are held
// back until the records that arrived before them are released.
//
// At end of stream the interface gives no later chance to pace, so the
// remainder is released at once.

#include <algorithm>
#include <cmath>
#include <deque>
#include <limits>

#include "sluice/core/params.hpp"
#include "sluice/core/state.hpp"
#include "sluice/ops/descriptor_util.hpp"

namespace sluice::ops::transform {

namespace {

class throttle final : public core::stateful_operator {
public:
  throttle(double rate, core::schema_ptr input, std::shared_ptr<core::clock> clock)
    : rate_(rate), burst_(std::max(1.0, rate * 0.1)), input_(std::move(input)),
      clock_(std::move(clock)) {}

  bool polls_after_batch() const override { return true; }

  std::uint32_t state_version() const override { return 1; }

  void snapshot(core::state_writer& w) const override {
    w.count(held_.size());
    for (const auto& b : held_) w.batch(*b);
    w.u64(offset_);
    w.u64(held_rows_);
    w.u64(received_);
    w.u64(released_);
    w.count(pending_.size());
    for (const auto& p : pending_) {
      w.u64(p.after);
      w.i64(p.wm);
    }
    w.f64(tokens_);
    w.boolean(started_);
    w.i64(last_ns_);
  }

  void restore(core::state_reader& r) override {
    held_.resize(r.count());
    std::uint64_t rows = 0;
    for (auto& b : held_) {
      b = r.batch();
      if (b->rows() == 0 || b->fields() != *input_)
        throw core::state_error("held records of another schema than the input's, or none");
      rows += b->rows();
    }
    offset_ = r.u64();
    held_rows_ = r.u64();
    received_ = r.u64();
    released_ = r.u64();
    pending_.resize(r.count());
    for (auto& p : pending_) {
      p.after = r.u64();
      p.wm = r.i64();
    }
    tokens_ = r.f64();
    started_ = r.boolean();
    // The clock is processing time of the process that wrote the state; a
    // later one may start lower. Never refill from the future.
    last_ns_ = std::min(r.i64(), clock_->now_ns());
    // release_rows() walks the held batches from offset_ and counts on
    // these sums; the token bucket holds at most a burst.
    if ((held_.empty() ? offset_ != 0 : offset_ >= held_.front()->rows())
        || held_rows_ != rows - offset_ || released_ + held_rows_ != received_)
      throw core::state_error("held records whose counts do not add up");
    for (const auto& p : pending_)
      if (p.after > received_)
        throw core::state_error("a held watermark after records never received");
    if (!(tokens_ >= 0.0 && tokens_ <= burst_))
      throw core::state_error("a token bucket holding more than its burst");
  }

  void on_batch(std::size_t, const core::batch_ptr& b, core::emitter& out) override {
    if (b->rows() == 0) return;
    held_.push_back(b);
    held_rows_ += b->rows();
    received_ += b->rows();
    refill();
    release(out, std::numeric_limits<std::size_t>::max());
  }

  void on_watermark(core::timestamp wm, core::emitter& out) override {
    if (held_rows_ == 0) {
      out.watermark(wm);
      return;
    }
    // Forwarded once every record received so far has been released.
    if (!pending_.empty() && pending_.back().after == received_)
      pending_.back().wm = std::max(pending_.back().wm, wm);
    else pending_.push_back({received_, wm});
  }

  void on_end_of_stream(core::emitter& out) override { release_rows(out, held_rows_); }

  core::poll_result poll(core::emitter& out, std::size_t budget) override {
    if (held_rows_ == 0) return core::poll_result::idle();
    refill();
    release(out, budget);
    if (held_rows_ == 0) return core::poll_result::idle();
    if (tokens_ >= 1.0) return core::poll_result::more(); // limited by the budget
    // Sleep until a chunk worth waking for is due (5 ms of records, or all
    // that is held), not just the next record: waking every 10 us at
    // 100 000/s would burn a core.
    double chunk =
      std::min({static_cast<double>(held_rows_), burst_, std::max(1.0, rate_ * 0.005)});
    auto ns = static_cast<std::int64_t>(std::ceil((chunk - tokens_) * 1e9 / rate_));
    return core::poll_result::wait(std::max<std::int64_t>(ns, 1));
  }

private:
  struct held_watermark {
    std::uint64_t after; ///< records received before it
    core::timestamp wm;
  };

  void refill() {
    std::int64_t now = clock_->now_ns();
    if (!started_) { // a fresh bucket is full
      started_ = true;
      tokens_ = burst_;
    } else {
      tokens_ = std::min(burst_, tokens_ + static_cast<double>(now - last_ns_) * rate_ / 1e9);
    }
    last_ns_ = now;
  }

  void release(core::emitter& out, std::size_t budget) {
    // The epsilon keeps exact refills (1 ms at 1000/s) from rounding down.
    auto tokens = static_cast<std::uint64_t>(std::floor(tokens_ + 1e-9));
    auto n = std::min<std::uint64_t>({tokens, held_rows_, budget});
    if (n == 0) return;
    tokens_ = std::max(0.0, tokens_ - static_cast<double>(n));
    release_rows(out, n);
  }

  // Emits the first `n` held rows (whole batches as they are, no copy), then
  // the watermarks they were holding back.
  void release_rows(core::emitter& out, std::uint64_t n) {
    while (n > 0) {
      const core::batch_ptr& front = held_.front();
      std::size_t left = front->rows() - offset_;
      auto take = static_cast<std::size_t>(std::min<std::uint64_t>(n, left));
      if (offset_ == 0 && take == front->rows()) out.emit(0, front);
      else out.emit(0, front->slice(offset_, offset_ + take));
      n -= take;
      held_rows_ -= take;
      released_ += take;
      offset_ += take;
      if (offset_ == front->rows()) {
        held_.pop_front();
        offset_ = 0;
      }
    }
    bool forward = false;
    core::timestamp wm = core::min_timestamp;
    while (!pending_.empty() && pending_.front().after <= released_) {
      wm = std::max(wm, pending_.front().wm);
      forward = true;
      pending_.pop_front();
    }
    if (forward) out.watermark(wm);
  }

  const double rate_;  ///< tokens (records) per second
  const double burst_; ///< bucket size
  const core::schema_ptr input_;
  const std::shared_ptr<core::clock> clock_;

  // state
  std::deque<core::batch_ptr> held_;
  std::size_t offset_ = 0; ///< rows of held_.front() already released
  std::uint64_t held_rows_ = 0, received_ = 0, released_ = 0;
  std::deque<held_watermark> pending_;
  double tokens_ = 0;
  bool started_ = false;
  std::int64_t last_ns_ = 0;
};

} // namespace

core::descriptor throttle_descriptor() {
  core::descriptor d;
  d.kind = "transform.throttle";
  d.category = "transform";
  d.summary = "Limits the record rate (token bucket on processing time)";
  d.inputs = {{"in", "records, any schema"}};
  d.outputs = {{"out", "the same records, at most `rate` per second"}};
  d.properties = {
    prop("rate", core::param_type::number,
         "records per second (> 0); bursts up to a tenth of a second's worth")
      .required()
      .min(0),
  };
  d.bind = [](const core::params& p, const core::bind_context& ctx) -> core::bound_ptr {
    double rate = p.number("rate");
    if (!(rate > 0)) throw core::param_error("rate", "must be greater than 0");
    auto input = input_schema(ctx, 0, "in");
    return bound({input}, [rate, input](const core::operator_context& c) {
      return std::make_unique<throttle>(rate, input, c.clock);
    });
  };
  return d;
}

} // namespace sluice::ops::transform
