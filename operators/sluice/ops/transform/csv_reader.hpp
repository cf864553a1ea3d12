#pragma once

#include <cstddef>
#include <istream>
#include <string>
#include <vector>

namespace sluice::ops {

/// Reads RFC 4180 records from a stream: fields separated by commas, quoted
/// with double quotes (a doubled quote inside is one quote; commas, CR and
/// LF inside quotes are data), records ending in LF or CRLF. A UTF-8 byte
/// order mark at the start is skipped. Field buffers are reused between
/// records.
class csv_reader {
public:
  explicit csv_reader(std::istream& in) : in_(*in.rdbuf()) {}

  /// Reads the next record into `fields`; false at end of input. A record
  /// that is an empty line is skipped. `quoted[i]` tells whether field i was
  /// quoted (so "" is an empty string, an empty unquoted field a null).
  /// Throws std::runtime_error on a quote left open at end of input.
  bool next(std::vector<std::string>& fields, std::vector<bool>& quoted);

  /// Line number (1-based) where the last record read starts.
  std::size_t line() const { return record_line_; }

private:
  std::streambuf& in_;
  std::size_t line_ = 1, record_line_ = 0;
  bool started_ = false;
};

} // namespace sluice::ops
