#include "sluice/core/time.hpp"

#include <charconv>
#include <cstdio>

namespace sluice::core {

namespace {

// Days since 1970-01-01 for a proleptic Gregorian date (Howard Hinnant).
std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

} // namespace

void civil_from_days(std::int64_t z, std::int64_t& y, unsigned& m, unsigned& d) {
  z += 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  y = static_cast<std::int64_t>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  d = doy - (153 * mp + 2) / 5 + 1;
  m = mp < 10 ? mp + 3 : mp - 9;
  y += m <= 2;
}

namespace {

bool read_digits(std::string_view s, std::size_t& pos, std::size_t n, int& out) {
  if (pos + n > s.size()) return false;
  int v = 0;
  for (std::size_t i = 0; i < n; ++i) {
    char c = s[pos + i];
    if (c < '0' || c > '9') return false;
    v = v * 10 + (c - '0');
  }
  pos += n;
  out = v;
  return true;
}

bool expect(std::string_view s, std::size_t& pos, char c) {
  if (pos < s.size() && s[pos] == c) {
    ++pos;
    return true;
  }
  return false;
}

} // namespace

std::optional<duration_us> parse_duration(std::string_view text) {
  if (text.empty()) return std::nullopt;
  double value = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc{} || value < 0) return std::nullopt;
  std::string_view unit(ptr, static_cast<std::size_t>(text.data() + text.size() - ptr));
  double factor;
  if (unit.empty() || unit == "s" || unit == "sec") factor = 1e6;
  else if (unit == "us") factor = 1;
  else if (unit == "ms") factor = 1e3;
  else if (unit == "m" || unit == "min") factor = 60e6;
  else if (unit == "h") factor = 3600e6;
  else if (unit == "d") factor = 86400e6;
  else return std::nullopt;
  // Past about 292 000 years a duration no longer fits in int64 microseconds
  // (and the cast would be undefined): such a text is no duration.
  double us = value * factor + 0.5;
  if (!(us < 9.2e18)) return std::nullopt;
  return static_cast<duration_us>(us);
}

std::optional<timestamp> parse_iso8601(std::string_view s) {
  std::size_t pos = 0;
  int year, month, day, hour = 0, minute = 0, second = 0;
  if (!read_digits(s, pos, 4, year) || !expect(s, pos, '-') || !read_digits(s, pos, 2, month)
      || !expect(s, pos, '-') || !read_digits(s, pos, 2, day))
    return std::nullopt;
  if (month < 1 || month > 12 || day < 1 || day > 31) return std::nullopt;
  std::int64_t micros = 0;
  int offset_minutes = 0;
  if (pos < s.size()) {
    if (!(expect(s, pos, 'T') || expect(s, pos, ' '))) return std::nullopt;
    if (!read_digits(s, pos, 2, hour) || !expect(s, pos, ':') || !read_digits(s, pos, 2, minute))
      return std::nullopt;
    if (expect(s, pos, ':') && !read_digits(s, pos, 2, second)) return std::nullopt;
    if (hour > 23 || minute > 59 || second > 60) return std::nullopt;
    if (expect(s, pos, '.')) {
      std::int64_t scale = 100000;
      std::size_t start = pos;
      while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') {
        micros += (s[pos] - '0') * scale;
        scale /= 10;
        ++pos;
      }
      if (pos == start) return std::nullopt;
    }
    if (expect(s, pos, 'Z')) {
    } else if (pos < s.size() && (s[pos] == '+' || s[pos] == '-')) {
      int sign = s[pos] == '-' ? -1 : 1;
      ++pos;
      int oh, om = 0;
      if (!read_digits(s, pos, 2, oh)) return std::nullopt;
      expect(s, pos, ':');
      if (pos < s.size() && !read_digits(s, pos, 2, om)) return std::nullopt;
      offset_minutes = sign * (oh * 60 + om);
    }
    if (pos != s.size()) return std::nullopt;
  }
  std::int64_t days =
    days_from_civil(year, static_cast<unsigned>(month), static_cast<unsigned>(day));
  std::int64_t secs = days * 86400 + hour * 3600 + minute * 60 + second - offset_minutes * 60;
  return secs * 1000000 + micros;
}

std::size_t format_iso8601(timestamp t, char* out) {
  std::int64_t secs = t / 1000000;
  std::int64_t rem = t % 1000000;
  if (rem < 0) {
    rem += 1000000;
    secs -= 1;
  }
  std::int64_t days = secs / 86400;
  std::int64_t sod = secs % 86400;
  if (sod < 0) {
    sod += 86400;
    days -= 1;
  }
  std::int64_t y;
  unsigned m, d;
  civil_from_days(days, y, m, d);
  int n = std::snprintf(out, 32, "%04lld-%02u-%02uT%02lld:%02lld:%02lld.%03lldZ",
                        static_cast<long long>(y), m, d, static_cast<long long>(sod / 3600),
                        static_cast<long long>(sod / 60 % 60), static_cast<long long>(sod % 60),
                        static_cast<long long>(rem / 1000));
  return n > 0 ? static_cast<std::size_t>(n) : 0;
}

std::string format_iso8601(timestamp t) {
  char buf[40];
  return std::string(buf, format_iso8601(t, buf));
}

std::string format_duration(duration_us d) {
  auto fmt = [](double v, const char* unit) {
    char buf[48];
    std::snprintf(buf, sizeof buf, "%g%s", v, unit);
    return std::string(buf);
  };
  if (d % 3600000000 == 0 && d != 0) return fmt(static_cast<double>(d) / 3600e6, "h");
  if (d % 60000000 == 0 && d != 0) return fmt(static_cast<double>(d) / 60e6, "m");
  if (d >= 1000000) return fmt(static_cast<double>(d) / 1e6, "s");
  if (d >= 1000) return fmt(static_cast<double>(d) / 1e3, "ms");
  return fmt(static_cast<double>(d), "us");
}

} // namespace sluice::core
