#include "sluice/ops/transform/alert_table.hpp"

#include <algorithm>

#include "sluice/core/key_hashing.hpp"
#include "sluice/core/state.hpp"

namespace sluice::ops::transform {

namespace {

/// t + d (d >= 0), stopping at max_timestamp instead of overflowing.
core::timestamp later(core::timestamp t, core::duration_us d) {
  return t > core::max_timestamp - d ? core::max_timestamp : t + d;
}

} // namespace

alert_table::alert_table(alert_timing timing, std::vector<core::value_type> key_types,
                         std::vector<std::string> label_names)
  : timing_(timing), key_types_(std::move(key_types)), label_names_(std::move(label_names)) {}

std::pair<core::timestamp, alert_table::step> alert_table::next(const instance& i) const {
  const core::timestamp silent = later(i.last_match, timing_.resolve_after);
  if (!i.firing) {
    const core::timestamp fire = later(i.since, timing_.hold);
    return fire < silent ? std::make_pair(fire, step::fire) : std::make_pair(silent, step::drop);
  }
  if (timing_.repeat > 0) {
    const core::timestamp again = later(i.last_notify, timing_.repeat);
    if (again < silent) return {again, step::repeat};
  }
  return {silent, step::resolve};
}

void alert_table::queue(std::uint64_t id, instance& i) {
  i.queued = next(i).first;
  due_.emplace(i.queued, id);
}

void alert_table::match(const std::string& key, core::timestamp t, std::string message,
                        std::vector<std::string> labels) {
  auto found = ids_.find(key);
  if (found == ids_.end()) {
    const std::uint64_t id = next_id_++;
    ids_.emplace(key, id);
    instance& i = instances_[id];
    i.key = key;
    i.since = i.last_match = t;
    i.message = std::move(message);
    i.labels = std::move(labels);
    queue(id, i);
    return;
  }
  // A later silence only: the queued entry stays a lower bound.
  instance& i = instances_.at(found->second);
  i.last_match = std::max(i.last_match, t);
  i.message = std::move(message);
  i.labels = std::move(labels);
}

void alert_table::mismatch(const std::string& key, core::timestamp t) {
  auto found = ids_.find(key);
  if (found == ids_.end()) return;
  auto it = instances_.find(found->second);
  if (it->second.firing || t < it->second.since) return;
  due_.erase({it->second.queued, it->first});
  instances_.erase(it);
  ids_.erase(found);
}

void alert_table::hold(core::timestamp t, std::size_t channel, std::string key, bool matched,
                       std::string message, std::vector<std::string> labels) {
  held_.emplace(std::make_tuple(t, static_cast<std::uint64_t>(channel), next_held_++),
                held_record{std::move(key), matched, std::move(message), std::move(labels)});
}

void alert_table::advance(core::timestamp now, const report_fn& report) {
  for (;;) {
    // Held records and transitions in order of time; at equal times the
    // transitions first, as for a record that arrives when event time has
    // already reached it.
    const bool record = !held_.empty() && std::get<0>(held_.begin()->first) <= now;
    const core::timestamp horizon = record ? std::get<0>(held_.begin()->first) : now;
    if (!due_.empty() && due_.begin()->first <= horizon) {
      transition(horizon, report);
    } else if (record) {
      auto node = held_.extract(held_.begin());
      const core::timestamp t = std::get<0>(node.key());
      held_record& h = node.mapped();
      if (h.matched) match(h.key, t, std::move(h.message), std::move(h.labels));
      else mismatch(h.key, t);
    } else {
      return;
    }
  }
}

void alert_table::transition(core::timestamp horizon, const report_fn& report) {
  // Entries come out in (time, id) order; one queued early is put back at
  // its real time, so transitions run in (real time, id) order, which a
  // rebuilt queue (restore) gives too.
  const auto [queued, id] = *due_.begin();
  due_.erase(due_.begin());
  auto it = instances_.find(id);
  instance& i = it->second;
  const auto [when, what] = next(i);
  if (when > queued) {
    i.queued = when;
    due_.emplace(when, id);
    return;
  }
  if (what == step::repeat) {
    // Of the repeats due by the horizon (event time jumped: a watermark
    // after a silence, the end of stream), only the latest is sent.
    // Skipping by arithmetic also bounds the work when a time is far off.
    const core::timestamp silent = later(i.last_match, timing_.resolve_after);
    const core::timestamp limit = std::min(horizon, silent - 1);
    const auto span = static_cast<std::uint64_t>(limit) - static_cast<std::uint64_t>(i.last_notify);
    const auto step_us = static_cast<std::uint64_t>(timing_.repeat);
    const auto latest = static_cast<core::timestamp>(static_cast<std::uint64_t>(i.last_notify)
                                                     + span / step_us * step_us);
    if (latest > when) {
      i.last_notify = latest - timing_.repeat;
      i.queued = latest;
      due_.emplace(latest, id);
      return;
    }
  }
  alert_transition tr;
  tr.key = i.key;
  tr.since = i.since;
  tr.at = when;
  tr.message = i.message;
  tr.labels = &i.labels;
  switch (what) {
    case step::fire:
    case step::repeat:
      i.firing = true;
      i.last_notify = when;
      report(tr);
      queue(id, i);
      break;
    case step::resolve:
      tr.firing = false;
      report(tr);
      [[fallthrough]];
    case step::drop:
      ids_.erase(i.key);
      instances_.erase(it);
      break;
  }
}

void alert_table::snapshot(core::state_writer& w) const {
  w.count(label_names_.size());
  for (const auto& name : label_names_) w.str(name);
  w.u64(next_id_);
  w.count(instances_.size());
  for (const auto& [id, i] : instances_) {
    w.u64(id);
    w.str(i.key);
    w.boolean(i.firing);
    w.i64(i.since);
    w.i64(i.last_match);
    w.i64(i.last_notify);
    w.str(i.message);
    for (const auto& text : i.labels) w.str(text);
  }
  w.u64(next_held_);
  w.count(held_.size());
  for (const auto& [at, h] : held_) {
    w.i64(std::get<0>(at));
    w.u64(std::get<1>(at));
    w.u64(std::get<2>(at));
    w.str(h.key);
    w.boolean(h.matched);
    w.str(h.message);
    for (const auto& text : h.labels) w.str(text);
  }
}

void alert_table::restore(core::state_reader& r) {
  instances_.clear();
  ids_.clear();
  due_.clear();
  held_.clear();
  // Where each written label goes now (-1: no longer a label).
  std::vector<int> slot;
  for (auto n = r.count(label_names_.size() + 1024); n > 0; --n) {
    const std::string name = r.str();
    auto found = std::find(label_names_.begin(), label_names_.end(), name);
    const int s = found == label_names_.end() ? -1 : static_cast<int>(found - label_names_.begin());
    if (s >= 0 && std::find(slot.begin(), slot.end(), s) != slot.end())
      throw core::state_error("alert state names label '" + name + "' twice");
    slot.push_back(s);
  }
  next_id_ = r.u64();
  std::uint64_t last_id = 0;
  for (auto n = r.count(); n > 0; --n) {
    const std::uint64_t id = r.u64();
    if (id >= next_id_ || (!instances_.empty() && id <= last_id))
      throw core::state_error("alert instances out of order or numbered past the next one");
    last_id = id;
    instance i;
    i.key = r.str();
    if (!core::encoded_key_fits(i.key, key_types_))
      throw core::state_error("an alert instance whose key does not fit the key fields");
    i.firing = r.boolean();
    i.since = r.i64();
    i.last_match = r.i64();
    i.last_notify = r.i64();
    if (i.last_match < i.since || (i.firing && i.last_notify < i.since))
      throw core::state_error("an alert instance whose times are out of order");
    i.message = r.str();
    i.labels = read_labels(r, slot);
    if (!ids_.emplace(i.key, id).second)
      throw core::state_error("two alert instances of the same key");
    queue(id, instances_.emplace(id, std::move(i)).first->second);
  }
  held_.clear();
  next_held_ = r.u64();
  for (auto n = r.count(); n > 0; --n) {
    const core::timestamp t = r.i64();
    const std::uint64_t channel = r.u64(), seq = r.u64();
    if (seq >= next_held_) throw core::state_error("a held record numbered past the next one");
    held_record h;
    h.key = r.str();
    if (!core::encoded_key_fits(h.key, key_types_))
      throw core::state_error("a held record whose key does not fit the key fields");
    h.matched = r.boolean();
    h.message = r.str();
    h.labels = read_labels(r, slot);
    if (!held_.emplace(std::make_tuple(t, channel, seq), std::move(h)).second)
      throw core::state_error("a held record listed twice");
  }
}

std::vector<std::string> alert_table::read_labels(core::state_reader& r,
                                                  const std::vector<int>& slot) const {
  std::vector<std::string> labels(label_names_.size());
  for (int s : slot) {
    std::string text = r.str();
    if (s >= 0) labels[static_cast<std::size_t>(s)] = std::move(text);
  }
  return labels;
}

} // namespace sluice::ops::transform
