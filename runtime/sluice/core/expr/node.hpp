#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "sluice/core/batch.hpp"
#include "sluice/core/expr/expression.hpp"

namespace sluice::core::expr {

/// A constant value of one type (the literal of the language). Only the
/// member that matches `type` is meaningful: `i` for int64 and timestamp,
/// `d` for float64, `b` for boolean, `s` for string.
struct scalar {
  value_type type = value_type::int64;
  std::int64_t i = 0;
  double d = 0;
  bool b = false;
  std::string s;
};

/// One node of a compiled, type-checked expression tree. Immutable after
/// compilation, so one tree may be evaluated from several threads at once.
class node {
public:
  explicit node(value_type t) : type_(t) {}
  virtual ~node() = default;
  node(const node&) = delete;
  node& operator=(const node&) = delete;

  /// The type of every value this node produces.
  value_type type() const { return type_; }

  /// The value when this node is a constant, else nullptr. Parents read
  /// constants directly instead of evaluating them into a column.
  virtual const scalar* constant() const { return nullptr; }

  /// One value per row of `b` (b.rows() rows, type `type()`). A row that
  /// cannot be computed is null and is appended to `errors`; with no
  /// `errors`, the first such row throws record_error instead. A row is null
  /// when an operand row is null (AND/OR follow SQL's three-valued logic).
  virtual column_ptr evaluate(const batch& b, row_errors* errors) const = 0;

private:
  value_type type_;
};

using node_ptr = std::shared_ptr<const node>;

} // namespace sluice::core::expr
