// `source.generator`: synthetic records (seq, ts, key, value) for tests and
// benchmarks. Record seq has ts = start + seq × interval, key = "k" + seq %
// keys and value = (seq % 1000) / 10.0. Parallel instance i of N emits the
// seqs ≡ i (mod N), so all instances together emit exactly 0..count-1. A
// `rate` is the total over all instances (each emits rate / N per second,
// paced by the context's clock).

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstring>
#include <limits>
#include <stdexcept>
#include <string>
#include <vector>

#include "sluice/core/params.hpp"
#include "sluice/core/state.hpp"
#include "sluice/ops/descriptor_util.hpp"

namespace sluice::ops::source {

namespace {

using core::value_type;

constexpr std::size_t max_batch = 4096;
constexpr std::int64_t max_keys = 1000000;

struct generator_config {
  std::int64_t count = 0; ///< 0 = unbounded
  double rate = 0;        ///< total records per second; 0 = unpaced
  std::int64_t keys = 1;
  core::duration_us interval = 0;
  core::timestamp start = 0;
};

const core::schema_ptr& generator_schema() {
  static const core::schema_ptr s = core::make_schema({{"seq", value_type::int64},
                                                       {"ts", value_type::timestamp},
                                                       {"key", value_type::string},
                                                       {"value", value_type::float64}});
  return s;
}

class generator final : public core::source_operator {
public:
  generator(const generator_config& cfg, const core::operator_context& ctx)
    : cfg_(cfg), clock_(ctx.clock), stride_(static_cast<std::int64_t>(ctx.parallelism)),
      next_seq_(static_cast<std::int64_t>(ctx.instance)),
      first_seq_(static_cast<std::int64_t>(ctx.instance)) {
    auto n = static_cast<std::uint64_t>(stride_);
    auto i = static_cast<std::uint64_t>(ctx.instance);
    auto count = static_cast<std::uint64_t>(cfg.count);
    if (cfg.count == 0) total_ = std::numeric_limits<std::uint64_t>::max();
    else total_ = count > i ? (count - i + n - 1) / n : 0;
    rate_ = cfg.rate / static_cast<double>(stride_);
    key_idx_ = static_cast<std::int64_t>(i % static_cast<std::uint64_t>(cfg.keys));
    key_step_ = stride_ % cfg.keys;
    value_idx_ = static_cast<std::int64_t>(i % 1000);
    value_step_ = stride_ % 1000;
  }

  std::uint32_t state_version() const override { return 1; }

  // The position: records emitted, and for a paced source how long it has
  // been running (its clock need not continue across processes).
  void snapshot(core::state_writer& w) const override {
    w.i64(next_seq_);
    w.u64(emitted_);
    w.i64(key_idx_);
    w.i64(value_idx_);
    w.boolean(started_);
    w.i64(started_ ? clock_->now_ns() - start_ns_ : 0);
  }

  // The position must be one this instance can reach: the sequence number,
  // key and value of record `emitted` of its stride, event times that fit.
  void restore(core::state_reader& r) override {
    next_seq_ = r.i64();
    emitted_ = r.u64();
    key_idx_ = r.i64();
    value_idx_ = r.i64();
    started_ = r.boolean();
    auto elapsed = r.i64();
    std::int64_t seq = 0, t = 0;
    const std::uint64_t limit = std::uint64_t{1} << 53;
    if (emitted_ > total_ || emitted_ > limit
        || __builtin_mul_overflow(static_cast<std::int64_t>(emitted_), stride_, &seq)
        || __builtin_add_overflow(seq, first_seq_, &seq) || seq != next_seq_
        || __builtin_mul_overflow(next_seq_ + static_cast<std::int64_t>(max_batch) * stride_,
                                  cfg_.interval, &t)
        || __builtin_add_overflow(t, cfg_.start, &t))
      throw core::state_error("a generator position that is not one of this instance's: record "
                              + std::to_string(emitted_) + ", sequence number "
                              + std::to_string(next_seq_));
    if (key_idx_ != next_seq_ % cfg_.keys || value_idx_ != next_seq_ % 1000 || elapsed < 0)
      throw core::state_error("a generator position whose key, value or running time does not "
                              "match its sequence number");
    start_ns_ = clock_->now_ns() - elapsed;
  }

