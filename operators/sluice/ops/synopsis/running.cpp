// `synopsis.running`: per `key`, running count, avg, min, max and the
// exponentially weighted average (`alpha`) of the numeric `field`, over the
// whole stream so far. A key's stats are emitted after every `every`-th
// non-null value of that key (1: on each change), and, if changed since,
// at end of stream. Output: the key fields, count, avg, min, max (the
// field's type), ewma, and `ts` (the latest record's `timestamp`) if given.
// Memory: at most `max_keys` keys; a new key beyond that evicts the least
// recently updated one (after emitting its pending stats), which then
// starts again from zero.

#include <algorithm>

#include "sluice/core/params.hpp"
#include "sluice/core/state.hpp"
#include "sluice/ops/aggregate/sketch/key_table.hpp"
#include "sluice/ops/descriptor_util.hpp"
#include "sluice/ops/synopsis/key_fields.hpp"

namespace sluice::ops::synopsis {

namespace {

constexpr std::uint32_t no_slot = 0xffffffffU;

struct running_config {
  std::size_t field = 0;
  core::value_type type = core::value_type::int64;
  double alpha = 0.1;
  std::uint64_t every = 1;
  int timestamp = -1;
  std::size_t max_keys = 100000;
};

/// One key's running statistics.
struct key_stats {
  std::uint64_t count = 0;
  std::uint64_t emitted = 0; ///< count when last emitted
  double sum = 0.0;
  double ewma = 0.0;
  std::int64_t int_min = 0, int_max = 0; ///< for an int field
  double min = 0.0, max = 0.0;           ///< for a double field
  core::timestamp ts = 0;
  bool has_ts = false;
  std::uint32_t newer = no_slot, older = no_slot; ///< recency list
};

class running final : public core::stateful_operator {
public:
  running(running_config c, key_fields keys, core::schema_ptr output)
    : config_(c), keys_(std::move(keys)), output_(std::move(output)) {}

  std::uint32_t state_version() const override { return 1; }

  void snapshot(core::state_writer& w) const override {
    table_.snapshot(w);
    for (const auto& s : stats_) {
      w.u64(s.count);
      w.u64(s.emitted);
      w.f64(s.sum);
      w.f64(s.ewma);
      w.i64(s.int_min);
      w.i64(s.int_max);
      w.f64(s.min);
      w.f64(s.max);
      w.i64(s.ts);
      w.boolean(s.has_ts);
      w.u64(s.newer);
      w.u64(s.older);
    }
    w.u64(newest_);
    w.u64(oldest_);
  }

  void restore(core::state_reader& r) override {
    table_.restore(r, keys_.types());
    stats_.assign(table_.size(), key_stats{});
    for (auto& s : stats_) {
      s.count = r.u64();
      s.emitted = r.u64();
      s.sum = r.f64();
      s.ewma = r.f64();
      s.int_min = r.i64();
      s.int_max = r.i64();
      s.min = r.f64();
      s.max = r.f64();
      s.ts = r.i64();
      s.has_ts = r.boolean();
      s.newer = static_cast<std::uint32_t>(r.u64());
      s.older = static_cast<std::uint32_t>(r.u64());
    }
    newest_ = static_cast<std::uint32_t>(r.u64());
    oldest_ = static_cast<std::uint32_t>(r.u64());
    check_recency_list();
  }

  void on_batch(std::size_t, const core::batch_ptr& b, core::emitter& out) override {
    const core::column& values = b->col(config_.field);
    const core::column* ts =
      config_.timestamp < 0 ? nullptr : &b->col(static_cast<std::size_t>(config_.timestamp));
    core::batch_builder builder(output_);
    for (std::size_t r = 0; r < b->rows(); ++r) {
      if (values.is_null(r)) continue;
      keys_.encode(*b, r, scratch_);
      const std::size_t slot = slot_for(keys_.hash(scratch_), builder);
      key_stats& s = stats_[slot];
      fold(s, values, r);
      if (ts && !ts->is_null(r)) {
        s.ts = ts->ints[r];
        s.has_ts = true;
      }
      if (s.count % config_.every == 0) append(slot, builder);
    }
    out.emit(0, builder.finish());
  }

