#pragma once

// Helpers for window tests: events (seconds, key, value) on the schema
// ts:timestamp, key:string, v:int; building windows; feeding them in
// batches of any size; and output rows as short text ("a 0 10 3": fields in
// order, timestamps in seconds since the epoch).

#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#include "operators/harness.hpp"
#include "sluice/ops/window/window_operator.hpp"

namespace sluice::test {

struct event {
  double sec;
  std::string key;
  std::int64_t v = 1;
};

inline core::schema_ptr event_schema() {
  static const auto s = core::make_schema({{"ts", core::value_type::timestamp},
                                           {"key", core::value_type::string},
                                           {"v", core::value_type::int64}});
  return s;
}

inline core::timestamp micros(double sec) { return std::llround(sec * 1e6); }

inline core::batch_ptr events_batch(const std::vector<event>& evs, std::size_t begin,
                                    std::size_t end) {
  core::batch_builder b(event_schema());
  for (std::size_t i = begin; i < end; ++i) {
    b.column_at(0).append_int(micros(evs[i].sec));
    b.column_at(1).append_string(evs[i].key);
    b.column_at(2).append_int(evs[i].v);
  }
  return b.finish();
}

/// Builds window `kind` reading event_schema(), with `ctx` (its inputs set here).
inline core::operator_ptr make_window(const std::string& kind, const nlohmann::json& params,
                                      core::operator_context ctx = {}) {
  ctx.inputs = {event_schema()};
  return make_operator(kind, params, ctx);
}

inline ops::window::window_operator& as_window(const core::operator_ptr& op) {
  return dynamic_cast<ops::window::window_operator&>(*op);
}

/// Feeds `evs` on `channel` in batches of `batch_size` (no end).
inline void feed(core::operator_base& op, recording_emitter& out, const std::vector<event>& evs,
                 std::size_t batch_size = 1000, std::size_t channel = 0) {
  for (std::size_t i = 0; i < evs.size(); i += batch_size)
    op.on_batch_from(0, channel, events_batch(evs, i, std::min(evs.size(), i + batch_size)), out);
}

/// Ends channels 0..channels-1, then the stream.
inline void finish(core::operator_base& op, recording_emitter& out, std::size_t channels = 1) {
  for (std::size_t c = 0; c < channels; ++c) op.on_input_ended(0, c, out);
  op.on_end_of_stream(out);
}

/// "10", "-5", "1.5", "4.000001": seconds, without trailing zeros.
inline std::string seconds_text(core::timestamp t) {
  if (t % 1000000 == 0) return std::to_string(t / 1000000);
  char buf[40];
  std::snprintf(buf, sizeof buf, "%.6f", static_cast<double>(t) / 1e6);
  std::string s = buf;
  while (s.back() == '0') s.pop_back();
  return s;
}

/// Every row emitted on `port` as text: fields separated by spaces,
/// timestamps in seconds, doubles with %g, nulls as "null".
inline std::vector<std::string> rows_text(const recording_emitter& out, std::size_t port = 0) {
  std::vector<std::string> rows;
  if (port >= out.batches.size()) return rows;
  for (const auto& b : out.batches[port])
    for (std::size_t r = 0; r < b->rows(); ++r) {
      std::string line;
      for (std::size_t c = 0; c < b->num_columns(); ++c) {
        const auto& col = b->col(c);
        if (c) line += ' ';
        if (col.is_null(r)) {
          line += "null";
          continue;
        }
        char buf[32];
        switch (col.type()) {
          case core::value_type::int64: line += std::to_string(col.ints[r]); break;
          case core::value_type::timestamp: line += seconds_text(col.ints[r]); break;
          case core::value_type::float64:
            std::snprintf(buf, sizeof buf, "%g", col.doubles[r]);
            line += buf;
            break;
          case core::value_type::boolean: line += col.bools[r] ? "true" : "false"; break;
          case core::value_type::string: line += col.string_at(r); break;
        }
      }
      rows.push_back(line);
    }
  return rows;
}

using rows = std::vector<std::string>;

} // namespace sluice::test
