#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace sluice::core {

/// Event time: microseconds since the Unix epoch, UTC.
using timestamp = std::int64_t;
/// A span of event or processing time, in microseconds.
using duration_us = std::int64_t;

constexpr timestamp min_timestamp = INT64_MIN;
constexpr timestamp max_timestamp = INT64_MAX;

/// Parses "250us", "500ms", "10s", "5m", "2h", "1d" (a bare number means
/// seconds). Returns nullopt on anything else or a negative value.
std::optional<duration_us> parse_duration(std::string_view text);

/// Parses ISO-8601 UTC: "2026-01-01T00:00:00Z", with optional fractional
/// seconds and a "Z" or "+hh:mm"/"-hh:mm" offset; "2026-01-01" alone is midnight.
std::optional<timestamp> parse_iso8601(std::string_view text);

/// "2026-01-01T00:00:00.000Z": always UTC with milliseconds.
std::string format_iso8601(timestamp t);

/// Writes the same text as `format_iso8601` into `out` (at least 32 bytes);
/// returns the number of bytes written. No allocation: used by sinks.
std::size_t format_iso8601(timestamp t, char* out);

/// The proleptic Gregorian date of day `days` since 1970-01-01.
void civil_from_days(std::int64_t days, std::int64_t& year, unsigned& month, unsigned& day);

/// Human text for a duration: "1ms", "10s", "1.5s".
std::string format_duration(duration_us d);

} // namespace sluice::core
