#include "sluice/ops/window/time_window.hpp"

#include "sluice/ops/window/group_table.hpp"
#include "sluice/ops/window/pane_groups.hpp"
#include "sluice/ops/window/pane_windows.hpp"

namespace sluice::ops::window {

namespace {

using core::timestamp;
constexpr std::uint32_t none = UINT32_MAX;

// A slot number read from a snapshot, checked against the slots handed out.
std::uint32_t read_slot(core::state_reader& r, const group_states& states) {
  const std::uint64_t slot = r.u64();
  if (slot >= states.slots()) throw core::state_error("a group whose slot was never handed out");
  return static_cast<std::uint32_t>(slot);
}

// --- tumbling: a pane is a window; it holds its own keys -------------------

struct local_pane {
  explicit local_pane(const std::vector<core::value_type>& key_types) : groups(key_types) {}
  group_table<std::uint32_t> groups; ///< key -> slot; keys stored column-wise
  void clear() { groups.clear(); }
};

class tumbling_time_window final : public pane_windows<tumbling_time_window, local_pane> {
  using base = pane_windows<tumbling_time_window, local_pane>;
  friend base;

public:
  using base::base;

private:
  std::unique_ptr<local_pane> make_pane() { return std::make_unique<local_pane>(cfg_->key_types); }

  std::uint32_t slot_for(local_pane& pn, std::uint32_t row, std::uint64_t h) {
    bool added = false;
    std::uint32_t id = pn.groups.find_or_add(keys_.data(), row, h, added);
    if (added) pn.groups.payload(id) = states_.allocate();
    return pn.groups.payload(id);
  }

  // One pane: its key columns are the output's, copied in bulk.
  void emit_window(std::int64_t n, base::iterator first, base::iterator) {
    const auto& g = first->second->groups;
    for (std::size_t begin = 0, count = g.ids(); begin < count;) {
      const std::size_t end = begin + std::min(count - begin, writer_.room());
      writer_.append_keys(g.key_columns(), begin, end);
      writer_.append_bounds(window_start(n), window_end(n), end - begin);
      writer_.append_results(states_, g.payloads().data() + begin, end - begin);
      begin = end;
    }
  }

  void emit_correction(std::int64_t n, std::uint32_t row, std::uint32_t slot) {
    writer_.append_key(keys_.data(), row);
    writer_.append_bounds(window_start(n), window_end(n), 1);
    writer_.append_results(states_, &slot, 1);
  }

  void release_pane(local_pane& pn) {
    const auto& slots = pn.groups.payloads();
    states_.release(slots.data(), slots.size());
    pn.clear();
  }

  void after_due() {}

  void snapshot_pane(core::state_writer& w, const local_pane& pn) const {
    pn.groups.snapshot(w, [](core::state_writer& out, std::uint32_t slot) { out.u64(slot); });
  }
  void restore_pane(core::state_reader& r, local_pane& pn) {
    pn.groups.restore(
      r, [this](core::state_reader& in, std::uint32_t& slot) { slot = read_slot(in, states_); });
  }
};

// --- sliding: panes share one key dictionary, so merging the panes of a
// window is indexing by key id, not hashing keys again ----------------------

struct shared_pane {
  pane_groups groups; ///< key id -> slot
  void clear() { groups.clear(); }
};

class sliding_time_window final : public pane_windows<sliding_time_window, shared_pane> {
  using base = pane_windows<sliding_time_window, shared_pane>;
  friend base;

public:
  sliding_time_window(window_config_ptr cfg, const core::operator_context& ctx)
    : base(std::move(cfg), ctx), dict_(cfg_->key_types) {}

private:
  std::unique_ptr<shared_pane> make_pane() { return std::make_unique<shared_pane>(); }

  std::uint32_t slot_for(shared_pane& pn, std::uint32_t row, std::uint64_t h) {
    bool added = false;
    last_key_ = dict_.find_or_add(keys_.data(), row, h, added); // payload: panes holding it
    std::uint32_t slot = pn.groups.slot_of(
      last_key_, [this] { return states_.allocate(); }, added);
    if (added && dict_.payload(last_key_)++ == 0) ++referenced_;
    return slot;
  }

  // Keys come out in the order the window first saw them; a key in one pane
  // uses that pane's slot, a key in several gets a fresh slot merging them
  // in pane order.
  void emit_window(std::int64_t n, base::iterator first, base::iterator end) {
    mark_.resize(dict_.ids(), 0);
    out_keys_.clear();
    out_slots_.clear();
    merged_.clear();
    merge_to_.clear();
    merge_from_.clear();
    for (auto it = first; it != end; ++it) {
      const auto& g = it->second->groups;
      for (std::uint32_t i = 0; i < g.size(); ++i) {
        const std::uint32_t k = g.keys()[i], s = g.slots()[i];
        std::uint32_t& m = mark_[k]; // 1 + position in out_keys_, or 0
        if (m == 0) {
          out_keys_.push_back(k);
          out_slots_.push_back(s);
          merged_.push_back(0);
          m = static_cast<std::uint32_t>(out_keys_.size());
          continue;
        }
        const std::uint32_t pos = m - 1;
        if (!merged_[pos]) {
          const std::uint32_t fresh = states_.allocate();
          merge_to_.push_back(fresh);
          merge_from_.push_back(out_slots_[pos]);
          out_slots_[pos] = fresh;
          merged_[pos] = 1;
        }
        merge_to_.push_back(out_slots_[pos]);
        merge_from_.push_back(s);
      }
    }
    states_.merge(merge_to_.data(), merge_from_.data(), merge_to_.size());
    write(out_keys_.data(), out_slots_.data(), out_keys_.size(), n);
    for (std::size_t pos = 0; pos < out_keys_.size(); ++pos) {
      mark_[out_keys_[pos]] = 0;
      if (merged_[pos]) states_.release(out_slots_[pos]);
    }
  }

