#include "sluice/ops/transform/text_values.hpp"

#include <charconv>
#include <cstdint>

#include "sluice/core/time.hpp"

namespace sluice::ops {

namespace {

bool parse_int(std::string_view s, std::int64_t& v) {
  if (!s.empty() && s.front() == '+') s.remove_prefix(1);
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  return ec == std::errc() && end == s.data() + s.size() && !s.empty();
}

bool parse_double(std::string_view s, double& v) {
  if (!s.empty() && s.front() == '+') s.remove_prefix(1);
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  return ec == std::errc() && end == s.data() + s.size() && !s.empty();
}

bool equals_nocase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if ((a[i] | 0x20) != b[i]) return false;
  return true;
}

} // namespace

bool append_parsed(core::column& col, std::string_view text) {
  switch (col.type()) {
  case core::value_type::int64: {
    std::int64_t v = 0;
    if (!parse_int(text, v)) return false;
    col.append_int(v);
    return true;
  }
  case core::value_type::float64: {
    double v = 0;
    if (!parse_double(text, v)) return false;
    col.append_double(v);
    return true;
  }
  case core::value_type::boolean:
    if (equals_nocase(text, "true") || text == "1") col.append_bool(true);
    else if (equals_nocase(text, "false") || text == "0") col.append_bool(false);
    else return false;
    return true;
  case core::value_type::timestamp: {
    auto t = core::parse_iso8601(text);
    if (!t) return false;
    col.append_int(*t);
    return true;
  }
  case core::value_type::string: col.append_string(text); return true;
  }
  return false;
}

core::value_type widen_for(core::value_type current, std::string_view text) {
  std::int64_t i = 0;
  double d = 0;
  if (current == core::value_type::int64 && parse_int(text, i)) return core::value_type::int64;
  if ((current == core::value_type::int64 || current == core::value_type::float64)
      && parse_double(text, d))
    return core::value_type::float64;
  return core::value_type::string;
}

} // namespace sluice::ops
