#pragma once

// What one dashboard page shows: the bounded latest state of a stream, kept
// by `sink.dashboard` and read by the page's server threads.
//
// Contract: `add` (the sink's actor) and `publish` (server threads) may run
// at once; both take the state's one mutex, `add` only for as long as it
// takes to fold a batch into bounded containers (never I/O, never waiting
// for a reader). Everything held is bounded by `history`: records for a
// table, points per series for a line (at most `max_series` series), keys
// for a bar, points of the trend for a number. Strings are cut at
// `max_text_bytes`. A reader never sees more than one JSON text per
// `publish_every`, however fast records arrive (coalescing): readers share
// the text published last.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "sluice/core/batch.hpp"

namespace sluice::ops::dashboard {

enum class chart_kind { table, line, bar, number };

/// "table", "line", "bar", "number"; throws core::param_error("chart") otherwise.
chart_kind parse_chart(const std::string& text);
const char* name_of(chart_kind c);

/// What bind checked: the chart, the columns it reads and its bounds.
struct dashboard_config {
  std::string title;
  chart_kind chart = chart_kind::table;
  std::vector<std::string> fields;    ///< shown (table) or plotted (line, bar, number)
  std::vector<std::size_t> field_at;  ///< their columns in the input
  std::optional<std::size_t> key_at;  ///< the column naming a series or a bar
  std::string key;                    ///< its name, "" without
  std::optional<std::size_t> time_at; ///< event time; none: the arrival time
  std::string time_field;
  std::size_t history = 0;
};

/// The default `history` of each chart.
std::size_t default_history(chart_kind c);

class dashboard_state {
public:
  /// Series of a line chart beyond this evict the one updated longest ago.
  static constexpr std::size_t max_series = 12;
  static constexpr std::size_t max_text_bytes = 200;
  /// No record for this long: the page says "stalled since ...".
  static constexpr std::int64_t stall_after_ms = 5000;
  static constexpr std::int64_t publish_every_ms = 250;

  explicit dashboard_state(dashboard_config cfg);

  /// Folds `b` in; `now_ms` is the wall clock (milliseconds since the epoch).
  void add(const core::batch& b, std::int64_t now_ms);
  /// The stream has ended (`ended` true) or the run stopped without its end.
  void finish(bool ended, std::int64_t now_ms);

  /// Changes with every `add` and `finish`.
  std::uint64_t version() const;

  /// The state as the page reads it (see web/dashboard.js), built now.
  nlohmann::json to_json(std::int64_t now_ms) const;

  /// The JSON text readers share and its sequence number: rebuilt when the
  /// state changed and the last text is `publish_every_ms` old, or when the
  /// status would read differently (stalled), else the last text again.
  struct published_text {
    std::uint64_t sequence = 0;
    std::string text;
  };
  published_text publish(std::int64_t now_ms);

  const dashboard_config& config() const { return cfg_; }

private:
  struct point {
    std::int64_t t_ms;
    double v;
  };
  struct series {
    std::string key, field;
    std::deque<point> points;
    std::uint64_t touched = 0;
  };
  struct bar {
    std::vector<nlohmann::json> values; ///< per field
    std::uint64_t touched = 0;
  };

  void add_table(const core::batch& b);
  void add_line(const core::batch& b, std::int64_t now_ms);
  void add_bar(const core::batch& b);
  void add_number(const core::batch& b, std::int64_t now_ms);
  std::int64_t time_of(const core::batch& b, std::size_t row, std::int64_t now_ms) const;
  std::string key_of(const core::batch& b, std::size_t row) const;
  std::string status_locked(std::int64_t now_ms) const;

  const dashboard_config cfg_;
  mutable std::mutex mutex_;
  std::uint64_t version_ = 0;
  std::uint64_t records_ = 0;
  std::uint64_t touches_ = 0;       ///< orders series and bars by their last update
  std::int64_t last_record_ms_ = 0; ///< wall clock of the last record, 0: none yet
  std::string finished_;            ///< "", "ended" or "stopped"
  std::int64_t finished_ms_ = 0;

  std::deque<std::vector<nlohmann::json>> rows_; ///< table, oldest first
  std::map<std::string, series> series_;         ///< line, by key + field
  std::map<std::string, bar> bars_;              ///< bar, by key
  std::deque<point> trend_;                      ///< number

  // what publish() handed out last
  std::mutex publish_mutex_;
  published_text published_;
  std::uint64_t published_version_ = 0;
  std::int64_t published_ms_ = 0;
  std::string published_status_;
};

/// A value of a column as JSON: numbers and booleans as they are (NaN and
/// infinities null), a timestamp as ISO-8601 text, a string cut at `max_bytes`
/// (with "…") and made valid UTF-8.
nlohmann::json json_value(const core::column& c, std::size_t row, std::size_t max_bytes);

} // namespace sluice::ops::dashboard