  void on_end_of_stream(core::emitter& out) override {
    core::batch_builder builder(output_);
    for (std::size_t slot = 0; slot < stats_.size(); ++slot)
      if (stats_[slot].count != stats_[slot].emitted) append(slot, builder);
    out.emit(0, builder.finish());
  }

private:
  /// The slot of the key in scratch_, made the most recent; a new key takes
  /// a free slot or evicts the least recent one (emitting it if pending).
  std::size_t slot_for(std::uint64_t hash, core::batch_builder& builder) {
    std::size_t slot = table_.find(hash, scratch_);
    if (slot == aggregate::sketch::key_table::npos) {
      if (table_.size() < config_.max_keys) {
        slot = table_.insert(hash, scratch_);
        stats_.emplace_back();
      } else {
        slot = oldest_;
        if (stats_[slot].count != stats_[slot].emitted) append(slot, builder);
        unlink(slot);
        table_.rekey(slot, hash, scratch_);
        stats_[slot] = key_stats{};
      }
    } else {
      unlink(slot);
    }
    push_newest(slot);
    return slot;
  }

  void fold(key_stats& s, const core::column& values, std::size_t r) const {
    const bool is_int = config_.type == core::value_type::int64;
    const double x = is_int ? static_cast<double>(values.ints[r]) : values.doubles[r];
    if (s.count == 0) {
      s.ewma = x;
      s.int_min = s.int_max = is_int ? values.ints[r] : 0;
      s.min = s.max = x;
    } else {
      s.ewma += config_.alpha * (x - s.ewma);
      if (is_int) {
        s.int_min = std::min(s.int_min, values.ints[r]);
        s.int_max = std::max(s.int_max, values.ints[r]);
      }
      s.min = std::min(s.min, x);
      s.max = std::max(s.max, x);
    }
    s.sum += x;
    ++s.count;
  }

  void append(std::size_t slot, core::batch_builder& builder) {
    key_stats& s = stats_[slot];
    s.emitted = s.count;
    keys_.decode(table_.key(slot), builder);
    std::size_t c = keys_.size();
    builder.column_at(c++).append_int(static_cast<std::int64_t>(s.count));
    builder.column_at(c++).append_double(s.sum / static_cast<double>(s.count));
    if (config_.type == core::value_type::int64) {
      builder.column_at(c++).append_int(s.int_min);
      builder.column_at(c++).append_int(s.int_max);
    } else {
      builder.column_at(c++).append_double(s.min);
      builder.column_at(c++).append_double(s.max);
    }
    builder.column_at(c++).append_double(s.ewma);
    if (config_.timestamp >= 0) {
      if (s.has_ts) builder.column_at(c).append_int(s.ts);
      else builder.column_at(c).append_null();
    }
  }

  // The recency list links every key once, newest to oldest, both ways:
  // eviction walks it, so a restored list must be whole.
  void check_recency_list() const {
    std::size_t seen = 0;
    std::uint32_t newer = no_slot;
    for (std::uint32_t at = newest_; at != no_slot; at = stats_[at].older) {
      if (at >= stats_.size() || stats_[at].newer != newer || ++seen > stats_.size())
        throw core::state_error("a running summary whose key order is broken");
      newer = at;
    }
    if (seen != stats_.size() || newer != oldest_)
      throw core::state_error("a running summary whose key order misses keys");
  }

  void unlink(std::size_t slot) {
    key_stats& s = stats_[slot];
    if (s.newer != no_slot) stats_[s.newer].older = s.older;
    else newest_ = s.older;
    if (s.older != no_slot) stats_[s.older].newer = s.newer;
    else oldest_ = s.newer;
    s.newer = s.older = no_slot;
  }

