#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "sluice/ops/text/csv_scanner.hpp"

namespace sluice::ops::text {

/// The records of a CSV text held whole in memory (a lookup table read at
/// open), scanned by the same csv_scanner as source.file. A UTF-8 byte order
/// mark at the start and empty lines are skipped.
class csv_text_reader {
public:
  explicit csv_text_reader(std::string text);

  /// Moves to the next record; false at the end. Throws std::runtime_error
  /// "line N: <reason>" on a malformed record (a quote left open, a stray
  /// character after a closing quote).
  bool next();
  /// The fields of the current record, valid until the next call.
  const std::vector<csv_field>& fields() const { return scanner_.fields(); }
  /// Line number (1-based) where the current record starts.
  std::size_t line() const { return record_line_; }

private:
  std::string text_;
  std::size_t pos_ = 0, size_ = 0, line_ = 1, record_line_ = 0;
  csv_scanner scanner_;
};

} // namespace sluice::ops::text
