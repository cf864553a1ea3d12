#include "sluice/ops/window/session_window.hpp"

#include <algorithm>
#include <queue>
#include <tuple>
#include <vector>

#include "sluice/ops/window/group_table.hpp"
#include "sluice/ops/window/time_math.hpp"

namespace sluice::ops::window {

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

  // The aggregate states (slot = session id), each key's sessions, every
  // session record (free ones too: their `gen` goes on when the id is
  // reused), and the due queue, voided entries included (they still set
  // next_due), sorted so that the bytes do not depend on the heap's layout.
  void snapshot_windows(core::state_writer& w) const override {
    states_.snapshot(w);
    keys_.snapshot(w, [](core::state_writer& out, const std::vector<std::uint32_t>& list) {
      out.count(list.size());
      for (auto id : list) out.u64(id);
    });
    w.count(sessions_.size());
    for (const auto& s : sessions_) {
      w.i64(s.start);
      w.i64(s.end);
      w.u64(s.key);
      w.boolean(s.alive);
      w.boolean(s.emitted);
      w.u64(s.gen);
      w.i64(s.queued);
    }
    auto queue = due_;
    std::vector<due_entry> due;
    due.reserve(queue.size());
    for (; !queue.empty(); queue.pop()) due.push_back(queue.top());
    std::sort(due.begin(), due.end(), [](const due_entry& a, const due_entry& b) {
      return std::tie(a.time, a.id, a.gen) < std::tie(b.time, b.id, b.gen);
    });
    w.count(due.size());
    for (const auto& e : due) {
      w.i64(e.time);
      w.u64(e.id);
      w.u64(e.gen);
    }
  }

  void restore_windows(core::state_reader& r) override {
    states_.restore(r);
    keys_.restore(r, [this](core::state_reader& in, std::vector<std::uint32_t>& list) {
      list.resize(in.count(states_.slots()));
      for (auto& id : list) {
        const std::uint64_t v = in.u64();
        if (v >= states_.slots()) throw core::state_error("a session that was never started");
        id = static_cast<std::uint32_t>(v);
      }
    });
    sessions_.resize(r.count(states_.slots()));
    live_ = 0;
    due_ = {};
    for (std::uint32_t id = 0; id < sessions_.size(); ++id) {
      session& s = sessions_[id];
      s.start = r.i64();
      s.end = r.i64();
      s.key = static_cast<std::uint32_t>(r.u64());
      s.alive = r.boolean();
      s.emitted = r.boolean();
      s.gen = static_cast<std::uint32_t>(r.u64());
      s.queued = r.i64();
      if (!s.alive) continue;
      if (s.key >= keys_.ids() || !keys_.live(s.key))
        throw core::state_error("a session of an unknown key");
      ++live_;
    }
    // Closing a session takes it out of its key's list: every open session
    // is listed once, under its own key.
    std::vector<bool> listed(sessions_.size(), false);
    for (std::uint32_t k = 0; k < keys_.ids(); ++k)
      if (keys_.live(k))
        for (auto id : keys_.payload(k)) {
          if (id >= sessions_.size() || !sessions_[id].alive)
            throw core::state_error("a key listing a session that is not open");
          if (sessions_[id].key != k || listed[id])
            throw core::state_error("a session listed twice or under another key");
          listed[id] = true;
        }
    for (std::uint32_t id = 0; id < sessions_.size(); ++id)
      if (sessions_[id].alive && !listed[id])
        throw core::state_error("an open session that its key does not list");
    for (std::size_t n = r.count(); n > 0; --n) {
      due_entry e{};
      e.time = r.i64();
      const std::uint64_t id = r.u64();
      if (id >= sessions_.size()) throw core::state_error("a due session that does not exist");
      e.id = static_cast<std::uint32_t>(id);
      e.gen = static_cast<std::uint32_t>(r.u64());
      due_.push(e);
    }
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

} // namespace sluice::ops::window