  // The key is the one slot_for just looked up.
  void emit_correction(std::int64_t n, std::uint32_t, std::uint32_t) {
    std::uint32_t merged = none, single = none;
    for (auto it = panes_.lower_bound(first_pane(n));
         it != panes_.end() && it->first <= last_pane(n); ++it) {
      std::uint32_t slot = it->second->groups.find(last_key_);
      if (slot == none) continue;
      if (single == none) {
        single = slot;
        continue;
      }
      if (merged == none) {
        merged = states_.allocate();
        states_.merge(merged, single);
      }
      states_.merge(merged, slot);
    }
    const std::uint32_t result = merged == none ? single : merged;
    write(&last_key_, &result, 1, n);
    if (merged != none) states_.release(merged);
  }

  void write(const std::uint32_t* keys, const std::uint32_t* slots, std::size_t count,
             std::int64_t n) {
    for (std::size_t begin = 0; begin < count;) {
      const std::size_t len = std::min(count - begin, writer_.room());
      writer_.append_key_rows(dict_.key_columns(), keys + begin, len);
      writer_.append_bounds(window_start(n), window_end(n), len);
      writer_.append_results(states_, slots + begin, len);
      begin += len;
    }
  }

  void release_pane(shared_pane& pn) {
    const auto& g = pn.groups;
    for (std::uint32_t k : g.keys())
      if (--dict_.payload(k) == 0) --referenced_;
    states_.release(g.slots().data(), g.size());
    pn.clear();
  }

  // The dictionary keeps keys no pane holds, for reuse, until they
  // outnumber the held ones by 64 Ki: then it drops them and renumbers.
  // Amortised O(1) per key; memory stays within 2 × held keys + 64 Ki.
  void after_due() {
    if (dict_.ids() <= 2 * referenced_ + 65536) return;
    for (std::uint32_t k = 0; k < dict_.ids(); ++k)
      if (dict_.live(k) && dict_.payload(k) == 0) dict_.erase(k);
    auto new_id = dict_.compact();
    for (auto& entry : panes_) entry.second->groups.remap(new_id);
    mark_.assign(dict_.ids(), 0);
  }

  // The dictionary (its ids, holes included, are what panes hold), then
  // the panes. last_key_ and the merge vectors are scratch.
  void snapshot_windows(core::state_writer& w) const override {
    dict_.snapshot(w, [](core::state_writer& out, std::uint32_t panes) { out.u64(panes); });
    base::snapshot_windows(w);
  }
  void restore_windows(core::state_reader& r) override {
    referenced_ = 0;
    dict_.restore(r, [this](core::state_reader& in, std::uint32_t& panes) {
      panes = static_cast<std::uint32_t>(in.u64());
      if (panes > 0) ++referenced_;
    });
    base::restore_windows(r);
  }

  void snapshot_pane(core::state_writer& w, const shared_pane& pn) const { pn.groups.snapshot(w); }
  void restore_pane(core::state_reader& r, shared_pane& pn) {
    pn.groups.restore(r);
    for (std::uint32_t i = 0; i < pn.groups.size(); ++i) {
      const std::uint32_t k = pn.groups.keys()[i];
      if (k >= dict_.ids() || !dict_.live(k) || pn.groups.slots()[i] >= states_.slots())
        throw core::state_error("a pane group whose key or slot is unknown");
    }
  }

  /// Every key some pane holds (and recent ones none does); payload: how
  /// many panes hold it.
  group_table<std::uint32_t> dict_;
  std::size_t referenced_ = 0; ///< keys held by a pane
  std::uint32_t last_key_ = 0; ///< key id of the record slot_for saw last
  // Scratch for merging a window's panes.
  std::vector<std::uint32_t> mark_, out_keys_, out_slots_, merge_to_, merge_from_;
  std::vector<std::uint8_t> merged_;
};

} // namespace

std::unique_ptr<window_operator> make_time_window(window_config_ptr cfg,
                                                  const core::operator_context& ctx) {
  if (cfg->slide == cfg->size) return std::make_unique<tumbling_time_window>(std::move(cfg), ctx);
  return std::make_unique<sliding_time_window>(std::move(cfg), ctx);
}

} // namespace sluice::ops::window
