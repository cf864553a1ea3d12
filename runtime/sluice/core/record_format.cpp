#include "sluice/core/record_format.hpp"

#include <charconv>
#include <cmath>
#include <cstring>

namespace sluice::core {

namespace {

inline void put2(char* p, unsigned v) {
  p[0] = static_cast<char>('0' + v / 10);
  p[1] = static_cast<char>('0' + v % 10);
}

void append_int(std::int64_t v, std::string& out) {
  char buf[24];
  auto r = std::to_chars(buf, buf + sizeof buf, v);
  out.append(buf, static_cast<std::size_t>(r.ptr - buf));
}

// Appends a finite double in shortest round-trip form; false for NaN/inf.
bool append_double(double v, std::string& out) {
  if (!std::isfinite(v)) return false;
  char buf[32];
  auto r = std::to_chars(buf, buf + sizeof buf, v);
  out.append(buf, static_cast<std::size_t>(r.ptr - buf));
  return true;
}

bool needs_json_escape(unsigned char c) { return c < 0x20 || c == '"' || c == '\\' || c >= 0x80; }

/// Length of the well-formed UTF-8 sequence that starts at s[i] (lead byte
/// >= 0x80), or 0: a stray continuation byte, a truncated sequence, an
/// overlong form, a surrogate or a code point above U+10FFFF.
std::size_t utf8_sequence_length(std::string_view s, std::size_t i) {
  auto at = [&](std::size_t k) { return static_cast<unsigned char>(s[i + k]); };
  auto cont = [&](std::size_t k) { return i + k < s.size() && (at(k) & 0xC0) == 0x80; };
  unsigned char c = at(0);
  if (c >= 0xC2 && c <= 0xDF) return cont(1) ? 2 : 0;
  if (c >= 0xE0 && c <= 0xEF) {
    if (!cont(1) || !cont(2)) return 0;
    if (c == 0xE0 && at(1) < 0xA0) return 0;  // overlong
    if (c == 0xED && at(1) >= 0xA0) return 0; // surrogate
    return 3;
  }
  if (c >= 0xF0 && c <= 0xF4) {
    if (!cont(1) || !cont(2) || !cont(3)) return 0;
    if (c == 0xF0 && at(1) < 0x90) return 0;  // overlong
    if (c == 0xF4 && at(1) >= 0x90) return 0; // above U+10FFFF
    return 4;
  }
  return 0;
}

bool needs_csv_quotes(std::string_view s) {
  for (char c : s)
    if (c == ',' || c == '"' || c == '\r' || c == '\n') return true;
  return false;
}

void append_csv_field(std::string_view s, std::string& out) {
  if (!needs_csv_quotes(s)) {
    out.append(s);
    return;
  }
  out.push_back('"');
  for (char c : s) {
    if (c == '"') out.push_back('"');
    out.push_back(c);
  }
  out.push_back('"');
}

} // namespace

void append_iso8601(timestamp t, std::string& out) {
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
  // Consecutive records mostly share a day: remember its "YYYY-MM-DDT".
  thread_local std::int64_t cached_days = INT64_MIN;
  thread_local char date[11];
  if (days != cached_days) {
    std::int64_t y;
    unsigned m, d;
    civil_from_days(days, y, m, d);
    if (y < 0 || y > 9999) { // rare: let the general formatter handle it
      char buf[40];
      out.append(buf, format_iso8601(t, buf));
      return;
    }
    auto year = static_cast<unsigned>(y);
    put2(date, year / 100);
    put2(date + 2, year % 100);
    date[4] = '-';
    put2(date + 5, m);
    date[7] = '-';
    put2(date + 8, d);
    date[10] = 'T';
    cached_days = days;
  }
  auto s = static_cast<unsigned>(sod);
  auto ms = static_cast<unsigned>(rem / 1000);
  char buf[24];
  std::memcpy(buf, date, 11);
  put2(buf + 11, s / 3600);
  buf[13] = ':';
  put2(buf + 14, s / 60 % 60);
  buf[16] = ':';
  put2(buf + 17, s % 60);
  buf[19] = '.';
  buf[20] = static_cast<char>('0' + ms / 100);
  put2(buf + 21, ms % 100);
  buf[23] = 'Z';
  out.append(buf, 24);
}

void append_json_escaped(std::string_view s, std::string& out) {
  static const char hex[] = "0123456789abcdef";
  std::size_t start = 0;
  for (std::size_t i = 0; i < s.size(); ++i) {
    auto c = static_cast<unsigned char>(s[i]);
    if (!needs_json_escape(c)) continue;
    if (c >= 0x80) {
      if (auto n = utf8_sequence_length(s, i)) {
        i += n - 1; // well-formed: copied as it is
        continue;
      }
      // Not UTF-8: the byte becomes U+FFFD, so the output stays valid JSON.
      out.append(s.data() + start, i - start);
      start = i + 1;
      out.append("\xEF\xBF\xBD");
      continue;
    }
    out.append(s.data() + start, i - start);
    start = i + 1;
    switch (c) {
      case '"': out.append("\\\""); break;
      case '\\': out.append("\\\\"); break;
      case '\n': out.append("\\n"); break;
      case '\r': out.append("\\r"); break;
      case '\t': out.append("\\t"); break;
      case '\b': out.append("\\b"); break;
      case '\f': out.append("\\f"); break;
      default: {
        char u[6] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15]};
        out.append(u, 6);
      }
    }
  }
  out.append(s.data() + start, s.size() - start);
}

