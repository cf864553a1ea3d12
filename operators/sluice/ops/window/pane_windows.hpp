#pragma once

#include <algorithm>
#include <cstdint>
#include <map>
#include <memory>
#include <numeric>
#include <vector>

#include "sluice/core/key_hashing.hpp"
#include "sluice/ops/window/group_states.hpp"
#include "sluice/ops/window/time_math.hpp"
#include "sluice/ops/window/window_operator.hpp"

namespace sluice::ops::window {

/// The scheduling shared by tumbling and sliding time windows: records go
/// into panes of width gcd(size, slide); window n = [n × slide, n × slide +
/// size) is made of size / width consecutive panes. Decides per record
/// whether it is late, lands in a pane of incomplete windows (the in-order
/// fast path), or in one of complete windows still held (corrections);
/// emits windows as progress completes them and frees panes at end of last
/// window + allowed_lateness.
///
/// `Derived` keeps the groups of a `Pane` and provides (CRTP):
///   std::unique_ptr<Pane> make_pane();
///   std::uint32_t slot_for(Pane&, std::uint32_t row, std::uint64_t hash);
///   void emit_window(std::int64_t n, iterator first, iterator end);
///   void emit_correction(std::int64_t n, std::uint32_t row, std::uint32_t slot);
///   void release_pane(Pane&);   // frees its slots, then it is reused
///   void after_due();           // housekeeping after panes were freed
///   void snapshot_pane(core::state_writer&, const Pane&) const;
///   void restore_pane(core::state_reader&, Pane&);  // into a pane from make_pane
template <class Derived, class Pane>
class pane_windows : public window_operator {
public:
  using pane_map = std::map<std::int64_t, std::unique_ptr<Pane>>;
  using iterator = typename pane_map::iterator;

  pane_windows(window_config_ptr cfg, const core::operator_context& ctx)
    : window_operator(std::move(cfg), ctx), size_(cfg_->size), slide_(cfg_->slide),
      width_(std::gcd(size_, slide_)), lateness_(cfg_->allowed_lateness),
      states_(*cfg_->aggregates) {}

  std::size_t open_windows() const override { return panes_.size(); }
  std::size_t open_groups() const override { return states_.live(); }

protected:
  void process(const core::batch& b, std::size_t channel) override {
    core::key_columns(b, cfg_->key_fields, keys_);
    const std::uint64_t* h = hashes();
    const bool event = event_time();
    for (std::size_t r = 0; r < b.rows(); ++r) {
      const core::timestamp t = time_at(r);
      const auto row = static_cast<std::uint32_t>(r);
      if (t >= cached_lo_ && t < cached_hi_) // a pane of incomplete windows
        states_.defer(row, self().slot_for(*cached_, row, h[r]));
      else place(b, row, t);
      if (event && observe(channel, t) && progress() >= due_) {
        states_.apply(b);
        handle_due();
      }
    }
    states_.apply(b);
  }

  void on_progress() override { handle_due(); }

  core::timestamp next_due() const override { return panes_.empty() ? core::max_timestamp : due_; }

  // The aggregate states, what is emitted and when to look again, then each
  // pane by number. The cached pane is not state: a record place() sees
  // instead lands in the same pane and slot, and handle_due drops it anyway.
  void snapshot_windows(core::state_writer& w) const override {
    states_.snapshot(w);
    w.boolean(emit_known_);
    w.i64(emit_n_);
    w.i64(due_);
    w.count(panes_.size());
    for (const auto& [p, pane] : panes_) {
      w.i64(p);
      self().snapshot_pane(w, *pane);
    }
  }

  // Pane and window numbers are checked against what a timestamp can give,
  // so the arithmetic on them (p * width - size, n * slide + size) fits.
  void restore_windows(core::state_reader& r) override {
    states_.restore(r);
    emit_known_ = r.boolean();
    emit_n_ = r.i64();
    const std::int64_t most_windows = INT64_MAX / slide_ - size_ / slide_ - 2;
    if (emit_n_ > most_windows || emit_n_ < -most_windows)
      throw core::state_error("a window number out of the range of time");
    due_ = r.i64();
    panes_.clear();
    cached_ = nullptr;
    cached_lo_ = cached_hi_ = 0;
    const std::int64_t most_panes = INT64_MAX / width_ - size_ / width_ - 2;
    for (std::size_t n = r.count(); n > 0; --n) {
      const std::int64_t p = r.i64();
      if (p > most_panes || p < -most_panes)
        throw core::state_error("a window pane number out of the range of time");
      auto pane = self().make_pane();
      self().restore_pane(r, *pane);
      if (!panes_.emplace(p, std::move(pane)).second)
        throw core::state_error("a window pane written twice");
    }
  }

