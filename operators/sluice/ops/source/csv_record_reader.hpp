#pragma once

#include <vector>

#include "sluice/core/schema.hpp"
#include "sluice/ops/source/record_reader.hpp"
#include "sluice/ops/text/csv_scanner.hpp"
#include "sluice/ops/text/text_values.hpp"

namespace sluice::ops::source {

/// Reads CSV files with a header line into rows of `schema`. Columns are
/// matched to fields by header name (per file, so files of a glob may order
/// their columns differently); header columns not in the schema are ignored,
/// schema fields missing from the header are null. An empty unquoted field is
/// null; `""` is an empty string. A record whose field count differs from
/// the header's is an error; blank lines are skipped (unless the header has
/// one column: then a blank line is a null).
class csv_record_reader final : public record_reader {
public:
  explicit csv_record_reader(core::schema_ptr schema);

  void start_file() override;
  text::record_span scan(std::string_view data, bool at_eof) override;
  parse_outcome parse(std::string_view record, core::batch_builder& out,
                      std::string& reason) override;

private:
  void read_header();

  core::schema_ptr schema_;
  text::csv_scanner scanner_;
  text::timestamp_parser parse_time_;
  bool header_pending_ = true;
  std::vector<int> field_of_column_; ///< header column -> schema field, or -1
  std::vector<std::size_t> absent_;  ///< schema fields not in the header
  std::size_t header_columns_ = 0;
};

} // namespace sluice::ops::source
