#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "sluice/core/batch.hpp"
#include "sluice/ops/text/record_span.hpp"

namespace sluice::ops::source {

/// What parsing one record did to the batch being built.
enum class parse_outcome {
  row,     ///< appended one row
  skipped, ///< not a data record (a CSV header, a blank line): nothing appended
  error,   ///< appended nothing; `reason` says why
};

/// Turns the records of one text format into rows of a fixed schema. The
/// source calls scan() on the unconsumed bytes of a file, then parse() on the
/// record it found, in that order, record after record. Readers reuse their
/// buffers: no allocation per record once warmed up (except on errors).
class record_reader {
public:
  virtual ~record_reader() = default;

  /// A new file starts (for CSV, its first record is its header).
  virtual void start_file() = 0;

  /// Finds the record at the start of `data`. `at_eof`: no byte will follow,
  /// so a record without a line end is complete. At least 64 readable bytes
  /// follow `data` (see file_cursor::padding).
  virtual text::record_span scan(std::string_view data, bool at_eof) = 0;

  /// Appends `record` (the text of the span scan() just returned, without
  /// its line end) as one row of `out`. On error nothing is appended, and
  /// `reason` names the field: "field 'price': expected double, got string".
  virtual parse_outcome parse(std::string_view record, core::batch_builder& out,
                              std::string& reason) = 0;
};

/// Drops rows past `rows` from every column of `out` (undoes a partly
/// appended row).
void truncate_rows(core::batch_builder& out, std::size_t rows, std::size_t num_columns);

} // namespace sluice::ops::source
