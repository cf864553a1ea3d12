#include "sluice/observe/sse_parser.hpp"

namespace sluice::observe {

bool sse_parser::feed(std::string_view chunk, const std::function<bool(const sse_message&)>& on) {
  std::size_t start = 0;
  while (start < chunk.size()) {
    auto nl = chunk.find('\n', start);
    if (nl == std::string_view::npos) {
      partial_.append(chunk.substr(start));
      if (partial_.size() > max_line_)
        throw std::runtime_error("an event line is longer than " + std::to_string(max_line_ / 1024)
                                 + " KiB");
      return true;
    }
    bool go_on;
    if (partial_.empty()) {
      go_on = line(chunk.substr(start, nl - start), on);
    } else {
      partial_.append(chunk.substr(start, nl - start));
      std::string whole;
      whole.swap(partial_);
      go_on = line(whole, on);
    }
    if (!go_on) return false;
    start = nl + 1;
  }
  return true;
}

bool sse_parser::line(std::string_view l, const std::function<bool(const sse_message&)>& on) {
  if (!l.empty() && l.back() == '\r') l.remove_suffix(1);
  if (l.empty()) { // the end of a message
    bool go_on = true;
    if (has_data_) go_on = on(current_);
    current_ = sse_message{};
    has_data_ = false;
    return go_on;
  }
  if (l.front() == ':') return true; // a comment
  auto colon = l.find(':');
  auto field = l.substr(0, colon);
  std::string_view value;
  if (colon != std::string_view::npos) {
    value = l.substr(colon + 1);
    if (!value.empty() && value.front() == ' ') value.remove_prefix(1);
  }
  if (field == "event") {
    current_.event = std::string(value);
  } else if (field == "data") {
    if (has_data_) current_.data += '\n';
    current_.data.append(value);
    has_data_ = true;
  }
  return true;
}

} // namespace sluice::observe
