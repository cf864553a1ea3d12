#pragma once

#include <cstddef>
#include <string>

#include "sluice/core/batch.hpp"
#include "sluice/core/time.hpp"

namespace sluice::core {

/// Text forms of records, shared by the sinks and by the runtime (which shows
/// a failing record as JSON). All functions append to `out` and allocate only
/// when `out` grows.
///
/// Values: int64 as decimal; float64 in shortest round-trip form
/// (std::to_chars; NaN and infinities become null in JSON, empty in CSV);
/// bool as true/false; timestamp as ISO-8601 UTC with milliseconds
/// ("2026-01-01T00:00:00.001Z"); null as `null` in JSON, empty in CSV.

/// Row `row` of `b` as one JSON object, fields in schema order, no newline:
/// {"seq":0,"ts":"2026-01-01T00:00:00.000Z","key":"k0","value":0}
void append_json_record(const batch& b, std::size_t row, std::string& out);

/// The field names of `s`, comma separated, RFC 4180 quoted, with "\n".
void append_csv_header(const schema& s, std::string& out);

/// Row `row` of `b` as one RFC 4180 line, with "\n". Fields containing a
/// comma, a double quote, CR or LF are quoted, inner quotes doubled.
void append_csv_record(const batch& b, std::size_t row, std::string& out);

/// Row `row` of `c` as plain text, unquoted (a string as it is); a null
/// appends nothing. What templates such as `alerts/{device}` insert.
void append_text_value(const column& c, std::size_t row, std::string& out);

/// Appends `s` JSON-escaped, without the surrounding quotes. Bytes that are
/// not well-formed UTF-8 become U+FFFD, one per byte: the output is always
/// valid JSON, whatever a source read.
void append_json_escaped(std::string_view s, std::string& out);

/// Appends the text of `format_iso8601(t)`, digit by digit (no snprintf).
void append_iso8601(timestamp t, std::string& out);

} // namespace sluice::core
