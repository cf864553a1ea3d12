#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include <nlohmann/json.hpp>

#include "sluice/core/edge_tap.hpp"

namespace sluice::observe {

/// One Server-Sent Event: "event: NAME\ndata: DATA\n\n". `data` must be
/// one line (compact JSON is).
std::string sse_event(const std::string& name, const std::string& data);

/// The `schema` event's data: {"edge", "from", "port", "to", "fields":
/// [{"name", "type"}], "filter", "rate"}.
nlohmann::json tap_schema_json(const core::edge_tap& tap);

/// The `status` event's data: {"watermark": µs | null, "watermark_time":
/// ISO-8601 | null, "queued", "capacity", "queue_fill", "seen", "sampled",
/// "missed"}.
nlohmann::json tap_status_json(const core::tap_status& s, const core::tap_records& counters,
                               std::uint64_t missed);

/// The events of one tap's stream (GET /api/tap, docs/ARCHITECTURE.md §7),
/// a step at a time so the server decides how long to wait between steps:
/// first `schema`; then on every step a `records` event with the records
/// sampled since the last one (a JSON array, none when nothing came) and a
/// `status` event every `status_every`; and once the run has ended, or
/// the server is closing, the last records, a status and `end`.
class tap_stream {
public:
  /// Records per `records` event at most; older ones are counted as missed.
  static constexpr std::size_t max_records_per_event = 500;

  explicit tap_stream(std::shared_ptr<core::edge_tap> tap,
                      std::chrono::milliseconds status_every = std::chrono::seconds(1));
  ~tap_stream();

  /// The text to send now. `closing`: the server is stopping.
  std::string next(bool closing);
  bool started() const { return started_; }
  /// `end` was sent: nothing more follows.
  bool done() const { return done_; }
  /// Closes the tap (the client left); next() then ends the stream.
  void close();

private:
  std::shared_ptr<core::edge_tap> tap_;
  std::chrono::milliseconds status_every_;
  std::chrono::steady_clock::time_point last_status_{};
  std::uint64_t missed_ = 0;
  core::tap_records last_;
  bool started_ = false;
  bool done_ = false;
};

} // namespace sluice::observe
