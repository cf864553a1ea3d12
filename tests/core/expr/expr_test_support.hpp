#pragma once

// Helpers for the expression tests: build a batch column by column with
// optional (null) values, evaluate an expression, read a result back.
// Include this before catch2 so optionals print in failure messages.

#define CATCH_CONFIG_ENABLE_OPTIONAL_STRINGMAKER
#include <catch2/catch.hpp>

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "sluice/core/batch.hpp"
#include "sluice/core/expr/expression.hpp"

namespace sluice::core::expr::test {

template <class T>
using col = std::vector<std::optional<T>>;

/// A batch under construction: add columns (all the same length), then build.
class table {
public:
  table& ints(std::string name, col<std::int64_t> v) { return add(name, value_type::int64, v); }
  table& timestamps(std::string name, col<std::int64_t> v) {
    return add(name, value_type::timestamp, v);
  }
  table& doubles(std::string name, col<double> v) { return add(name, value_type::float64, v); }
  table& bools(std::string name, col<bool> v) { return add(name, value_type::boolean, v); }
  table& strings(std::string name, col<std::string> v) { return add(name, value_type::string, v); }

  schema_ptr schema_of() const { return make_schema(fields_); }

  batch_ptr build() const {
    batch_builder b(schema_of());
    for (std::size_t i = 0; i < fillers_.size(); ++i) fillers_[i](b.column_at(i));
    return b.finish();
  }

private:
  template <class T>
  table& add(std::string name, value_type t, col<T> values) {
    fields_.push_back({std::move(name), t});
    fillers_.push_back([values = std::move(values)](column& c) {
      for (const auto& v : values) {
        if (!v) c.append_null();
        else if constexpr (std::is_same_v<T, std::int64_t>) c.append_int(*v);
        else if constexpr (std::is_same_v<T, double>) c.append_double(*v);
        else if constexpr (std::is_same_v<T, bool>) c.append_bool(*v);
        else c.append_string(*v);
      }
    });
    return *this;
  }

  std::vector<field> fields_;
  std::vector<std::function<void(column&)>> fillers_;
};

inline column_ptr eval(std::string_view text, const batch_ptr& b, row_errors* errors = nullptr) {
  return compiled_expression::compile(text, b->fields()).evaluate(*b, errors);
}

inline col<std::int64_t> ints_of(const column& c) {
  col<std::int64_t> out;
  for (std::size_t i = 0; i < c.size(); ++i)
    out.push_back(c.is_null(i) ? std::nullopt : std::optional<std::int64_t>(c.ints[i]));
  return out;
}

inline col<double> doubles_of(const column& c) {
  col<double> out;
  for (std::size_t i = 0; i < c.size(); ++i)
    out.push_back(c.is_null(i) ? std::nullopt : std::optional<double>(c.doubles[i]));
  return out;
}

inline col<bool> bools_of(const column& c) {
  col<bool> out;
  for (std::size_t i = 0; i < c.size(); ++i)
    out.push_back(c.is_null(i) ? std::nullopt : std::optional<bool>(c.bools[i] != 0));
  return out;
}

inline col<std::string> strings_of(const column& c) {
  col<std::string> out;
  for (std::size_t i = 0; i < c.size(); ++i)
    out.push_back(c.is_null(i) ? std::nullopt : std::optional<std::string>(c.string_at(i)));
  return out;
}

/// The schema of the examples in the design guide: seq:int, ts:timestamp,
/// key:string, value:double.
inline schema events_schema() {
  return schema({{"seq", value_type::int64},
                 {"ts", value_type::timestamp},
                 {"key", value_type::string},
                 {"value", value_type::float64}});
}

struct compile_failure {
  std::size_t position = 0;
  std::string message;
};

/// The error `text` fails to compile with (a test failure if it compiles).
inline compile_failure compile_error(std::string_view text, const schema& s = events_schema()) {
  try {
    compiled_expression::compile(text, s);
  } catch (const expression_error& e) {
    return {e.position(), e.what()};
  }
  FAIL("expected a compile error for: " << text);
  return {};
}

} // namespace sluice::core::expr::test
