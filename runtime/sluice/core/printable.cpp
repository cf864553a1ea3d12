#include "sluice/core/printable.hpp"

namespace sluice::core {

namespace {

void append_escaped(std::string_view text, bool keep_newlines, std::string& out) {
  static const char hex[] = "0123456789abcdef";
  for (char ch : text) {
    auto c = static_cast<unsigned char>(ch);
    bool control = c < 0x20 || c == 0x7f;
    if (!control || c == '\t' || (keep_newlines && c == '\n')) {
      out.push_back(ch);
      continue;
    }
    out += "\\x";
    out.push_back(hex[c >> 4]);
    out.push_back(hex[c & 15]);
  }
}

} // namespace

std::string printable(std::string_view text, std::size_t max_bytes, bool keep_newlines) {
  std::string out;
  if (text.size() <= max_bytes) {
    append_escaped(text, keep_newlines, out);
    return out;
  }
  const std::size_t keep = max_bytes / 2;
  append_escaped(text.substr(0, keep), keep_newlines, out);
  out += "...[" + std::to_string(text.size() - 2 * keep) + " bytes left out]...";
  append_escaped(text.substr(text.size() - keep), keep_newlines, out);
  return out;
}

} // namespace sluice::core