  core::timestamp window_start(std::int64_t n) const { return n * slide_; }
  core::timestamp window_end(std::int64_t n) const { return n * slide_ + size_; }
  std::int64_t first_pane(std::int64_t n) const { return n * slide_ / width_; }
  std::int64_t last_pane(std::int64_t n) const { return first_pane(n) + size_ / width_ - 1; }

  const std::int64_t size_, slide_, width_;
  const core::duration_us lateness_;
  group_states states_;
  pane_map panes_;
  std::vector<const core::column*> keys_; ///< key columns of the current batch

private:
  Derived& self() { return static_cast<Derived&>(*this); }
  const Derived& self() const { return static_cast<const Derived&>(*this); }

  std::int64_t last_window_of(std::int64_t p) const { return floor_div(p * width_, slide_); }
  std::int64_t first_window_of(std::int64_t p) const {
    return floor_div(p * width_ - size_, slide_) + 1;
  }
  core::timestamp free_time(std::int64_t p) const {
    return saturating_add(window_end(last_window_of(p)), lateness_);
  }

  // A record outside the cached pane: late, into a pane of complete windows
  // (a correction per such window still held), or into a pane of
  // incomplete ones (which becomes the cached pane).
  void place(const core::batch& b, std::uint32_t row, core::timestamp t) {
    const std::int64_t p = floor_div(t, width_);
    const core::timestamp now = progress();
    if (now != core::min_timestamp && free_time(p) <= now) {
      late(row);
      return;
    }
    auto it = panes_.find(p);
    if (it == panes_.end()) {
      std::unique_ptr<Pane> pn;
      if (spare_.empty()) {
        pn = self().make_pane();
      } else {
        pn = std::move(spare_.back());
        spare_.pop_back();
      }
      it = panes_.emplace(p, std::move(pn)).first;
    }
    Pane& pn = *it->second;
    const std::uint32_t slot = self().slot_for(pn, row, hashes()[row]);
    const std::int64_t lo = first_window_of(p);
    if (!emit_known_ || lo >= emit_n_) {
      cached_ = &pn;
      cached_lo_ = p * width_;
      cached_hi_ = cached_lo_ + width_;
      states_.defer(row, slot);
      return;
    }
    states_.add_now(b, row, slot);
    for (std::int64_t n = lo; n < emit_n_ && n <= last_window_of(p); ++n)
      if (saturating_add(window_end(n), lateness_) > now) self().emit_correction(n, row, slot);
    due_ = std::min(due_, free_time(p));
  }

  // Emits the windows progress has completed, frees the panes no window can
  // change any more, and sets when to look again.
  void handle_due() {
    cached_ = nullptr;
    cached_lo_ = cached_hi_ = 0;
    const core::timestamp now = progress();
    if (now == core::min_timestamp) return;
    const bool all = now == core::max_timestamp;
    // The first window not complete at `now`.
    const std::int64_t target = all ? core::max_timestamp : floor_div(now - size_, slide_) + 1;
    if (!emit_known_) {
      if (panes_.empty() && all) return;
      emit_known_ = true;
      emit_n_ = panes_.empty() ? target : std::min(target, first_window_of(panes_.begin()->first));
    }
    while (emit_n_ < target) {
      auto it = panes_.lower_bound(first_pane(emit_n_));
      if (it == panes_.end()) break;
      std::int64_t n = std::max(emit_n_, first_window_of(it->first));
      if (n >= target) break;
      self().emit_window(n, panes_.lower_bound(first_pane(n)), panes_.upper_bound(last_pane(n)));
      emit_n_ = n + 1;
    }
    if (!all) emit_n_ = std::max(emit_n_, target);
    while (!panes_.empty() && (all || free_time(panes_.begin()->first) <= now)) {
      self().release_pane(*panes_.begin()->second);
      if (spare_.size() < 4) spare_.push_back(std::move(panes_.begin()->second));
      panes_.erase(panes_.begin());
    }
    due_ = all ? core::max_timestamp : window_end(emit_n_);
    if (!panes_.empty()) due_ = std::min(due_, free_time(panes_.begin()->first));
    self().after_due();
  }

  std::vector<std::unique_ptr<Pane>> spare_; ///< freed panes kept for reuse
  // Windows n < emit_n_ are complete (end <= progress); known once progress
  // has left min_timestamp.
  bool emit_known_ = false;
  std::int64_t emit_n_ = 0;
  core::timestamp due_ = core::min_timestamp + 1; ///< progress at which handle_due runs
  // The pane the last in-order record went to: [cached_lo_, cached_hi_).
  Pane* cached_ = nullptr;
  core::timestamp cached_lo_ = 0, cached_hi_ = 0;
};

} // namespace sluice::ops::window
