// `join.interval`: joins a left and a right record when their `on` keys are
// equal and |left time - right time| <= `within`; a pair is emitted as soon
// as its second record arrives. With progress p (event time over both
// inputs), a record below p is late (counted); held records below
// p - within can match nothing more and are dropped, a time slice of
// max(within, 1ms) at a time.

#include <algorithm>
#include <map>
#include <string>

#include "sluice/core/params.hpp"
#include "sluice/core/state.hpp"
#include "sluice/ops/descriptor_util.hpp"
#include "sluice/ops/join/join_operator.hpp"
#include "sluice/ops/join/row_store.hpp"

namespace sluice::ops::join {

namespace {

constexpr core::duration_us min_slice = 1000; // 1 ms

core::timestamp floor_div(core::timestamp t, core::duration_us d) {
  core::timestamp q = t / d;
  if (t % d != 0 && t < 0) --q;
  return q;
}

core::timestamp sub_sat(core::timestamp t, core::duration_us d) {
  return t < core::min_timestamp + d ? core::min_timestamp : t - d;
}

core::timestamp add_sat(core::timestamp t, core::duration_us d) {
  return t > core::max_timestamp - d ? core::max_timestamp : t + d;
}

class interval_join_op final : public join_operator {
public:
  interval_join_op(join_spec spec, const core::operator_context& ctx, core::duration_us within)
    : join_operator(std::move(spec), ctx), within_(within), slice_(std::max(within, min_slice)) {}

  std::size_t state_rows() const override {
    std::size_t n = 0;
    for (const auto& side : slices_)
      for (const auto& [index, rows] : side) n += rows.rows();
    return n;
  }

protected:
  // Held records below p - within are dropped, so a record below p could
  // miss partners: it is late.
  core::timestamp late_before(core::timestamp p) const override { return p; }

  // A pair still to come holds a record at >= p and one within `within` of it.
  core::timestamp output_watermark(core::timestamp p) const override { return sub_sat(p, within_); }

  void on_record(std::size_t side, const core::batch& b, std::size_t row, core::timestamp t,
                 std::uint64_t hash, bool null_key, core::emitter& out) override {
    if (null_key) return; // never matches: not kept
    const core::timestamp lo = sub_sat(t, within_), hi = add_sat(t, within_);
    auto& other = slices_[1 - side];
    const auto last = floor_div(hi, slice_);
    for (auto it = other.lower_bound(floor_div(lo, slice_)); it != other.end() && it->first <= last;
         ++it) {
      const row_store& rows = it->second;
      rows.for_each_with_hash(hash, [&](std::uint32_t r) {
        if (rows.ts(r) < lo || rows.ts(r) > hi) return;
        if (!keys_equal(b, keys(side), row, rows, keys(1 - side), r)) return;
        if (side == 0) output().add(b, row, rows, r, out);
        else output().add(rows, r, b, row, out);
      });
    }
    const auto index = floor_div(t, slice_);
    auto& mine = slices_[side];
    auto it = mine.find(index);
    if (it == mine.end())
      it = mine.emplace(index, row_store(side == 0 ? *spec().left : *spec().right)).first;
    it->second.append(b, row, t, hash, true);
  }

  // Slice k holds [k * slice, (k + 1) * slice): it goes once all of it lies
  // below p - within.
  void on_progress(core::timestamp p, core::emitter&) override {
    const bool all = p == core::max_timestamp;
    const auto keep_from = all ? 0 : floor_div(sub_sat(p, within_), slice_);
    for (auto& side : slices_)
      while (!side.empty() && (all || side.begin()->first < keep_from)) side.erase(side.begin());
  }

  // Per side, the slices in index order.
  void write_rows(core::state_writer& w) const override {
    for (const auto& side : slices_) {
      w.count(side.size());
      for (const auto& [index, rows] : side) {
        w.i64(index);
        rows.snapshot(w);
      }
    }
  }

  void read_rows(core::state_reader& r) override {
    for (std::size_t side = 0; side < 2; ++side) {
      slices_[side].clear();
      const core::schema& schema = side == 0 ? *spec().left : *spec().right;
      for (auto n = r.count(); n > 0; --n) {
        const core::timestamp index = r.i64();
        auto [it, fresh] = slices_[side].try_emplace(index, schema);
        if (!fresh)
          throw core::state_error("join state: time slice " + std::to_string(index) + " twice");
        it->second.restore(r, keys(side), ts_column(side));
      }
    }
  }

private:
  const core::duration_us within_;
  const core::duration_us slice_;
  std::map<core::timestamp, row_store> slices_[2]; ///< per side, by slice index
};

} // namespace

core::descriptor interval_join_descriptor() {
  using core::param_type;
  core::descriptor d;
  d.kind = "join.interval";
  d.category = "join";
  d.summary = "Joins two inputs on equal keys when their event times are at most `within` apart";
  d.inputs = join_inputs();
  d.outputs = {{"out", "the left fields, then the right fields; names on both sides get "
                       "left_/right_ prefixes"}};
  d.properties = join_properties();
  d.properties.insert(d.properties.begin() + 1,
                      prop("within", param_type::duration,
                           "largest difference between the two event times of a matching pair "
                           "(\"0s\" = equal times)")
                        .required()
                        .shapes_state());
  d.bind = [](const core::params& p, const core::bind_context& ctx) -> core::bound_ptr {
    auto spec = make_join_spec(p, ctx);
    auto output = spec.output;
    return bound({output}, [spec = std::move(spec),
                            within = p.duration("within")](const core::operator_context& c) {
      return std::make_unique<interval_join_op>(spec, c, within);
    });
  };
  return d;
}

} // namespace sluice::ops::join
