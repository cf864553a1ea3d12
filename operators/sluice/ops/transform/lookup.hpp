#pragma once

#include "sluice/core/descriptor.hpp"

namespace sluice::ops::transform {

/// `transform.lookup`: enriches each record with columns of a table loaded
/// once at start: a CSV file with a header line (`path`), or a table of a
/// SQLite database (`path` plus `table`).
///
/// `on` pairs stream fields with table columns: a list whose entries are a
/// name used on both sides or a pair [stream_field, table_column] (a single
/// string is one same-name key). `fields` lists the table columns to add
/// (default: every column that is not a key), appended after the input
/// fields, each named `prefix` + column name; a name already in the input
/// is a param error.
///
/// Column types: a key column takes the type of the stream field it is
/// paired with (its values are read as that type). The others come from
/// `schema` ({"column": "int" | "double" | "bool" | "string" | "timestamp"})
/// where given, else from the source: CSV columns are inferred from the
/// first 1000 rows (int if every value is an integer, else double if every
/// value is a number, else string); SQLite columns follow the declared type
/// (…INT… int; …CHAR…, …CLOB…, …TEXT… string; …REAL…, …FLOA…, …DOUB…,
/// NUMERIC, DECIMAL double; BOOL… bool; TIMESTAMP, DATETIME timestamp, as
/// ISO-8601 text or integer microseconds; anything else string). An empty
/// unquoted CSV field and a SQL NULL are null.
///
/// The factory reads only the header or the table's columns (and the CSV
/// inference rows); `open()` loads the rows. A value that does not convert
/// makes open() fail, naming the line or row and the column. Of table rows
/// with equal keys the first wins; null keys never match.
///
/// `unmatched`: "null" (default) emits the record with nulls in the added
/// fields; "drop" drops it (counted as filtered); "error" sends it to the
/// node's errors. Input columns are shared with the output, not copied,
/// when no record is dropped.
core::descriptor lookup_descriptor();

} // namespace sluice::ops::transform
