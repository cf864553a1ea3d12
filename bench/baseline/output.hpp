#pragma once

// Writes result records as JSON lines exactly as Sluice's sink.file does
// (fields in schema order, doubles in shortest round-trip form, timestamps
// as ISO-8601 UTC with milliseconds), so outputs compare line by line.

#include <charconv>
#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>

namespace nexmark_baseline {

class json_lines {
public:
  /// `file` null: records are only counted (benchmark runs).
  explicit json_lines(std::FILE* file) : file_(file) {}
  ~json_lines() { flush(); }

  bool writing() const { return file_ != nullptr; }
  std::uint64_t records() const { return records_; }

  // Each writer is a one-line inline check (so counting alone costs
  // nothing) around an out-of-line formatter.
  json_lines& begin() {
    ++records_;
    if (file_) begin_slow();
    return *this;
  }
  json_lines& i(std::string_view name, std::int64_t v) {
    if (file_) i_slow(name, v);
    return *this;
  }
  json_lines& d(std::string_view name, double v) {
    if (file_) d_slow(name, v);
    return *this;
  }
  json_lines& s(std::string_view name, std::string_view v) {
    if (file_) s_slow(name, v);
    return *this;
  }
  /// A timestamp in microseconds since the epoch.
  json_lines& t(std::string_view name, std::int64_t us) {
    if (file_) t_slow(name, us);
    return *this;
  }
  void end() {
    if (file_) end_slow();
  }
  void flush() {
    if (file_ && !line_.empty()) std::fwrite(line_.data(), 1, line_.size(), file_);
    line_.clear();
  }

private:
  __attribute__((noinline)) void begin_slow() {
    first_ = true;
    line_ += '{';
  }
  __attribute__((noinline)) void i_slow(std::string_view name, std::int64_t v) {
    key(name);
    char buf[24];
    auto r = std::to_chars(buf, buf + sizeof buf, v);
    line_.append(buf, static_cast<std::size_t>(r.ptr - buf));
  }
  __attribute__((noinline)) void d_slow(std::string_view name, double v) {
    key(name);
    char buf[32];
    auto r = std::to_chars(buf, buf + sizeof buf, v);
    line_.append(buf, static_cast<std::size_t>(r.ptr - buf));
  }
  __attribute__((noinline)) void s_slow(std::string_view name, std::string_view v) {
    key(name);
    line_ += '"';
    for (char c : v) {
      auto u = static_cast<unsigned char>(c);
      if (c == '"' || c == '\\') {
        line_ += '\\';
        line_ += c;
      } else if (u < 0x20) {
        char buf[8];
        std::snprintf(buf, sizeof buf, "\\u%04x", u);
        line_ += buf;
      } else {
        line_ += c;
      }
    }
    line_ += '"';
  }
  __attribute__((noinline)) void t_slow(std::string_view name, std::int64_t us) {
    key(name);
    line_ += '"';
    append_time(us);
    line_ += '"';
  }
  __attribute__((noinline)) void end_slow() {
    line_ += "}\n";
    if (line_.size() > (1 << 20)) flush();
  }
  void key(std::string_view name) {
    if (!first_) line_ += ',';
    first_ = false;
    line_ += '"';
    line_.append(name.data(), name.size());
    line_ += "\":";
  }
  void append_time(std::int64_t us) {
    std::int64_t ms = us >= 0 ? us / 1000 : -((-us + 999) / 1000);
    std::int64_t days = ms >= 0 ? ms / 86400000 : -((-ms + 86399999) / 86400000);
    std::int64_t rem = ms - days * 86400000;
    // civil_from_days (Howard Hinnant)
    std::int64_t z = days + 719468;
    std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    std::int64_t doe = z - era * 146097;
    std::int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    std::int64_t y = yoe + era * 400;
    std::int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    std::int64_t mp = (5 * doy + 2) / 153;
    std::int64_t d = doy - (153 * mp + 2) / 5 + 1;
    std::int64_t m = mp < 10 ? mp + 3 : mp - 9;
    if (m <= 2) ++y;
    char buf[96];
    std::snprintf(buf, sizeof buf, "%04lld-%02lld-%02lldT%02lld:%02lld:%02lld.%03lldZ",
                  static_cast<long long>(y), static_cast<long long>(m), static_cast<long long>(d),
                  static_cast<long long>(rem / 3600000), static_cast<long long>(rem / 60000 % 60),
                  static_cast<long long>(rem / 1000 % 60), static_cast<long long>(rem % 1000));
    line_ += buf;
  }

  std::FILE* file_;
  std::string line_;
  bool first_ = true;
  std::uint64_t records_ = 0;
};

} // namespace nexmark_baseline
