#pragma once

#include <string>
#include <vector>

#include "sluice/core/column.hpp"
#include "sluice/core/schema.hpp"
#include "sluice/ops/text/file_version_cache.hpp"

namespace sluice::ops::transform {

/// Where transform.lookup reads its table: a CSV file with a header line, or
/// a table of a SQLite database (when `table` is not empty).
struct lookup_source {
  std::string path;
  std::string table;
  bool is_sqlite() const { return !table.empty(); }
};

/// Rows used to infer CSV column types.
constexpr std::size_t csv_inference_rows = 1000;

/// The columns the source offers, in its order, remembered per file version
/// (binding reads an unchanged file once). CSV: names from the header,
/// types inferred from the first csv_inference_rows rows (int, else double,
/// else string; a column with no value is string). SQLite: types from the
/// declared column types (see lookup.hpp). Throws core::param_error naming
/// `path` (missing or unreadable file, bad header) or `table` (no such
/// table).
std::vector<core::field> describe_source(const lookup_source& src);

/// Reads every row's values of the columns `wanted` (by name, converted to
/// the given types) into `out`, one column per wanted field. An empty CSV
/// field or a SQL NULL is a null; a value that does not convert throws
/// std::runtime_error naming the file, the line (CSV) or row, and the column.
std::vector<core::column> load_source(const lookup_source& src,
                                      const std::vector<core::field>& wanted);

// The two formats, behind describe_source / load_source.
std::vector<core::field> describe_csv(const std::string& path);
std::vector<core::column> load_csv(const std::string& path, const std::vector<core::field>& wanted);
std::vector<core::field> describe_sqlite(const lookup_source& src);
std::vector<core::column> load_sqlite(const lookup_source& src,
                                      const std::vector<core::field>& wanted);

inline std::vector<core::field> describe_source(const lookup_source& src) {
  return text::remembered_per_file_version<std::vector<core::field>>(
    src.path, src.is_sqlite() ? "sqlite:" + src.table : "csv",
    [&] { return src.is_sqlite() ? describe_sqlite(src) : describe_csv(src.path); });
}

inline std::vector<core::column> load_source(const lookup_source& src,
                                             const std::vector<core::field>& wanted) {
  return src.is_sqlite() ? load_sqlite(src, wanted) : load_csv(src.path, wanted);
}

} // namespace sluice::ops::transform
