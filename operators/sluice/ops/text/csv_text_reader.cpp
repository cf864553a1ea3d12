#include "sluice/ops/text/csv_text_reader.hpp"

#include <stdexcept>
#include <string_view>

namespace sluice::ops::text {

namespace {
// csv_scanner's contract: readable bytes follow the data it scans.
constexpr std::size_t scanner_padding = 64;
} // namespace

csv_text_reader::csv_text_reader(std::string text) : text_(std::move(text)) {
  size_ = text_.size();
  if (std::string_view(text_).substr(0, 3) == "\xEF\xBB\xBF") pos_ = 3;
  text_.append(scanner_padding, '\0');
}

bool csv_text_reader::next() {
  while (pos_ < size_) {
    auto span = scanner_.scan(std::string_view(text_.data() + pos_, size_ - pos_), true);
    record_line_ = line_;
    if (span.consumed == 0) // cannot happen at the end of the data; never loop on it
      throw std::runtime_error("line " + std::to_string(record_line_) + ": unreadable record");
    pos_ += span.consumed;
    line_ += span.lines;
    if (span.what == record_span::status::malformed)
      throw std::runtime_error("line " + std::to_string(record_line_) + ": " + span.reason);
    if (span.length == 0) continue; // an empty line
    return true;
  }
  return false;
}

} // namespace sluice::ops::text
