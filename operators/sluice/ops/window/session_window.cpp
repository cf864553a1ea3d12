#include "sluice/ops/window/session_window.hpp"

#include <algorithm>
#include <queue>

#include "sluice/ops/window/group_table.hpp"
#include "sluice/ops/window/time_math.hpp"

namespace sluice::ops {

namespace {

using core::timestamp;

/// A session, indexed by its slot in group_states.
struct session {
  timestamp start = 0, end = 0; ///< [first ts, last ts + gap)
  std::uint32_t key = 0;        ///< id in the key table
  bool alive = false;
  bool emitted = false;                   ///< its current result is out
  std::uint32_t gen = 0;                  ///< bumped to void its queued entry
  timestamp queued = core::max_timestamp; ///< time of its entry in due_, or max
};

/// "Look at session `id` once progress reaches `time`."
struct due_entry {
  timestamp time;
  std::uint32_t id, gen;
  bool operator>(const due_entry& o) const { return time != o.time ? time > o.time : id > o.id; }
};

class session_window final : public window_operator {
public:
  session_window(window_config_ptr cfg, const core::operator_context& ctx)
    : window_operator(std::move(cfg), ctx), gap_(cfg_->gap), lateness_(cfg_->allowed_lateness),
      states_(*cfg_->aggregates), keys_(cfg_->key_types) {}

  std::size_t open_windows() const override { return live_; }
  std::size_t open_groups() const override { return states_.live(); }

protected:
  void process(const core::batch& b, std::size_t channel) override {
    core::key_columns(b, cfg_->key_fields, key_cols_);
    for (std::size_t r = 0; r < b.rows(); ++r) {
      const timestamp t = time_at(r);
      place(b, static_cast<std::uint32_t>(r), t);
      if (event_time() && observe(channel, t)) run_due();
    }
    if (keys_.sparse()) {
      auto new_id = keys_.compact();
      for (auto& s : sessions_)
        if (s.alive) s.key = new_id[s.key];
    }
  }

  void on_progress() override { run_due(); }

  timestamp next_due() const override {
    return due_.empty() ? core::max_timestamp : due_.top().time;
  }

private:
  void place(const core::batch& b, std::uint32_t row, timestamp t) {
    const timestamp now = progress();
    const timestamp t_end = saturating_add(t, gap_);
    bool added = false;
    const std::uint32_t key = keys_.find_or_add(key_cols_.data(), row, hashes()[row], added);
    auto& list = keys_.payload(key); // session ids by start; they never overlap
    // The sessions [t, t + gap) overlaps are consecutive in the list.
    std::size_t first = 0;
    while (first < list.size() && sessions_[list[first]].end <= t) ++first;
    std::size_t last = first;
    while (last < list.size() && sessions_[list[last]].start < t_end) ++last;
    std::uint32_t id;
    if (first == last) { // a new session
      if (now != core::min_timestamp && saturating_add(t_end, lateness_) <= now) {
        late(row);
        if (list.empty()) keys_.erase(key);
        return;
      }
      id = states_.allocate();
      if (id >= sessions_.size()) sessions_.resize(id + 1);
      session& s = sessions_[id];
      s.start = t;
      s.end = t_end;
      s.key = key;
      s.alive = true;
      s.emitted = false;
      s.queued = core::max_timestamp;
      list.insert(list.begin() + static_cast<std::ptrdiff_t>(first), id);
      ++live_;
    } else { // joins the overlapping sessions, which merge into the first
      id = list[first];
      session& s = sessions_[id];
      s.start = std::min(s.start, t);
      s.end = std::max(s.end, t_end);
      for (std::size_t i = first + 1; i < last; ++i) {
        session& o = sessions_[list[i]];
        states_.merge(id, list[i]);
        s.end = std::max(s.end, o.end);
        kill(list[i]);
      }
      list.erase(list.begin() + static_cast<std::ptrdiff_t>(first) + 1,
                 list.begin() + static_cast<std::ptrdiff_t>(last));
    }
    states_.add_now(b, row, id);
    session& s = sessions_[id];
    s.emitted = false;
    if (s.end <= now) emit(id); // complete already: a corrected (or late first) result
    schedule(id);
  }

  // Queues the session's next step (emit at end, free at end + lateness),
  // unless an entry due no later is queued already.
  void schedule(std::uint32_t id) {
    session& s = sessions_[id];
    timestamp at = s.emitted ? saturating_add(s.end, lateness_) : s.end;
    if (s.queued <= at) return;
    ++s.gen;
    s.queued = at;
    due_.push({at, id, s.gen});
  }

  void run_due() {
    const timestamp now = progress();
    while (!due_.empty() && due_.top().time <= now) {
      due_entry e = due_.top();
      due_.pop();
      session& s = sessions_[e.id];
      if (!s.alive || s.gen != e.gen) continue;
      s.queued = core::max_timestamp;
      // An entry queued before the session grew: requeue it at its real
      // time, so sessions come out in the order they are due.
      if (e.time < (s.emitted ? saturating_add(s.end, lateness_) : s.end)) {
        schedule(e.id);
        continue;
      }
      if (!s.emitted) emit(e.id);
      if (saturating_add(s.end, lateness_) <= now) free_session(e.id);
      else schedule(e.id);
    }
  }

  void emit(std::uint32_t id) {
    session& s = sessions_[id];
    writer_.append_key(keys_.key_columns(), s.key);
    writer_.append_bounds(s.start, s.end, 1);
    writer_.append_results(states_, &id, 1);
    s.emitted = true;
  }

  void free_session(std::uint32_t id) {
    const std::uint32_t key = sessions_[id].key;
    auto& list = keys_.payload(key);
    list.erase(std::find(list.begin(), list.end(), id));
    kill(id);
    if (list.empty()) keys_.erase(key);
  }

  void kill(std::uint32_t id) {
    session& s = sessions_[id];
    s.alive = false;
    ++s.gen;
    states_.release(id);
    --live_;
  }

  const core::duration_us gap_, lateness_;
  group_states states_;
  group_table<std::vector<std::uint32_t>> keys_; ///< payload: the key's sessions
  std::vector<session> sessions_;
  std::priority_queue<due_entry, std::vector<due_entry>, std::greater<>> due_;
  std::vector<const core::column*> key_cols_;
  std::size_t live_ = 0;
};

} // namespace

std::unique_ptr<window_operator> make_session_window(window_config_ptr cfg,
                                                     const core::operator_context& ctx) {
  return std::make_unique<session_window>(std::move(cfg), ctx);
}

} // namespace sluice::ops
