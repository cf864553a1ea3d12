#pragma once

// The alert instances of `transform.alert`, one per distinct key, and the
// event-time state machine each goes through (Alertmanager's semantics):
//
//   (none) --match--> pending --`for` elapsed--> firing --silence--> (removed)
//                       |                          |  ^
//                       +-- non-match or silence --+  +-- `repeat` elapsed
//                           (removed, no message)
//
// A match at time t holds the condition over [t, t + resolve_after): an
// instance is silent once event time reaches its last match +
// resolve_after. A pending instance fires at since + for if that comes
// before its silence, and is dropped without a message otherwise, or at a
// non-matching record of its key (at or after since). A firing instance
// repeats at every `repeat` after its last notification while it is not
// silent, and resolves at the silence. Non-matching records do not resolve
// a firing instance: only `resolve_after` without a match does. When event
// time jumps past several repeats at once (a watermark after a silence,
// the end of stream), only the latest of them is sent.
//
// Transitions happen at their own times (since + for, last notification +
// repeat, last match + resolve_after), not at the time that revealed them,
// so the output depends on the records and their times alone, whatever the
// batches or watermarks that moved event time there. The table knows
// nothing of batches: keys are core::append_key bytes, and what a
// transition reports (message, labels) is text rendered by the caller from
// the instance's latest matching record.

#include <cstdint>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <tuple>
#include <unordered_map>
#include <utility>
#include <vector>

#include "sluice/core/time.hpp"
#include "sluice/core/value_type.hpp"

namespace sluice::core {
class state_writer;
class state_reader;
} // namespace sluice::core

namespace sluice::ops::transform {

struct alert_timing {
  core::duration_us hold = 0;          ///< `for`: how long a match must hold before firing
  core::duration_us resolve_after = 1; ///< > 0
  core::duration_us repeat = 0;        ///< 0: never
};

/// What a transition reports. The views are valid during the callback only.
struct alert_transition {
  bool firing = true; ///< firing (first or repeated) or resolved
  std::string_view key;
  core::timestamp since = 0; ///< when the incident began (its first match)
  core::timestamp at = 0;    ///< when the transition happened
  std::string_view message;
  const std::vector<std::string>* labels = nullptr; ///< rendered, in label order
};

class alert_table {
public:
  alert_table(alert_timing timing, std::vector<core::value_type> key_types,
              std::vector<std::string> label_names);

  /// A record of `key` at `t` for which the condition holds; `message` and
  /// `labels` (one per label name) are rendered from it and replace the
  /// instance's texts.
  void match(const std::string& key, core::timestamp t, std::string message,
             std::vector<std::string> labels);
  /// A record of `key` at `t` for which it does not: drops a pending
  /// instance begun at or before t.
  void mismatch(const std::string& key, core::timestamp t);

  /// A record (matching or not, as match or mismatch take it) whose time
  /// event time has not reached yet: advance applies it when it does, in
  /// order of (time, channel, arrival), so records that arrive out of time
  /// order from several channels act as if they had come in order.
  void hold(core::timestamp t, std::size_t channel, std::string key, bool matched,
            std::string message = {}, std::vector<std::string> labels = {});

  using report_fn = std::function<void(const alert_transition&)>;
  /// Moves event time to `now`: runs every transition due and applies every
  /// held record at or before it, in order of time (transitions, in order
  /// of instance age, before records of the same time), reporting each
  /// firing or resolution.
  void advance(core::timestamp now, const report_fn& report);

  std::size_t size() const { return instances_.size(); }
  std::size_t held() const { return held_.size(); }

  /// Instances in order of age, then held records; label texts are written with the label
  /// names, so a node whose labels were edited restores by name (a new
  /// label is empty until the next match). Restore checks every key against
  /// the key types and throws core::state_error on anything damaged.
  void snapshot(core::state_writer& w) const;
  void restore(core::state_reader& r);

private:
  enum class step { fire, drop, repeat, resolve };

  struct instance {
    std::string key;
    bool firing = false;
    core::timestamp since = 0, last_match = 0;
    core::timestamp last_notify = 0; ///< firing only
    core::timestamp queued = 0;      ///< its entry in due_; <= next().first
    std::string message;
    std::vector<std::string> labels;
  };

  struct held_record {
    std::string key;
    bool matched = false;
    std::string message;
    std::vector<std::string> labels;
  };

  /// The instance's next transition and its time.
  std::pair<core::timestamp, step> next(const instance& i) const;
  void queue(std::uint64_t id, instance& i);
  /// Runs the first entry of due_ (<= horizon, the time of the next thing
  /// to happen).
  void transition(core::timestamp horizon, const report_fn& report);
  /// Label texts written in the order `slot` maps to the current labels.
  std::vector<std::string> read_labels(core::state_reader& r, const std::vector<int>& slot) const;

  const alert_timing timing_;
  const std::vector<core::value_type> key_types_;
  const std::vector<std::string> label_names_;

  // state
  std::map<std::uint64_t, instance> instances_; ///< by id: order of creation
  std::unordered_map<std::string, std::uint64_t> ids_;
  std::uint64_t next_id_ = 0;
  /// (time, id): a lower bound of each instance's next transition; advance
  /// requeues an entry that comes too early. Not written: restore rebuilds it.
  std::set<std::pair<core::timestamp, std::uint64_t>> due_;
  /// (time, channel, arrival number) -> a record ahead of event time.
  std::map<std::tuple<core::timestamp, std::uint64_t, std::uint64_t>, held_record> held_;
  std::uint64_t next_held_ = 0;
};

} // namespace sluice::ops::transform
