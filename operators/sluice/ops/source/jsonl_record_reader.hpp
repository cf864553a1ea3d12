#pragma once

#include <memory>
#include <string>
#include <vector>

#include "sluice/core/schema.hpp"
#include "sluice/ops/source/record_reader.hpp"

namespace sluice::ops::source {

/// Reads JSON lines (one object per line, parsed with simdjson) into rows of
/// `schema`. Fields are matched by name: missing or null fields are null,
/// extra fields are ignored, a repeated field keeps its first value. A value
/// must have its field's type (an int field takes integers only; a double
/// field integers and decimals; a timestamp field ISO-8601 strings), except
/// that a string field takes any value: numbers and booleans as their text,
/// objects and arrays as their minified JSON. Blank lines are skipped.
class jsonl_record_reader final : public record_reader {
public:
  explicit jsonl_record_reader(core::schema_ptr schema);
  ~jsonl_record_reader() override;

  void start_file() override {}
  text::record_span scan(std::string_view data, bool at_eof) override;
  parse_outcome parse(std::string_view record, core::batch_builder& out,
                      std::string& reason) override;

private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

/// The line at the start of `data` (LF or CRLF ended), as a record span.
text::record_span scan_line(std::string_view data, bool at_eof);

} // namespace sluice::ops::source
