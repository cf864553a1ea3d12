#pragma once

#include <cstddef>
#include <string>

#include <nlohmann/json.hpp>

#include "sluice/core/schema.hpp"

namespace sluice::ops::source {

/// The `schema` param of source.file: either an object of field name to
/// type name ("int", "double", "bool", "string", "timestamp"), whose fields
/// come in name order (JSON objects are unordered), or an array of
/// "name:type" strings, in the given order. Throws param_error("schema").
core::schema_ptr parse_schema_param(const nlohmann::json& spec);

/// Inference refuses a record longer than this (16 MiB) instead of reading on.
inline constexpr std::size_t max_sample_record_bytes = std::size_t{16} << 20;

/// Inference reads records up to this far into a file (64 KiB; at least one
/// whole record): binding a pipeline reads no more than that.
inline constexpr std::size_t max_sample_bytes = std::size_t{64} << 10;

/// Infers a schema from the first `max_records` records of the file at
/// `path` (JSON lines, or CSV with a header), within its first
/// max_sample_bytes. Fields come in order of first
/// appearance (CSV: header order). A field's type is the narrowest that holds
/// every non-null value seen: int; double (ints and doubles mixed); bool;
/// timestamp (strings that all parse as ISO-8601); string otherwise (also
/// for mixed kinds, nested values, or no value but null). Malformed records
/// are passed over; a CSV file with only a header gives string fields.
/// Throws param_error("path") naming the file if it cannot be read or holds
/// no record, or if a record is longer than max_sample_record_bytes.
core::schema_ptr infer_schema(const std::string& path, bool csv, std::size_t max_records = 1000);

/// infer_schema, remembered per (path, format, device, inode, size,
/// modification time) for the life of the process, errors included: the
/// editor binds on every edit, and re-binding an unchanged file reads
/// nothing. Thread-safe.
core::schema_ptr infer_schema_cached(const std::string& path, bool csv);

} // namespace sluice::ops::source
