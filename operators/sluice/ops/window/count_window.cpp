#include "sluice/ops/window/count_window.hpp"

#include <algorithm>

#include "sluice/ops/window/group_table.hpp"

namespace sluice::ops::window {

namespace {

using core::timestamp;

struct open_window {
  std::uint32_t slot = 0;
  std::int64_t records = 0;
  timestamp first = 0, last = 0; ///< min and max time of its records
};

struct key_windows {
  std::int64_t seen = 0;         ///< records of this key so far (mod slide)
  std::vector<open_window> open; ///< oldest first
};

class count_window final : public window_operator {
public:
  count_window(window_config_ptr cfg, const core::operator_context& ctx)
    : window_operator(std::move(cfg), ctx), size_(cfg_->size), slide_(cfg_->slide),
      states_(*cfg_->aggregates), keys_table_(cfg_->key_types) {}

  std::size_t open_windows() const override { return open_count_; }
  std::size_t open_groups() const override { return states_.live(); }

protected:
  void process(const core::batch& b, std::size_t) override {
    core::key_columns(b, cfg_->key_fields, key_cols_);
    const std::uint64_t* h = hashes();
    bool added = false;
    for (std::size_t r = 0; r < b.rows(); ++r) {
      const auto row = static_cast<std::uint32_t>(r);
      const timestamp t = time_at(r);
      const std::uint32_t id = keys_table_.find_or_add(key_cols_.data(), r, h[r], added);
      key_windows& k = keys_table_.payload(id);
      if (k.seen == 0) {
        k.open.push_back({states_.allocate(), 0, t, t});
        ++open_count_;
      }
      for (auto& w : k.open) {
        states_.defer(row, w.slot);
        ++w.records;
        w.first = std::min(w.first, t);
        w.last = std::max(w.last, t);
      }
      if (++k.seen == slide_) k.seen = 0;
      if (k.open.front().records == size_) {
        states_.apply(b);
        emit(id, k.open.front());
        k.open.erase(k.open.begin());
        if (k.open.empty() && k.seen == 0) keys_table_.erase(id);
      }
    }
    states_.apply(b);
    if (keys_table_.sparse()) keys_table_.compact();
  }

  void on_progress() override {}

  // End of stream: every open window is emitted as it is, by key (first
  // seen first), oldest window first.
  void finish() override {
    for (std::uint32_t id = 0; id < keys_table_.ids(); ++id) {
      if (!keys_table_.live(id)) continue;
      for (const auto& w : keys_table_.payload(id).open) emit(id, w);
    }
    keys_table_.clear();
  }

  // The aggregate states, then per key its place in the slide and its
  // open windows.
  void snapshot_windows(core::state_writer& w) const override {
    states_.snapshot(w);
    keys_table_.snapshot(w, [](core::state_writer& out, const key_windows& k) {
      out.i64(k.seen);
      out.count(k.open.size());
      for (const auto& o : k.open) {
        out.u64(o.slot);
        out.i64(o.records);
        out.i64(o.first);
        out.i64(o.last);
      }
    });
  }

  // Checks what process() relies on: a key between two window starts has a
  // window open, every open window holds 1..size-1 records, the windows are
  // a slide apart (so the oldest closes before the newest runs out), and no
  // two windows share a slot.
  void restore_windows(core::state_reader& r) override {
    states_.restore(r);
    open_count_ = 0;
    std::vector<bool> used(states_.slots(), false);
    const auto most_open = static_cast<std::size_t>((size_ + slide_ - 1) / slide_);
    keys_table_.restore(r, [&](core::state_reader& in, key_windows& k) {
      k.seen = in.i64();
      if (k.seen < 0 || k.seen >= slide_)
        throw core::state_error("a count window key at " + std::to_string(k.seen)
                                + " records into a slide of " + std::to_string(slide_));
      k.open.resize(in.count(most_open));
      if (k.open.empty() && k.seen != 0)
        throw core::state_error("a count window key inside a slide with no window open");
      for (auto& o : k.open) {
        const std::uint64_t slot = in.u64();
        if (slot >= states_.slots() || used[slot])
          throw core::state_error("a count window with no slot of its own");
        used[slot] = true;
        o.slot = static_cast<std::uint32_t>(slot);
        o.records = in.i64();
        if (o.records < 1 || o.records >= size_)
          throw core::state_error("an open count window of " + std::to_string(o.records)
                                  + " records (size " + std::to_string(size_) + ")");
        o.first = in.i64();
        o.last = in.i64();
      }
      // A window opens every slide records, so the open ones, oldest
      // first, hold exactly a slide more than the next; the newest opened
      // `seen` records ago (a whole slide when seen is 0).
      for (std::size_t i = 1; i < k.open.size(); ++i)
        if (k.open[i - 1].records != k.open[i].records + slide_)
          throw core::state_error("open count windows that are not a slide apart");
      if (!k.open.empty() && k.open.back().records != (k.seen != 0 ? k.seen : slide_))
        throw core::state_error("a newest count window that did not open at the last slide");
      open_count_ += k.open.size();
    });
  }

private:
  void emit(std::uint32_t id, const open_window& w) {
    writer_.append_key(keys_table_.key_columns(), id);
    writer_.append_bounds(w.first, w.last + 1, 1);
    writer_.append_results(states_, &w.slot, 1);
    states_.release(w.slot);
    --open_count_;
  }

  const std::int64_t size_, slide_;
  group_states states_;
  group_table<key_windows> keys_table_;
  std::vector<const core::column*> key_cols_;
  std::size_t open_count_ = 0;
};

} // namespace

std::unique_ptr<window_operator> make_count_window(window_config_ptr cfg,
                                                   const core::operator_context& ctx) {
  return std::make_unique<count_window>(std::move(cfg), ctx);
}

} // namespace sluice::ops::window