  core::poll_result poll(core::emitter& out, std::size_t budget) override {
    if (emitted_ >= total_) return core::poll_result::finished();
    std::uint64_t want = std::min<std::uint64_t>({budget, max_batch, total_ - emitted_});
    bool paced = rate_ > 0;
    if (paced) {
      std::int64_t now = clock_->now_ns();
      if (!started_) {
        started_ = true;
        start_ns_ = now;
      }
      double elapsed = static_cast<double>(now - start_ns_);
      auto due = static_cast<std::uint64_t>(std::floor(elapsed * rate_ / 1e9)) + 1;
      if (due <= emitted_) return core::poll_result::wait(ns_until_due(next_wake(), now));
      want = std::min(want, due - emitted_);
      if (want == 0) return core::poll_result::more(); // no budget
      emit_batch(out, static_cast<std::size_t>(want));
      if (emitted_ >= total_) return core::poll_result::finished();
      if (due > emitted_) return core::poll_result::more();
      return core::poll_result::wait(ns_until_due(next_wake(), now));
    }
    if (want == 0) return core::poll_result::more();
    emit_batch(out, static_cast<std::size_t>(want));
    return emitted_ >= total_ ? core::poll_result::finished() : core::poll_result::more();
  }

private:
  // The local record to wake up for: a millisecond's worth of records after
  // the next one, so a fast paced source wakes at most ~1000 times a second.
  std::uint64_t next_wake() const {
    auto chunk = static_cast<std::uint64_t>(std::max(1.0, rate_ / 1000.0));
    return std::min(emitted_ + chunk - 1, total_ - 1);
  }

  // Nanoseconds from `now` until local record `k` is due (at least 1).
  std::int64_t ns_until_due(std::uint64_t k, std::int64_t now) const {
    double at = std::ceil(static_cast<double>(k) * 1e9 / rate_);
    auto wait = static_cast<std::int64_t>(at) - (now - start_ns_);
    return std::max<std::int64_t>(wait, 1);
  }

  // The table of key strings, built on first use (an instance that never
  // runs costs nothing). Padded so 8-byte copies never read past it.
  void build_keys() {
    key_offsets_.reserve(static_cast<std::size_t>(cfg_.keys) + 1);
    key_offsets_.push_back(0);
    char digits[24];
    for (std::int64_t k = 0; k < cfg_.keys; ++k) {
      auto r = std::to_chars(digits, digits + sizeof digits, k);
      auto len = static_cast<std::size_t>(r.ptr - digits);
      key_bytes_.push_back('k');
      key_bytes_.append(digits, len);
      key_offsets_.push_back(static_cast<std::uint32_t>(key_bytes_.size()));
      max_key_len_ = std::max(max_key_len_, len + 1);
    }
    key_bytes_.append(8, '\0');
  }

