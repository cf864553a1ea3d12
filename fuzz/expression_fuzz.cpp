// Fuzz target: the expression language. The input is the expression text; it
// is compiled against a fixed schema with fields of every type (named as in
// operators/docs/expressions.md and tests/core/expr, so the seeds compile) and
// evaluated on a batch of edge values: nulls, zero, the int64 limits, -0.0,
// NaN, infinities, empty and non-UTF-8 strings, timestamps far from now.
// expression_error (compile) and record_error (evaluation without an error
// list) are expected; anything else escaping, a crash, a sanitizer report or
// a result that breaks the documented contract is a finding.

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <iterator>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "finding.hpp"
#include "sluice/core/batch.hpp"
#include "sluice/core/errors.hpp"
#include "sluice/core/expr/expression.hpp"

namespace {

using namespace sluice::core;
using sluice::fuzz::finding;

constexpr std::int64_t int_min = std::numeric_limits<std::int64_t>::min();
constexpr std::int64_t int_max = std::numeric_limits<std::int64_t>::max();
constexpr double inf = std::numeric_limits<double>::infinity();
constexpr std::size_t rows = 8;

// One column's values; nullopt is a null.
template <class T>
using values = std::vector<std::optional<T>>;

const values<std::int64_t> ints[] = {
  {7, -7, 0, int_max, int_min, std::nullopt, 1, -1},
  {2, 0, -1, -1, -1, 5, std::nullopt, int_max},
  {0, 3, 64, 63, -64, int_min, 100, std::nullopt},
  {18, std::nullopt, 65, 0, -5, 120, int_max, 30},
};
const values<std::int64_t> times[] = {
  // 2026-01-01, the epoch, just before it, year 1, the limits, a leap day
  {1767225600000000, 0, -1, -62135596800000000, int_max, int_min, std::nullopt, 951782400123456},
  {std::nullopt, 1767225659999999, 253402300799999999, 1, -86400000000, 0, int_max, int_min},
};
const values<double> doubles[] = {
  {1.5, -0.0, std::nan(""), inf, -inf, std::nullopt, 1e308, -2.5e-308},
  {0.0, 2.0, -1.0, 0.5, std::nullopt, 9.223372036854775807e18, -9.3e18, 4.9e-324},
  {std::nullopt, 100.0, 0.1, -0.1, 1e-9, 3.0, 2.5, inf},
};
const values<bool> bools[] = {
  {true, false, std::nullopt, true, false, true, std::nullopt, false},
  {false, std::nullopt, true, true, false, false, true, true},
};
const values<std::string> strings[] = {
  {"", "abc", "2026-01-01T00:00:00Z", std::string("\xc3", 1), "a%b_c\\", std::nullopt, "12",
   "\xc3\xa9t\xc3\xa9 \xe6\x97\xa5\xe6\x9c\xac"},
  {"%", std::nullopt, "a_c", "\\%", "", "[a-z]+", "(", std::string("x\0y", 3)},
  {"-9223372036854775808", "1e400", "true", " 42 ", "NaN", "2026-02-30", std::nullopt,
   "9223372036854775808"},
};

// Field names with the index of their values in the table of their type.
struct column_spec {
  const char* name;
  value_type type;
  std::size_t values;
};

const column_spec columns[] = {
  {"seq", value_type::int64, 0},
  {"ts", value_type::timestamp, 0},
  {"key", value_type::string, 0},
  {"value", value_type::float64, 0},
  {"i", value_type::int64, 0},
  {"j", value_type::int64, 1},
  {"n", value_type::int64, 2},
  {"age", value_type::int64, 3},
  {"x", value_type::float64, 0},
  {"d", value_type::float64, 1},
  {"score", value_type::float64, 2},
  {"price", value_type::float64, 2},
  {"unit price", value_type::float64, 1},
  {"b", value_type::boolean, 0},
  {"a", value_type::boolean, 1},
  {"flagged", value_type::boolean, 1},
  {"s", value_type::string, 0},
  {"p", value_type::string, 1},
  {"name", value_type::string, 0},
  {"email", value_type::string, 2},
  {"status", value_type::string, 1},
  {"end", value_type::string, 2},
  {"t", value_type::timestamp, 1},
  {"m", value_type::timestamp, 1},
  {"id", value_type::int64, 1},
  {"amount", value_type::float64, 0},
  {"y", value_type::boolean, 0},
  {"country", value_type::string, 1},
  {"raw_price", value_type::string, 2},
  {"path", value_type::string, 1},
};

template <class T, class Append>
void fill(column& c, const values<T>& v, Append append) {
  for (const auto& x : v) {
    if (x) append(c, *x);
    else c.append_null();
  }
}

batch_ptr make_events() {
  std::vector<field> fields;
  for (const auto& c : columns) fields.push_back({c.name, c.type});
  batch_builder b(make_schema(std::move(fields)), rows);
  for (std::size_t i = 0; i < std::size(columns); ++i) {
    auto& c = b.column_at(i);
    const auto& spec = columns[i];
    switch (spec.type) {
      case value_type::int64:
        fill(c, ints[spec.values], [](column& to, std::int64_t v) { to.append_int(v); });
        break;
      case value_type::timestamp:
        fill(c, times[spec.values], [](column& to, std::int64_t v) { to.append_int(v); });
        break;
      case value_type::float64:
        fill(c, doubles[spec.values], [](column& to, double v) { to.append_double(v); });
        break;
      case value_type::boolean:
        fill(c, bools[spec.values], [](column& to, bool v) { to.append_bool(v); });
        break;
      case value_type::string:
        fill(c, strings[spec.values],
             [](column& to, const std::string& v) { to.append_string(v); });
        break;
    }
  }
  return b.finish();
}

const batch_ptr& events() {
  static const batch_ptr b = make_events();
  return b;
}

// The result of evaluate over `b`: one value per row, of the compiled type,
// null where a row failed.
void check_result(const expr::compiled_expression& e, const batch& b, const column_ptr& out,
                  const expr::row_errors& errors) {
  if (!out) finding("evaluate returned no column for '" + e.text() + "'");
  if (out->type() != e.type()) finding("result type differs from the compiled type");
  if (out->size() != b.rows())
    finding("result has " + std::to_string(out->size()) + " rows for " + std::to_string(b.rows()));
  if (out->has_nulls() && out->valid.size() != b.rows()) finding("result validity length differs");
  if (errors.rows.size() != errors.reasons.size()) finding("row errors without reasons");
  for (std::size_t k = 0; k < errors.rows.size(); ++k) {
    auto r = errors.rows[k];
    if (r >= b.rows()) finding("row error names row " + std::to_string(r) + " past the batch");
    if (!out->is_null(r)) finding("a failed row is not null in the result");
    if (k > 0 && r <= errors.rows[k - 1]) finding("row errors are not in row order");
  }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  const auto& b = events();
  std::optional<expr::compiled_expression> e;
  try {
    e = expr::compiled_expression::compile(text, b->fields());
  } catch (const expr::expression_error& err) {
    if (err.position() > size + 1)
      finding("error position " + std::to_string(err.position()) + " is past the text");
    return 0;
  }

  expr::row_errors errors;
  check_result(*e, *b, e->evaluate(*b, &errors), errors);

  // Without an error list a failing row throws record_error naming it.
  try {
    e->evaluate(*b);
    if (!errors.empty()) finding("a failing row did not throw without an error list");
  } catch (const record_error& err) {
    if (std::find(errors.rows.begin(), errors.rows.end(), err.row()) == errors.rows.end())
      finding("record_error names row " + std::to_string(err.row())
              + ", which the error list does not have");
  }

  // An empty batch and one row alone (a batch slice, as operators pass them).
  auto none = b->slice(0, 0);
  expr::row_errors none_errors;
  check_result(*e, *none, e->evaluate(*none, &none_errors), none_errors);
  auto last = b->slice(rows - 1, rows);
  expr::row_errors last_errors;
  check_result(*e, *last, e->evaluate(*last, &last_errors), last_errors);
  return 0;
}
