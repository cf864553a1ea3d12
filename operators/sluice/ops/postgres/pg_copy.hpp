#pragma once

// Rows of a batch in PostgreSQL's binary COPY format (COPY ... FROM STDIN
// WITH (FORMAT binary)): exact for every Sluice type (timestamps to the
// microsecond, doubles bit for bit) and cheaper for the server to read
// than text.

#include <string>
#include <vector>

#include "sluice/core/batch.hpp"

namespace sluice::ops::postgres {

/// Why PostgreSQL would refuse row `row` of `b` (a string with a NUL byte
/// or invalid UTF-8; a null in a column of `not_null`), or "" if it takes it.
std::string refusal(const core::batch& b, std::size_t row,
                    const std::vector<std::size_t>& not_null);

/// Builds one COPY stream: the header, rows, the trailer.
class copy_encoder {
public:
  void begin(); ///< clears, then writes the header
  void add_row(const core::batch& b, std::size_t row);
  void add_all(const core::batch& b);
  void end(); ///< writes the trailer
  /// Forgets the bytes written so far (handed on), keeps counting rows.
  void clear_data() { out_.clear(); }
  const std::string& data() const { return out_; }
  std::size_t rows() const { return rows_; }

private:
  std::string out_;
  std::size_t rows_ = 0;
};

} // namespace sluice::ops::postgres
