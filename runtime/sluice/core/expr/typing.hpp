#pragma once

#include <cstddef>
#include <optional>
#include <string_view>
#include <vector>

#include "sluice/core/expr/node.hpp"

namespace sluice::core::expr {

enum class binary_op { add, sub, mul, div, mod, eq, ne, lt, le, gt, ge, and_, or_, concat };
enum class unary_op { negate, not_ };

/// Type-checks `l op r` and builds its node, folded to a literal when both
/// operands are constants. An untyped NULL operand takes the type the other
/// side needs. `||` converts a non-string side to string. When the operand
/// types do not fit, throws expression_error at `column` (the operator's)
/// naming the operator as `spelling` and both operand types.
node_ptr make_binary(binary_op op, node_ptr l, node_ptr r, std::string_view spelling,
                     std::size_t column);

/// The same for unary minus and NOT.
node_ptr make_unary(unary_op op, node_ptr operand, std::string_view spelling, std::size_t column);

/// True when values of types `l` and `r` can be compared (= < ...).
bool comparable(value_type l, value_type r);

/// The one type that values of `types` meet in (CASE branches, coalesce
/// arguments): all equal, or int and double giving double. Untyped NULLs
/// (`untyped[i]`) take the others' type; all untyped gives nullopt too.
/// Returns nullopt when they do not fit and sets `clash` to the index of the
/// first value that does not.
std::optional<value_type> unify(const std::vector<node_ptr>& values, std::size_t& clash);

/// `n` as type `t`: retypes an untyped NULL, widens int to double.
node_ptr coerce(node_ptr n, value_type t);

/// True when `n` is a constant or a null constant (so it can be folded).
bool is_constant(const node_ptr& n);

} // namespace sluice::core::expr
