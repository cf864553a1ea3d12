#pragma once

// A Redis stream entry id, "<milliseconds>-<sequence>", as two numbers:
// compared in stream order, kept in state, written back as text.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace sluice::ops::redis {

struct stream_id {
  std::uint64_t ms = 0, seq = 0;

  friend bool operator<(const stream_id& a, const stream_id& b) {
    return a.ms < b.ms || (a.ms == b.ms && a.seq < b.seq);
  }
  friend bool operator==(const stream_id& a, const stream_id& b) {
    return a.ms == b.ms && a.seq == b.seq;
  }
  friend bool operator<=(const stream_id& a, const stream_id& b) { return !(b < a); }

  std::string text() const { return std::to_string(ms) + "-" + std::to_string(seq); }
  /// "123-4" (or "123"); nullopt if it is not an id.
  static std::optional<stream_id> parse(std::string_view s);
};

} // namespace sluice::ops::redis
