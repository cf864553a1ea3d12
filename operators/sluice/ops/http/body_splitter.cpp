#include "sluice/ops/http/body_splitter.hpp"

namespace sluice::ops::http {

namespace {

bool blank(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

std::size_t skip_blank(std::string_view s, std::size_t pos) {
  while (pos < s.size() && blank(s[pos])) ++pos;
  return pos;
}

} // namespace

bool is_json_array(std::string_view body) {
  const std::size_t pos = skip_blank(body, 0);
  return pos < body.size() && body[pos] == '[';
}

bool split_json_array(std::string_view body, std::vector<body_piece>& out, std::string& reason) {
  std::size_t pos = skip_blank(body, 0);
  if (pos >= body.size() || body[pos] != '[') {
    reason = "the body is not a JSON array";
    return false;
  }
  pos = skip_blank(body, pos + 1);
  if (pos < body.size() && body[pos] == ']') {
    if (skip_blank(body, pos + 1) != body.size()) {
      reason = "text after the array";
      return false;
    }
    return true;
  }
  for (std::size_t number = 1;; ++number) {
    pos = skip_blank(body, pos);
    const std::size_t start = pos;
    int depth = 0;
    bool in_string = false;
    for (; pos < body.size(); ++pos) {
      const char c = body[pos];
      if (in_string) {
        if (c == '\\') ++pos;
        else if (c == '"') in_string = false;
      } else if (c == '"') in_string = true;
      else if (c == '{' || c == '[') ++depth;
      else if (c == '}' || c == ']') {
        if (depth == 0) break;
        --depth;
      } else if (c == ',' && depth == 0) break;
    }
    const std::string where = "element " + std::to_string(number);
    if (pos >= body.size()) {
      reason = where + ": the array is not closed";
      return false;
    }
    std::size_t end = pos;
    while (end > start && blank(body[end - 1])) --end;
    if (end == start) {
      reason = where + ": empty element";
      return false;
    }
    if (body[pos] == '}') {
      reason = where + ": '}' without its '{'";
      return false;
    }
    out.push_back({body.substr(start, end - start), number});
    if (body[pos] == ']') break;
    ++pos; // the comma
  }
  if (skip_blank(body, pos + 1) != body.size()) {
    reason = "text after the array";
    return false;
  }
  return true;
}

void split_lines(std::string_view body, std::vector<body_piece>& out) {
  std::size_t number = 0, pos = 0;
  while (pos < body.size()) {
    ++number;
    std::size_t end = body.find('\n', pos);
    if (end == std::string_view::npos) end = body.size();
    std::size_t stop = end;
    if (stop > pos && body[stop - 1] == '\r') --stop;
    std::string_view line = body.substr(pos, stop - pos);
    bool all_blank = true;
    for (char c : line)
      if (!blank(c)) {
        all_blank = false;
        break;
      }
    if (!all_blank) out.push_back({line, number});
    pos = end + 1;
  }
}

} // namespace sluice::ops::http