void append_json_record(const batch& b, std::size_t row, std::string& out) {
  const auto& fields = b.fields().fields();
  out.push_back('{');
  for (std::size_t i = 0; i < fields.size(); ++i) {
    if (i) out.push_back(',');
    out.push_back('"');
    append_json_escaped(fields[i].name, out);
    out.append("\":");
    const column& c = b.col(i);
    if (c.is_null(row)) {
      out.append("null");
      continue;
    }
    switch (c.type()) {
      case value_type::int64: append_int(c.ints[row], out); break;
      case value_type::float64:
        if (!append_double(c.doubles[row], out)) out.append("null");
        break;
      case value_type::boolean: out.append(c.bools[row] ? "true" : "false"); break;
      case value_type::string:
        out.push_back('"');
        append_json_escaped(c.string_at(row), out);
        out.push_back('"');
        break;
      case value_type::timestamp:
        out.push_back('"');
        append_iso8601(c.ints[row], out);
        out.push_back('"');
        break;
    }
  }
  out.push_back('}');
}

void append_csv_header(const schema& s, std::string& out) {
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (i) out.push_back(',');
    append_csv_field(s.at(i).name, out);
  }
  out.push_back('\n');
}

void append_text_value(const column& c, std::size_t row, std::string& out) {
  if (c.is_null(row)) return;
  switch (c.type()) {
    case value_type::int64: append_int(c.ints[row], out); break;
    case value_type::float64: append_double(c.doubles[row], out); break;
    case value_type::boolean: out.append(c.bools[row] ? "true" : "false"); break;
    case value_type::string: out.append(c.string_at(row)); break;
    case value_type::timestamp: append_iso8601(c.ints[row], out); break;
  }
}

void append_csv_record(const batch& b, std::size_t row, std::string& out) {
  for (std::size_t i = 0; i < b.num_columns(); ++i) {
    if (i) out.push_back(',');
    const column& c = b.col(i);
    if (c.is_null(row)) continue;
    switch (c.type()) {
      case value_type::int64: append_int(c.ints[row], out); break;
      case value_type::float64: append_double(c.doubles[row], out); break;
      case value_type::boolean: out.append(c.bools[row] ? "true" : "false"); break;
      case value_type::string: append_csv_field(c.string_at(row), out); break;
      case value_type::timestamp: append_iso8601(c.ints[row], out); break;
    }
  }
  out.push_back('\n');
}

} // namespace sluice::core
