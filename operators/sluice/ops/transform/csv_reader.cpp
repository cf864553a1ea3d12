#include "sluice/ops/transform/csv_reader.hpp"

#include <stdexcept>

namespace sluice::ops {

bool csv_reader::next(std::vector<std::string>& fields, std::vector<bool>& quoted) {
  using traits = std::char_traits<char>;
  const auto eof = traits::eof();
  if (!started_) {
    started_ = true;
    const char bom[] = "\xEF\xBB\xBF";
    int matched = 0;
    while (matched < 3 && in_.sgetc() == traits::to_int_type(bom[matched])) {
      in_.sbumpc();
      ++matched;
    }
    if (matched != 0 && matched != 3) throw std::runtime_error("line 1: broken byte order mark");
  }
  for (;;) {
    record_line_ = line_;
    std::size_t n = 0;
    auto field = [&]() -> std::string& {
      if (fields.size() <= n) fields.emplace_back();
      if (quoted.size() <= n) quoted.push_back(false);
      return fields[n];
    };
    field().clear();
    quoted[0] = false;
    bool in_quotes = false, any = false;
    int c = in_.sbumpc();
    if (c == eof) return false;
    for (; c != eof; c = in_.sbumpc()) {
      char ch = traits::to_char_type(c);
      if (in_quotes) {
        if (ch == '"') {
          if (in_.sgetc() == '"') {
            in_.sbumpc();
            fields[n].push_back('"');
          } else {
            in_quotes = false;
          }
        } else {
          if (ch == '\n') ++line_;
          fields[n].push_back(ch);
        }
        continue;
      }
      if (ch == '"' && fields[n].empty() && !quoted[n]) {
        in_quotes = quoted[n] = any = true;
      } else if (ch == ',') {
        ++n;
        field().clear();
        quoted[n] = false;
        any = true;
      } else if (ch == '\n') {
        ++line_;
        break;
      } else if (ch == '\r' && in_.sgetc() == '\n') {
        // CRLF: the LF ends the record
      } else {
        fields[n].push_back(ch);
        any = true;
      }
    }
    if (in_quotes)
      throw std::runtime_error("line " + std::to_string(record_line_) + ": quote not closed");
    if (!any) {
      if (c == eof) return false;
      continue; // an empty line
    }
    fields.resize(n + 1);
    quoted.resize(n + 1);
    return true;
  }
}

} // namespace sluice::ops
