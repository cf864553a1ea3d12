#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "sluice/core/column.hpp"
#include "sluice/core/time.hpp"
#include "sluice/core/value_type.hpp"

namespace sluice::ops::text {

/// Strict text-to-value conversions for CSV fields and schema inference:
/// the whole text must be the value (no spaces, no trailing characters).

/// Decimal int64 ("-12"); false on overflow.
bool parse_int_text(std::string_view text, std::int64_t& out);
/// A decimal or exponent number ("1.5", "-2e3", "7"), also "nan"/"inf".
bool parse_double_text(std::string_view text, double& out);
/// "true"/"false" in any letter case, or "1"/"0".
bool parse_bool_text(std::string_view text, bool& out);

/// The narrowest type the text of one CSV field suggests (for inference):
/// int64, float64 (numbers with a point or exponent), boolean (true/false
/// only), timestamp (ISO-8601), else string.
core::value_type classify_text(std::string_view text);

/// Appends `text` parsed as `col`'s type (int, double, bool as above;
/// timestamp: ISO-8601; string: the text itself); false, with nothing
/// appended, if it does not parse.
bool append_parsed(core::column& col, std::string_view text);

/// Widens an inferred type by one more non-empty value, for sources that
/// infer only numbers: int64, then float64, then string (start at int64).
core::value_type widen_for(core::value_type current, std::string_view text);

/// core::parse_iso8601 with a fast path for the common UTC form
/// "YYYY-MM-DDTHH:MM:SS[.fff]Z" that remembers the last date it saw
/// (consecutive records mostly share a day). Same results, same rejections.
class timestamp_parser {
public:
  std::optional<core::timestamp> operator()(std::string_view text);

private:
  char date_[10] = {};
  core::timestamp midnight_ = 0; ///< of date_
  bool cached_ = false;
};

} // namespace sluice::ops::text