  void emit_batch(core::emitter& out, std::size_t n) {
    if (key_offsets_.empty()) build_keys();
    auto seq = std::make_shared<core::column>(value_type::int64);
    auto ts = std::make_shared<core::column>(value_type::timestamp);
    auto key = std::make_shared<core::column>(value_type::string);
    auto value = std::make_shared<core::column>(value_type::float64);
    seq->ints.resize(n);
    ts->ints.resize(n);
    value->doubles.resize(n);

    const std::int64_t s0 = next_seq_, stride = stride_;
    const std::int64_t t0 = cfg_.start + s0 * cfg_.interval, t_step = stride * cfg_.interval;
    std::int64_t* seq_out = seq->ints.data();
    std::int64_t* ts_out = ts->ints.data();
    for (std::size_t j = 0; j < n; ++j) {
      auto sj = static_cast<std::int64_t>(j);
      seq_out[j] = s0 + sj * stride;
      ts_out[j] = t0 + sj * t_step;
    }

    key->offsets.resize(n + 1);
    key->bytes.resize(n * max_key_len_ + 8);
    char* dst = key->bytes.data();
    std::uint32_t* offs = key->offsets.data();
    const char* table = key_bytes_.data();
    const std::uint32_t* table_offs = key_offsets_.data();
    double* val_out = value->doubles.data();
    std::int64_t k = key_idx_, v = value_idx_;
    const std::int64_t keys = cfg_.keys;
    std::uint32_t pos = 0;
    const bool short_keys = max_key_len_ <= 8;
    for (std::size_t j = 0; j < n; ++j) {
      std::uint32_t b = table_offs[k], len = table_offs[k + 1] - b;
      if (short_keys) std::memcpy(dst + pos, table + b, 8); // fixed size: one store
      else std::memcpy(dst + pos, table + b, len);
      pos += len;
      offs[j + 1] = pos;
      k += key_step_;
      if (k >= keys) k -= keys;
      val_out[j] = static_cast<double>(v) / 10.0;
      v += value_step_;
      if (v >= 1000) v -= 1000;
    }
    key->bytes.resize(pos);
    key_idx_ = k;
    value_idx_ = v;

    auto last_ts = ts_out[n - 1];
    next_seq_ += static_cast<std::int64_t>(n) * stride;
    emitted_ += n;
    out.emit(0, std::make_shared<const core::batch>(
                  generator_schema(), std::vector<core::column_ptr>{seq, ts, key, value}, n));
    out.watermark(last_ts + 1);
  }

  const generator_config cfg_;
  const std::shared_ptr<core::clock> clock_;
  const std::int64_t stride_; ///< parallelism
  std::uint64_t total_ = 0;   ///< records this instance emits
  double rate_ = 0;           ///< this instance's records per second
  std::int64_t key_step_ = 0, value_step_ = 0;
  std::string key_bytes_;
  std::vector<std::uint32_t> key_offsets_;
  std::size_t max_key_len_ = 0;

  // state
  std::int64_t next_seq_;
  const std::int64_t first_seq_; ///< this instance's first sequence number
  std::uint64_t emitted_ = 0;
  std::int64_t key_idx_ = 0, value_idx_ = 0; ///< next_seq_ % keys, next_seq_ % 1000
  bool started_ = false;
  std::int64_t start_ns_ = 0;
};

} // namespace

core::descriptor generator_descriptor() {
  using core::param_type;
  core::descriptor d;
  d.kind = "source.generator";
  d.category = "source";
  d.summary = "Generates synthetic records (seq, ts, key, value) at a given rate";
  d.outputs = {{"out", "seq:int, ts:timestamp, key:string, value:double"}};
  d.properties = {
    prop("count", param_type::integer, "records to emit in total; 0 = unbounded")
      .def(1000000)
      .min(0),
    prop("rate", param_type::number,
         "records per second over all instances; 0 = as fast as possible")
      .def(0)
      .min(0),
    prop("keys", param_type::integer, "distinct keys: key = \"k\" + seq % keys")
      .def(100)
      .min(1)
      .max(max_keys)
      .shapes_state(),
    prop("interval", param_type::duration, "event-time step: ts = start + seq × interval")
      .def("1ms")
      .shapes_state(),
    prop("start", param_type::timestamp, "event time of the first record (seq 0)")
      .def("2026-01-01T00:00:00Z")
      .shapes_state(),
  };
  d.bind = [](const core::params& p, const core::bind_context&) -> core::bound_ptr {
    generator_config cfg;
    cfg.count = p.integer("count");
    cfg.rate = p.number("rate");
    cfg.keys = p.integer("keys");
    cfg.interval = p.duration("interval");
    cfg.start = p.timestamp("start");
    return bound({generator_schema()}, [cfg](const core::operator_context& ctx) {
      if (ctx.parallelism == 0 || ctx.instance >= ctx.parallelism)
        throw std::logic_error("generator instance " + std::to_string(ctx.instance)
                               + " out of range for parallelism "
                               + std::to_string(ctx.parallelism));
      return std::make_unique<generator>(cfg, ctx);
    });
  };
  return d;
}

} // namespace sluice::ops::source