  void push_newest(std::size_t slot) {
    key_stats& s = stats_[slot];
    s.older = newest_;
    s.newer = no_slot;
    if (newest_ != no_slot) stats_[newest_].newer = static_cast<std::uint32_t>(slot);
    newest_ = static_cast<std::uint32_t>(slot);
    if (oldest_ == no_slot) oldest_ = newest_;
  }

  const running_config config_;
  const key_fields keys_;
  const core::schema_ptr output_;
  aggregate::sketch::key_table table_;
  std::vector<key_stats> stats_; ///< per table slot
  std::uint32_t newest_ = no_slot, oldest_ = no_slot;
  std::string scratch_; ///< the current record's key bytes
};

} // namespace

core::descriptor running_descriptor() {
  using core::param_type;
  core::descriptor d;
  d.kind = "synopsis.running";
  d.category = "synopsis";
  d.summary = "Per key running count, avg, min, max and exponentially weighted average of a field";
  d.inputs = {{"in", "records with a numeric field"}};
  d.outputs = {{"out", "key fields, count, avg, min, max, ewma (and ts), per update"}};
  d.properties = {
    prop("field", param_type::field, "the numeric field to summarise").required().shapes_state(),
    prop("key", param_type::field_list, "fields that form the key; empty: one global key")
      .def(nlohmann::json::array())
      .shapes_state(),
    prop("alpha", param_type::number,
         "weight of the newest value in ewma: ewma = alpha * x + (1 - alpha) * ewma")
      .def(0.1)
      .min(0)
      .max(1),
    prop("every", param_type::integer,
         "emit a key's stats after every this many of its values (1: on each change)")
      .def(1)
      .min(1),
    prop("timestamp", param_type::field,
         "a timestamp field: output `ts` holds that of the key's latest record")
      .shapes_state(),
    prop("max_keys", param_type::integer,
         "keys held at most; beyond, the least recently updated key is evicted")
      .def(100000)
      .min(1)
      .max(100000000)
      .shapes_state(),
  };
  d.bind = [](const core::params& p, const core::bind_context& ctx) -> core::bound_ptr {
    const auto& input = input_schema(ctx, 0, "in");
    running_config c;
    const std::string field = p.string("field");
    const int f = input->index_of(field);
    if (f < 0)
      throw core::param_error("field",
                              "no field '" + field + "' in the input (" + input->to_string() + ")");
    c.field = static_cast<std::size_t>(f);
    c.type = input->at(c.field).type;
    if (!core::is_numeric(c.type))
      throw core::param_error("field", "field '" + field + "' is "
                                         + std::string(core::name_of(c.type))
                                         + "; it must be a number");
    c.alpha = p.number("alpha");
    if (c.alpha <= 0.0) throw core::param_error("alpha", "alpha must be greater than 0");
    c.every = static_cast<std::uint64_t>(p.integer("every"));
    c.max_keys = static_cast<std::size_t>(p.integer("max_keys"));
    key_fields keys(p.strings("key"), *input, "key");
    std::vector<core::field> out = keys.fields();
    out.push_back({"count", core::value_type::int64});
    out.push_back({"avg", core::value_type::float64});
    out.push_back({"min", c.type});
    out.push_back({"max", c.type});
    out.push_back({"ewma", core::value_type::float64});
    if (p.has("timestamp")) {
      const std::string ts = p.string("timestamp");
      c.timestamp = input->index_of(ts);
      if (c.timestamp < 0)
        throw core::param_error("timestamp",
                                "no field '" + ts + "' in the input (" + input->to_string() + ")");
      if (input->at(static_cast<std::size_t>(c.timestamp)).type != core::value_type::timestamp)
        throw core::param_error("timestamp", "field '" + ts + "' is not a timestamp");
      out.push_back({"ts", core::value_type::timestamp});
    }
    check_unique_names(out, "key");
    auto output = core::make_schema(std::move(out));
    return bound({output}, [c, keys = std::move(keys), output](const core::operator_context&) {
      return std::make_unique<running>(c, keys, output);
    });
  };
  return d;
}

} // namespace sluice::ops::synopsis
