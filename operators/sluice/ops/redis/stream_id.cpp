#include "sluice/ops/redis/stream_id.hpp"

#include <charconv>

namespace sluice::ops::redis {

std::optional<stream_id> stream_id::parse(std::string_view s) {
  stream_id id;
  const auto dash = s.find('-');
  const std::string_view ms = s.substr(0, dash);
  auto r = std::from_chars(ms.data(), ms.data() + ms.size(), id.ms);
  if (ms.empty() || r.ec != std::errc() || r.ptr != ms.data() + ms.size()) return std::nullopt;
  if (dash == std::string_view::npos) return id;
  const std::string_view seq = s.substr(dash + 1);
  r = std::from_chars(seq.data(), seq.data() + seq.size(), id.seq);
  if (seq.empty() || r.ec != std::errc() || r.ptr != seq.data() + seq.size()) return std::nullopt;
  return id;
}

} // namespace sluice::ops::redis
