#pragma once

#include <cstddef>
#include <functional>
#include <stdexcept>
#include <string>
#include <string_view>

namespace sluice::observe {

/// One Server-Sent Event as received.
struct sse_message {
  std::string event = "message"; ///< the `event:` field, "message" if none
  std::string data;              ///< the `data:` lines, joined by "\n"
};

/// Splits a Server-Sent Events stream, fed in chunks as they arrive, into
/// messages (the subset of the format Sluice's endpoint writes, and
/// comments). A line longer than `max_line` throws std::runtime_error: the
/// reader's memory stays bounded whatever the peer sends.
class sse_parser {
public:
  explicit sse_parser(std::size_t max_line = 16 * 1024 * 1024) : max_line_(max_line) {}

  /// Calls `on` for every complete message in `chunk`; stops (and returns
  /// false) as soon as `on` returns false.
  bool feed(std::string_view chunk, const std::function<bool(const sse_message&)>& on);

private:
  bool line(std::string_view l, const std::function<bool(const sse_message&)>& on);

  std::size_t max_line_;
  std::string partial_;
  sse_message current_;
  bool has_data_ = false;
};

} // namespace sluice::observe
