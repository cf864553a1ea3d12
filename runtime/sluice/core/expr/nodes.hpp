#pragma once

#include <cstddef>

#include "sluice/core/expr/node.hpp"

namespace sluice::core::expr {

// Factories for every kind of node. They trust their caller (typing.cpp) to
// have checked the operand types; they only build the tree.

/// Column `index` of the input batch, of type `t`; evaluates to the batch's
/// own column (shared, not copied).
node_ptr make_field(std::size_t index, value_type t);

/// A constant; evaluated on its own it is broadcast to every row.
node_ptr make_literal(scalar value);

/// Row i of `c` as a scalar (c must not be null at i).
scalar scalar_at(const column& c, std::size_t row);

/// Evaluates a tree without field references once; returns the equivalent
/// literal, or `n` itself when that fails (division by zero) or gives null.
node_ptr fold_constant(node_ptr n);

enum class arithmetic_op { add, sub, mul, div, mod };

/// `l op r` computed as int64 (wrapping on overflow) when `as_double` is
/// false, else as double; the result has type `result` (int64, float64 or
/// timestamp). Integer / and % by zero are row errors.
node_ptr make_arithmetic(arithmetic_op op, node_ptr l, node_ptr r, bool as_double,
                         value_type result);

/// -x for an int64 or float64 operand.
node_ptr make_negate(node_ptr operand);

/// Concatenation of two strings.
node_ptr make_concat(node_ptr l, node_ptr r);

enum class compare_op { eq, ne, lt, le, gt, ge };

/// `l op r` as bool. Operands are both numeric (compared as double unless both
/// are int64), both strings (byte-wise), both bools or both timestamps.
node_ptr make_compare(compare_op op, node_ptr l, node_ptr r);

enum class logic_op { and_, or_ };

/// AND / OR of two bools with SQL's three-valued logic (false AND null is
/// false, true OR null is true, otherwise null in gives null out).
node_ptr make_logic(logic_op op, node_ptr l, node_ptr r);

/// NOT of a bool (null stays null).
node_ptr make_not(node_ptr operand);

} // namespace sluice::core::expr
