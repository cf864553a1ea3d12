#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "sluice/ops/text/record_span.hpp"

namespace sluice::ops::text {

/// One field of a CSV record. `quoted` tells `""` (an empty string) from an
/// empty unquoted field (a null).
struct csv_field {
  std::string_view text;
  bool quoted = false;
};

/// Splits RFC 4180 records: fields separated by commas, records by LF or
/// CRLF; a field that starts with a double quote runs to the matching quote
/// and may hold commas, line ends and doubled quotes (""). A quote inside an
/// unquoted field is taken literally. A character other than a comma or a
/// line end after a closing quote makes the record malformed (the scan then
/// resumes after the next line end); so does a quoted field still open at
/// the end of the file.
class csv_scanner {
public:
  /// Scans the record at the start of `data`; on `complete`, fields() holds
  /// its fields until the next scan.
  record_span scan(std::string_view data, bool at_eof);
  const std::vector<csv_field>& fields() const { return fields_; }

private:
  record_span scan_quoted(std::string_view data, bool at_eof);

  struct field_ref {
    std::uint32_t begin, length;
    bool in_scratch, quoted;
  };
  std::vector<field_ref> refs_;
  std::vector<csv_field> fields_;
  std::string scratch_; ///< unescaped quoted fields
};

} // namespace sluice::ops::text
