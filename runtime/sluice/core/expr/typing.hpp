#pragma once

#include <cstddef>
#include <string_view>

#include "sluice/core/expr/node.hpp"

namespace sluice::core::expr {

enum class binary_op { add, sub, mul, div, mod, eq, ne, lt, le, gt, ge, and_, or_ };
enum class unary_op { negate, not_ };

/// Type-checks `l op r` and builds its node, folded to a literal when both
/// operands are constants. When the operand types do not fit, throws
/// expression_error at `column` (the operator's) naming the operator as
/// `spelling` and both operand types.
node_ptr make_binary(binary_op op, node_ptr l, node_ptr r, std::string_view spelling,
                     std::size_t column);

/// The same for unary minus and NOT.
node_ptr make_unary(unary_op op, node_ptr operand, std::string_view spelling, std::size_t column);

} // namespace sluice::core::expr
