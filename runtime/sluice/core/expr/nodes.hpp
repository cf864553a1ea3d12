#pragma once

#include <cstddef>
#include <vector>

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
/// literal (a typed null constant for null), or `n` itself when that fails
/// (division by zero).
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

/// A null of type `t` on every row. The NULL literal starts `untyped` (its
/// type reads as string) until its context retypes it with `typed_as`.
node_ptr make_null(value_type t, bool untyped = false);

/// True for the NULL literal not yet given a type.
bool is_untyped_null(const node_ptr& n);

/// True for any null constant, typed or not.
bool is_null_constant(const node_ptr& n);

/// `n`, or a null of type `t` when `n` is an untyped null.
node_ptr typed_as(node_ptr n, value_type t);

/// `x IS NULL` (`IS NOT NULL` when `negated`); never null itself.
node_ptr make_is_null(node_ptr x, bool negated);

/// `x IN (items)` for constant items of x's comparison kind (all numbers,
/// all strings, all bools or all timestamps); `has_null` when the list held
/// a NULL. SQL semantics: no match in a list with a null gives null.
node_ptr make_in_set(node_ptr x, std::vector<scalar> items, bool has_null, bool negated);

/// `s LIKE pattern` on strings: % any run, _ one character, `escape` (a byte,
/// or -1 for none) makes the next character literal. A constant pattern is
/// checked by the caller; a per-row pattern ending in the escape is a row error.
node_ptr make_like(node_ptr s, node_ptr pattern, int escape, bool negated);

/// True when `pattern` ends with an unpaired `escape`.
bool like_pattern_dangles(std::string_view pattern, int escape);

struct case_branch {
  node_ptr when; ///< a bool
  node_ptr then;
};

/// CASE WHEN ... THEN ... [ELSE ...] END. Every `then` and `otherwise` (null
/// for no ELSE) share one type. A row takes the first branch whose `when` is
/// true; row errors count only where a part is actually used for the row.
node_ptr make_case(std::vector<case_branch> branches, node_ptr otherwise);

/// coalesce(args...): the first non-null argument per row (all one type).
node_ptr make_coalesce(std::vector<node_ptr> args);

/// True when CAST(from AS to) is allowed.
bool can_cast(value_type from, value_type to);

/// CAST(x AS to); `x` itself when it already has that type. Strings that do
/// not parse and doubles out of int range are row errors naming the value.
node_ptr make_cast(node_ptr x, value_type to);

} // namespace sluice::core::expr
