#include "sluice/core/expr/expression.hpp"

#include <algorithm>
#include <numeric>

#include "sluice/core/expr/node.hpp"
#include "sluice/core/expr/parser.hpp"

namespace sluice::core::expr {

namespace {

// Puts the errors appended from `first` on in row order, one per row (the
// first reason found for a row wins).
void normalise(row_errors& errors, std::size_t first) {
  auto& rows = errors.rows;
  bool in_order = true;
  for (std::size_t k = first + 1; k < rows.size() && in_order; ++k)
    in_order = rows[k - 1] < rows[k];
  if (in_order) return;
  std::vector<std::size_t> order(rows.size() - first);
  std::iota(order.begin(), order.end(), first);
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return rows[a] < rows[b]; });
  std::vector<std::uint32_t> new_rows;
  std::vector<std::string> new_reasons;
  for (std::size_t k : order) {
    if (!new_rows.empty() && new_rows.back() == rows[k]) continue;
    new_rows.push_back(rows[k]);
    new_reasons.push_back(std::move(errors.reasons[k]));
  }
  rows.resize(first);
  errors.reasons.resize(first);
  rows.insert(rows.end(), new_rows.begin(), new_rows.end());
  for (auto& r : new_reasons) errors.reasons.push_back(std::move(r));
}

} // namespace

compiled_expression compiled_expression::compile(std::string_view text, const schema& input) {
  compiled_expression e;
  e.root_ = parse(text, input);
  e.text_ = std::string(text);
  return e;
}

value_type compiled_expression::type() const {
  if (!root_) throw std::logic_error("compiled_expression used before compile()");
  return root_->type();
}

namespace {

/// The contract says a row that failed is null in the result, whatever the
/// node: some (coalesce falling back past a failed argument, IN matching a
/// later item) computed a value anyway, and a filter then both kept the
/// record and reported it. Cleared here once, for every node.
column_ptr null_error_rows(column_ptr out, const row_errors& errors, std::size_t first) {
  bool all_null = true;
  for (std::size_t k = first; k < errors.rows.size() && all_null; ++k)
    all_null = out->is_null(errors.rows[k]);
  if (all_null) return out;
  auto copy = std::make_shared<column>(*out);
  if (copy->valid.empty()) copy->valid.assign(copy->size(), 1);
  for (std::size_t k = first; k < errors.rows.size(); ++k) copy->valid[errors.rows[k]] = 0;
  return copy;
}

} // namespace

column_ptr compiled_expression::evaluate(const batch& b, row_errors* errors) const {
  if (!root_) throw std::logic_error("compiled_expression used before compile()");
  std::size_t first = errors ? errors->rows.size() : 0;
  column_ptr out = root_->evaluate(b, errors);
  if (errors && errors->rows.size() > first + 1) normalise(*errors, first);
  if (errors && errors->rows.size() > first) out = null_error_rows(std::move(out), *errors, first);
  return out;
}

} // namespace sluice::core::expr
