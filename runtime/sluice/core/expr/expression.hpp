#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "sluice/core/batch.hpp"

namespace sluice::core::expr {

/// An expression that does not parse or type-check. `position` is the
/// 1-based column in the expression text where the problem starts.
class expression_error : public std::runtime_error {
public:
  expression_error(std::size_t position, const std::string& message)
    : std::runtime_error(message), position_(position) {}
  std::size_t position() const { return position_; }

private:
  std::size_t position_;
};

/// Rows an evaluation could not compute (division by zero, ...), each with
/// its reason. Their value in the result column is null.
struct row_errors {
  std::vector<std::uint32_t> rows;
  std::vector<std::string> reasons;
  bool empty() const { return rows.empty(); }
};

class node; // the compiled tree (internal)

/// An expression compiled against one input schema: field names are
/// resolved to column indexes, every operator and function is typed,
/// constants are computed and regular expressions compiled, once, at plan
/// time. Evaluation is batch-at-a-time: each node of the tree runs a tight
/// loop over whole columns; nothing is allocated per record.
///
/// The language is the scalar part of SQL (full reference with every
/// function: operators/docs/expressions.md):
/// - literals: ints, doubles, 'strings', true/false, NULL, durations (5s,
///   250ms, 1m, 2h, 1d, INTERVAL '5' SECOND: ints of microseconds); fields
///   bare or "quoted" (reserved words must be quoted);
/// - operators, loosest first: OR, AND, NOT, comparisons (= != <> < <= > >=)
///   with IS [NOT] NULL/TRUE/FALSE, [NOT] IN (...), [NOT] BETWEEN .. AND ..,
///   [NOT] LIKE .. [ESCAPE ..], then ||, + -, * / %, unary minus;
/// - CASE WHEN .. THEN .. [ELSE ..] END, CASE x WHEN .., CAST(x AS type),
///   EXTRACT(part FROM ts), and case-insensitive functions: string (lower,
///   substr, regexp_match, ...), math (abs, round, sqrt, pow, ...), time
///   (to_timestamp, date_trunc, ...), coalesce, if, nullif, greatest, least,
///   hash.
/// int op double gives double; timestamp +/- int (microseconds) gives a
/// timestamp. Nulls follow SQL's three-valued logic. Type errors are
/// expression_errors at compile time; values that cannot be computed
/// (division by zero, a failed cast, sqrt of a negative) are row errors.
class compiled_expression {
public:
  /// Throws expression_error.
  static compiled_expression compile(std::string_view text, const schema& input);

  value_type type() const;
  const std::string& text() const { return text_; }

  /// Evaluates over all rows of `b` (whose schema is the one compiled
  /// against). Rows that fail are listed in `errors` (if given; otherwise the
  /// first failure throws record_error) and are null in the result.
  column_ptr evaluate(const batch& b, row_errors* errors = nullptr) const;

private:
  std::string text_;
  std::shared_ptr<const node> root_;
};

} // namespace sluice::core::expr
