#include "sluice/ops/text/text_values.hpp"

#include <charconv>
#include <cstring>

#include "sluice/core/time.hpp"

namespace sluice::ops::text {

namespace {

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    char c = a[i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c != b[i]) return false;
  }
  return true;
}

bool looks_numeric(std::string_view t) {
  if (t.empty()) return false;
  char c = t[0];
  if (c == '-' || c == '+') {
    if (t.size() == 1) return false;
    c = t[1];
  }
  return (c >= '0' && c <= '9') || c == '.';
}

} // namespace

bool parse_int_text(std::string_view text, std::int64_t& out) {
  const char* b = text.data();
  const char* e = b + text.size();
  if (b != e && *b == '+') ++b;
  if (b == e) return false;
  auto r = std::from_chars(b, e, out);
  return r.ec == std::errc{} && r.ptr == e;
}

bool parse_double_text(std::string_view text, double& out) {
  const char* b = text.data();
  const char* e = b + text.size();
  if (b != e && *b == '+') ++b;
  if (b == e) return false;
  auto r = std::from_chars(b, e, out);
  return r.ec == std::errc{} && r.ptr == e;
}

bool parse_bool_text(std::string_view text, bool& out) {
  if (iequals(text, "true") || text == "1") {
    out = true;
    return true;
  }
  if (iequals(text, "false") || text == "0") {
    out = false;
    return true;
  }
  return false;
}

core::value_type classify_text(std::string_view text) {
  using core::value_type;
  if (looks_numeric(text)) {
    std::int64_t i;
    if (parse_int_text(text, i)) return value_type::int64;
    double d;
    if (parse_double_text(text, d)) return value_type::float64;
  }
  if (iequals(text, "true") || iequals(text, "false")) return value_type::boolean;
  if (text.size() >= 10 && core::parse_iso8601(text)) return value_type::timestamp;
  return value_type::string;
}

bool append_parsed(core::column& col, std::string_view text) {
  switch (col.type()) {
    case core::value_type::int64: {
      std::int64_t v = 0;
      if (!parse_int_text(text, v)) return false;
      col.append_int(v);
      return true;
    }
    case core::value_type::float64: {
      double v = 0;
      if (!parse_double_text(text, v)) return false;
      col.append_double(v);
      return true;
    }
    case core::value_type::boolean: {
      bool v = false;
      if (!parse_bool_text(text, v)) return false;
      col.append_bool(v);
      return true;
    }
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
  using core::value_type;
  std::int64_t i = 0;
  double d = 0;
  if (current == value_type::int64 && parse_int_text(text, i)) return value_type::int64;
  if ((current == value_type::int64 || current == value_type::float64)
      && parse_double_text(text, d))
    return value_type::float64;
  return value_type::string;
}

std::optional<core::timestamp> timestamp_parser::operator()(std::string_view s) {
  auto digit = [&](std::size_t i) { return static_cast<unsigned>(s[i] - '0'); };
  auto two = [&](std::size_t i, unsigned& v) {
    unsigned a = digit(i), b = digit(i + 1);
    v = a * 10 + b;
    return a < 10 && b < 10;
  };
  const std::size_t n = s.size();
  unsigned h, m, sec;
  if (n < 20 || s[n - 1] != 'Z' || s[10] != 'T' || s[13] != ':' || s[16] != ':' || !two(11, h)
      || !two(14, m) || !two(17, sec) || h > 23 || m > 59 || sec > 60)
    return core::parse_iso8601(s);
  core::timestamp micros = 0;
  if (n > 20) { // ".f" to ".ffffff"...: fraction digits up to the Z
    if (s[19] != '.' || n == 21) return core::parse_iso8601(s);
    core::timestamp scale = 100000;
    for (std::size_t i = 20; i + 1 < n; ++i) {
      unsigned d = digit(i);
      if (d > 9) return core::parse_iso8601(s);
      micros += d * scale;
      scale /= 10;
    }
  }
  if (!cached_ || std::memcmp(date_, s.data(), 10) != 0) {
    auto day = core::parse_iso8601(s.substr(0, 10));
    if (!day) return std::nullopt;
    std::memcpy(date_, s.data(), 10);
    midnight_ = *day;
    cached_ = true;
  }
  return midnight_ + (static_cast<core::timestamp>(h) * 3600 + m * 60 + sec) * 1000000 + micros;
}

} // namespace sluice::ops::text
