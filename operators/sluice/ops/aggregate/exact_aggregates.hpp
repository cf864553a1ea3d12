#pragma once

// The exact aggregates (count, sum, avg, min, max, first, last, stddev,
// variance, count_distinct). Called by make_aggregates once the entry's
// shape is checked; each maker checks the field's type and throws
// core::param_error naming the entry.

#include <memory>
#include <string>

#include <nlohmann/json.hpp>

#include "sluice/core/schema.hpp"
#include "sluice/ops/aggregate/aggregate.hpp"

namespace sluice::ops::aggregate {

/// One checked entry of an `aggregates` list.
struct aggregate_entry {
  const nlohmann::json& spec; ///< the whole entry
  const core::schema& input;
  std::string fn;       ///< function name
  std::string name;     ///< output field
  int input_index = -1; ///< the field, or -1 when absent
  std::string param;    ///< "aggregates"
  std::string where;    ///< "aggregates[2]"

  /// Throws param_error(param, where + ": " + message).
  [[noreturn]] void fail(const std::string& message) const;
  /// The field's name and type; input_index must be >= 0.
  const core::field& field() const { return input.at(static_cast<std::size_t>(input_index)); }
  /// Fails unless the entry has a field ("sum needs a 'field'").
  void require_field() const;
  /// Fails unless the field is int or double ("sum needs a number field,
  /// 'key' is a string").
  void require_number() const;
};

/// count: rows (no field) or non-null values of the field; int64, 0 if none.
std::unique_ptr<aggregate_function> make_count(const aggregate_entry& e);
/// sum: int64 for an int field (wraps like two's complement, so it is exact
/// whenever the true sum fits), double for a double field; null if none.
std::unique_ptr<aggregate_function> make_sum(const aggregate_entry& e);
/// avg: double mean of a number field; null if none.
std::unique_ptr<aggregate_function> make_avg(const aggregate_entry& e);
/// min / max: any type, result of the field's type (NaN sorts above every
/// number, false below true, strings bytewise); null if none.
std::unique_ptr<aggregate_function> make_min(const aggregate_entry& e);
std::unique_ptr<aggregate_function> make_max(const aggregate_entry& e);
/// first / last non-null value in arrival order; any type; null if none.
std::unique_ptr<aggregate_function> make_first(const aggregate_entry& e);
std::unique_ptr<aggregate_function> make_last(const aggregate_entry& e);
/// Sample variance / standard deviation (SQL var_samp / stddev_samp, n - 1
/// in the denominator) of a number field, by Welford's method; double, null
/// with fewer than two values.
std::unique_ptr<aggregate_function> make_variance(const aggregate_entry& e);
std::unique_ptr<aggregate_function> make_stddev(const aggregate_entry& e);
/// count_distinct: exact number of distinct non-null values; any type;
/// int64. Memory grows with the distinct values of a group.
std::unique_ptr<aggregate_function> make_count_distinct(const aggregate_entry& e);

} // namespace sluice::ops::aggregate
