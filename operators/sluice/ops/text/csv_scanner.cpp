#include "sluice/ops/text/csv_scanner.hpp"

#include <algorithm>
#include <cstring>

namespace sluice::ops::text {

namespace {

using status = record_span::status;

record_span make_span(status s, std::size_t consumed, std::size_t length, std::size_t lines) {
  record_span r;
  r.what = s;
  r.consumed = consumed;
  r.length = length;
  r.lines = lines;
  return r;
}

std::size_t count_lines(const char* b, const char* e) {
  return static_cast<std::size_t>(std::count(b, e, '\n'));
}

} // namespace

record_span csv_scanner::scan(std::string_view data, bool at_eof) {
  const char* b = data.data();
  const char* e = b + data.size();
  const char* nl = static_cast<const char*>(std::memchr(b, '\n', data.size()));
  if (!nl && !at_eof) return make_span(status::incomplete, 0, 0, 0);
  const char* line_end = nl ? nl : e;
  if (std::memchr(b, '"', static_cast<std::size_t>(line_end - b))) return scan_quoted(data, at_eof);
  // Fast path: no quotes on the line, so fields are plain comma-separated text.
  const char* text_end = line_end;
  if (nl && text_end > b && text_end[-1] == '\r') --text_end;
  fields_.clear();
  const char* p = b;
  for (;;) {
    auto left = static_cast<std::size_t>(text_end - p);
    const char* comma = static_cast<const char*>(std::memchr(p, ',', left));
    const char* f_end = comma ? comma : text_end;
    fields_.push_back({std::string_view(p, static_cast<std::size_t>(f_end - p)), false});
    if (!comma) break;
    p = comma + 1;
  }
  auto length = static_cast<std::size_t>(text_end - b);
  if (!nl) return make_span(status::complete, data.size(), length, 0);
  return make_span(status::complete, static_cast<std::size_t>(nl - b) + 1, length, 1);
}

record_span csv_scanner::scan_quoted(std::string_view data, bool at_eof) {
  const std::size_t n = data.size();
  const char* d = data.data();
  refs_.clear();
  scratch_.clear();
  std::size_t pos = 0, lines = 0;
  auto resync = [&](std::size_t from, std::string reason) {
    const void* nl = std::memchr(d + from, '\n', n - from);
    std::size_t end = nl ? static_cast<std::size_t>(static_cast<const char*>(nl) - d) : n;
    if (!nl && !at_eof) return make_span(status::incomplete, 0, 0, 0);
    lines += nl ? 1 : 0;
    std::size_t text_end = end > 0 && d[end - 1] == '\r' && nl ? end - 1 : end;
    auto r = make_span(status::malformed, nl ? end + 1 : end, text_end, lines);
    r.reason = std::move(reason);
    return r;
  };
  for (;;) { // one field per round
    if (pos < n && d[pos] == '"') {
      auto begin = static_cast<std::uint32_t>(scratch_.size());
      std::size_t q = pos + 1;
      for (;;) {
        const void* hit = std::memchr(d + q, '"', n - q);
        if (!hit) {
          if (!at_eof) return make_span(status::incomplete, 0, 0, 0);
          lines += count_lines(d + pos, d + n);
          auto r = make_span(status::malformed, n, n, lines);
          r.reason = "unterminated quoted field " + std::to_string(refs_.size() + 1);
          return r;
        }
        auto at = static_cast<std::size_t>(static_cast<const char*>(hit) - d);
        lines += count_lines(d + q, d + at);
        scratch_.append(d + q, at - q);
        if (at + 1 < n && d[at + 1] == '"') { // doubled quote
          scratch_.push_back('"');
          q = at + 2;
          continue;
        }
        if (at + 1 == n && !at_eof) return make_span(status::incomplete, 0, 0, 0);
        pos = at + 1;
        break;
      }
      refs_.push_back({begin, static_cast<std::uint32_t>(scratch_.size() - begin), true, true});
      if (pos == n) break; // end of file right after the closing quote
      char c = d[pos];
      if (c == ',') {
        ++pos;
        continue;
      }
      if (c == '\n' || (c == '\r' && pos + 1 < n && d[pos + 1] == '\n')) break;
      if (c == '\r' && pos + 1 == n && !at_eof) return make_span(status::incomplete, 0, 0, 0);
      if (c == '\r' && pos + 1 == n) break;
      return resync(pos, "unexpected character after the closing quote of field "
                           + std::to_string(refs_.size()));
    }
    // Unquoted field: up to the next comma or line end.
    std::size_t f = pos;
    while (f < n && d[f] != ',' && d[f] != '\n') ++f;
    if (f == n && !at_eof) return make_span(status::incomplete, 0, 0, 0);
    std::size_t f_end = f;
    if (f < n && d[f] == '\n' && f_end > pos && d[f_end - 1] == '\r') --f_end;
    refs_.push_back(
      {static_cast<std::uint32_t>(pos), static_cast<std::uint32_t>(f_end - pos), false, false});
    pos = f;
    if (pos < n && d[pos] == ',') {
      ++pos;
      continue;
    }
    break;
  }
  // `pos` is at the line end (LF, CRLF) or the end of the data.
  std::size_t length = pos, consumed = pos;
  if (pos < n && d[pos] == '\r') ++consumed; // CRLF after a quote, or a CR ending the file
  if (consumed < n && d[consumed] == '\n') {
    ++consumed;
    ++lines;
  }
  if (pos < n && d[pos] == '\n' && pos > 0 && d[pos - 1] == '\r') --length;
  fields_.clear();
  for (const auto& r : refs_) {
    const char* base = r.in_scratch ? scratch_.data() : d;
    fields_.push_back({std::string_view(base + r.begin, r.length), r.quoted});
  }
  return make_span(status::complete, consumed, length, lines);
}

} // namespace sluice::ops::text
