// `join.window`: joins a left and a right input on equal `on` keys when both
// records fall in the same tumbling event-time window of `size`, aligned to
// the epoch. A pair is emitted as soon as its second record arrives; with
// `type` "left", a left record that found no match is emitted with null
// right fields once its window completes. A window's state is dropped when
// event-time progress over both inputs reaches its end; a record whose
// window was already complete on arrival is counted late.

#include <map>
#include <string>

#include "sluice/core/params.hpp"
#include "sluice/core/state.hpp"
#include "sluice/ops/descriptor_util.hpp"
#include "sluice/ops/join/join_operator.hpp"
#include "sluice/ops/join/row_store.hpp"

namespace sluice::ops::join {

namespace {

/// Start of the epoch-aligned window of `size` holding `t` (floor, also
/// before 1970).
core::timestamp align_down(core::timestamp t, core::duration_us size) {
  core::timestamp q = t / size;
  if (t % size != 0 && t < 0) --q;
  return q * size;
}

class window_join_op final : public join_operator {
public:
  window_join_op(join_spec spec, const core::operator_context& ctx, core::duration_us size,
                 bool left_outer)
    : join_operator(std::move(spec), ctx), size_(size), left_outer_(left_outer) {}

  std::size_t state_rows() const override {
    std::size_t n = 0;
    for (const auto& [start, w] : windows_) n += w.sides[0].rows() + w.sides[1].rows();
    return n;
  }

protected:
  // A window [s, s + size) is complete once progress >= its end, which for
  // a record's window means t < align_down(progress).
  core::timestamp late_before(core::timestamp p) const override { return align_down(p, size_); }

  // Every pair still to come lies in a window that is not complete.
  core::timestamp output_watermark(core::timestamp p) const override {
    return align_down(p, size_);
  }

  void on_record(std::size_t side, const core::batch& b, std::size_t row, core::timestamp t,
                 std::uint64_t hash, bool null_key, core::emitter& out) override {
    const core::timestamp start = align_down(t, size_);
    auto it = windows_.find(start);
    if (it == windows_.end())
      it = windows_.emplace(start, window_state(*spec().left, *spec().right)).first;
    window_state& w = it->second;
    row_store& mine = w.sides[side];
    row_store& other = w.sides[1 - side];

    bool matched = false;
    if (!null_key) {
      other.for_each_with_hash(hash, [&](std::uint32_t r) {
        if (!keys_equal(b, keys(side), row, other, keys(1 - side), r)) return;
        matched = true;
        if (side == 0) {
          output().add(b, row, other, r, out);
        } else {
          output().add(other, r, b, row, out);
          other.mark_matched(r);
        }
      });
    }
    // Only what can still produce output is kept: a null-key record only on
    // the left of a left join (emitted unmatched when the window completes).
    const bool keep = !null_key || (side == 0 && left_outer_);
    if (!keep) return;
    auto r = mine.append(b, row, t, hash, !null_key);
    if (matched) mine.mark_matched(r);
  }

  void on_progress(core::timestamp p, core::emitter& out) override {
    while (!windows_.empty()) {
      auto first = windows_.begin();
      // [s, s + size) is complete once s + size <= p, i.e. s < align_down(p).
      if (p != core::max_timestamp && first->first >= align_down(p, size_)) break;
      if (left_outer_) {
        const row_store& left = first->second.sides[0];
        for (std::uint32_t r = 0; r < left.rows(); ++r)
          if (!left.matched(r)) output().add_left_only(left, r, out);
      }
      windows_.erase(first);
    }
  }

  // Per window, in start order: both sides' rows, the left's matched flags
  // included (a left join emits the unmatched ones at the window's end).
  void write_rows(core::state_writer& w) const override {
    w.count(windows_.size());
    for (const auto& [start, win] : windows_) {
      w.i64(start);
      for (const auto& side : win.sides) side.snapshot(w);
    }
  }

  void read_rows(core::state_reader& r) override {
    windows_.clear();
    for (auto n = r.count(); n > 0; --n) {
      const core::timestamp start = r.i64();
      auto [it, fresh] = windows_.try_emplace(start, *spec().left, *spec().right);
      if (!fresh) throw core::state_error("join state: window " + std::to_string(start) + " twice");
      for (std::size_t side = 0; side < 2; ++side)
        it->second.sides[side].restore(r, keys(side), ts_column(side));
    }
  }

private:
  struct window_state {
    window_state(const core::schema& l, const core::schema& r)
      : sides{row_store(l), row_store(r)} {}
    row_store sides[2];
  };

  const core::duration_us size_;
  const bool left_outer_;
  std::map<core::timestamp, window_state> windows_; ///< by window start
};

} // namespace

core::descriptor window_join_descriptor() {
  using core::param_type;
  core::descriptor d;
  d.kind = "join.window";
  d.category = "join";
  d.summary = "Joins two inputs on equal keys within the same tumbling event-time window";
  d.inputs = join_inputs();
  d.outputs = {{"out", "the left fields, then the right fields; names on both sides get "
                       "left_/right_ prefixes"}};
  d.properties = join_properties();
  d.properties.insert(
    d.properties.begin() + 1,
    prop("size", param_type::duration, "tumbling window length, windows aligned to the epoch")
      .required()
      .shapes_state());
  d.properties.push_back(prop("type", param_type::choice,
                              "inner: matched pairs only; left: also each unmatched left record, "
                              "with null right fields, when its window completes")
                           .def("inner")
                           .choices({"inner", "left"})
                           .shapes_state());
  d.bind = [](const core::params& p, const core::bind_context& ctx) -> core::bound_ptr {
    auto size = p.duration("size");
    if (size <= 0) throw core::param_error("size", "must be longer than zero");
    auto spec = make_join_spec(p, ctx);
    auto output = spec.output;
    return bound({output}, [spec = std::move(spec), size,
                            left = p.string("type") == "left"](const core::operator_context& c) {
      return std::make_unique<window_join_op>(spec, c, size, left);
    });
  };
  return d;
}

} // namespace sluice::ops::join
