// `synopsis.heavy_hitters`: the `k` most frequent values of `key` (one
// field or several) with their counts, by space-saving over `counters`
// counters (default max(10 k, 100)). Emits the current top k at end of
// stream and, if `every` is given, after every `every` records. Output per
// entry: the key fields, `count` (an upper bound of the true count),
// `error` (count - error is a lower bound; error <= N / counters for N
// records so far), `rank` (1 = most frequent). Memory: `counters` keys.

#include "sluice/core/params.hpp"
#include "sluice/core/state.hpp"
#include "sluice/ops/aggregate/sketch/space_saving.hpp"
#include "sluice/ops/descriptor_util.hpp"
#include "sluice/ops/synopsis/key_fields.hpp"

namespace sluice::ops::synopsis {

namespace {

class heavy_hitters final : public core::stateful_operator {
public:
  heavy_hitters(key_fields keys, std::size_t k, std::size_t counters, std::uint64_t every,
                core::schema_ptr output)
    : keys_(std::move(keys)), k_(k), every_(every), output_(std::move(output)), sketch_(counters) {}

  std::uint32_t state_version() const override { return 1; }

  void snapshot(core::state_writer& w) const override {
    sketch_.snapshot(w);
    w.u64(since_emit_);
  }

  void restore(core::state_reader& r) override {
    sketch_.restore(r, keys_.types());
    since_emit_ = r.u64();
  }

  void on_batch(std::size_t, const core::batch_ptr& b, core::emitter& out) override {
    for (std::size_t r = 0; r < b->rows(); ++r) {
      keys_.encode(*b, r, scratch_);
      sketch_.add(keys_.hash(scratch_), scratch_);
      ++since_emit_;
      if (every_ != 0 && since_emit_ == every_) emit_top(out);
    }
  }

  /// The final top k, unless nothing came since the last emission.
  void on_end_of_stream(core::emitter& out) override {
    if (since_emit_ > 0) emit_top(out);
  }

private:
  void emit_top(core::emitter& out) {
    since_emit_ = 0;
    const auto top = sketch_.top(k_);
    core::batch_builder builder(output_, top.size());
    for (std::size_t i = 0; i < top.size(); ++i) {
      keys_.decode(top[i].key, builder);
      std::size_t c = keys_.size();
      builder.column_at(c++).append_int(static_cast<std::int64_t>(top[i].count));
      builder.column_at(c++).append_int(static_cast<std::int64_t>(top[i].error));
      builder.column_at(c).append_int(static_cast<std::int64_t>(i + 1));
    }
    out.emit(0, builder.finish());
  }

  const key_fields keys_;
  const std::size_t k_;
  const std::uint64_t every_; ///< 0: only at end of stream
  const core::schema_ptr output_;
  aggregate::sketch::space_saving sketch_;
  std::uint64_t since_emit_ = 0; ///< records since the last emission
  std::string scratch_;          ///< the current record's key bytes
};

/// `key` as given: one field name or a non-empty list of them.
std::vector<std::string> key_names(const nlohmann::json& v) {
  if (v.is_string()) return {v.get<std::string>()};
  if (v.is_array() && !v.empty()) {
    std::vector<std::string> names;
    for (const auto& e : v) {
      if (!e.is_string())
        throw core::param_error("key", "key must list field names, got " + e.dump());
      names.push_back(e.get<std::string>());
    }
    return names;
  }
  throw core::param_error("key", "key must be a field name or a non-empty list of field names, got "
                                   + v.dump());
}

} // namespace

core::descriptor heavy_hitters_descriptor() {
  using core::param_type;
  core::descriptor d;
  d.kind = "synopsis.heavy_hitters";
  d.category = "synopsis";
  d.summary = "The k most frequent keys with their counts (space-saving), in bounded memory";
  d.inputs = {{"in", "records, any schema"}};
  d.outputs = {{"out", "per top key: the key fields, count, error, rank"}};
  d.properties = {
    prop("key", param_type::json, "the field, or list of fields, whose values are counted")
      .required()
      .shapes_state(),
    prop("k", param_type::integer, "how many of the most frequent keys to report")
      .def(10)
      .min(1)
      .max(100000)
      .shapes_state(),
    prop("counters", param_type::integer,
         "space-saving counters (memory, in keys); counts overestimate by at most "
         "records / counters; absent: max(10 k, 100)")
      .min(1)
      .max(10000000)
      .shapes_state(),
    prop("every", param_type::integer,
         "also emit the current top k after every this many records; absent: only at end of stream")
      .min(1)
      .shapes_state(),
  };
  d.bind = [](const core::params& p, const core::bind_context& ctx) -> core::bound_ptr {
    const auto& input = input_schema(ctx, 0, "in");
    key_fields keys(key_names(p.json("key")), *input, "key");
    const auto k = static_cast<std::size_t>(p.integer("k"));
    const std::size_t counters = p.has("counters")
                                   ? static_cast<std::size_t>(p.integer("counters"))
                                   : aggregate::sketch::space_saving::counters_for_top(k);
    if (counters < k)
      throw core::param_error("counters", "counters (" + std::to_string(counters)
                                            + ") must be at least k (" + std::to_string(k) + ")");
    const std::uint64_t every = p.has("every") ? static_cast<std::uint64_t>(p.integer("every")) : 0;
    std::vector<core::field> out = keys.fields();
    out.push_back({"count", core::value_type::int64});
    out.push_back({"error", core::value_type::int64});
    out.push_back({"rank", core::value_type::int64});
    check_unique_names(out, "key");
    auto output = core::make_schema(std::move(out));
    return bound({output}, [keys = std::move(keys), k, counters, every,
                            output](const core::operator_context&) {
      return std::make_unique<heavy_hitters>(keys, k, counters, every, output);
    });
  };
  return d;
}

} // namespace sluice::ops::synopsis
