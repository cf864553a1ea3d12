#pragma once

#include <string_view>

#include "sluice/core/expr/node.hpp"
#include "sluice/core/schema.hpp"

namespace sluice::core::expr {

/// Parses `text` with SQL precedence (OR < AND < NOT < comparisons and IS,
/// IN, BETWEEN, LIKE < || < + - < * / % < unary minus), resolves field names
/// against `input` and type-checks every operator and call. Returns the root
/// of the typed tree; throws expression_error with the 1-based column of the
/// problem.
node_ptr parse(std::string_view text, const schema& input);

} // namespace sluice::core::expr
