// `transform.filter`: keeps the records for which the boolean expression
// `where` is true. False and null drop the record (counted as filtered); a
// record whose evaluation fails goes to the node's errors. A batch whose
// records all pass is emitted as it is, without a copy.

#include "sluice/core/expr/expression.hpp"
#include "sluice/core/params.hpp"
#include "sluice/ops/descriptor_util.hpp"

namespace sluice::ops::transform {

namespace {

namespace expr = core::expr;

class filter final : public core::simple_transform {
public:
  explicit filter(expr::compiled_expression where) : where_(std::move(where)) {}

  void process(const core::batch_ptr& b, core::emitter& out) override {
    const std::size_t n = b->rows();
    if (n == 0) return;
    expr::row_errors errors;
    core::column_ptr mask_col = where_.evaluate(*b, &errors);
    const core::column& mask = *mask_col;
    const std::uint8_t* keep = mask.bools.data();
    const std::uint8_t* valid = mask.has_nulls() ? mask.valid.data() : nullptr;

    // Error rows are null in the mask, so they are never kept.
    rows_.clear();
    for (std::size_t r = 0; r < n; ++r)
      if (keep[r] && (!valid || valid[r])) rows_.push_back(static_cast<std::uint32_t>(r));

    for (std::size_t i = 0; i < errors.rows.size(); ++i)
      out.error(*b, errors.rows[i], errors.reasons[i]);
    std::size_t dropped = n - rows_.size() - errors.rows.size();
    if (dropped) out.filtered(dropped);
    if (rows_.size() == n) out.emit(0, b);
    else out.emit_rows(0, b, rows_);
  }

private:
  const expr::compiled_expression where_;
  std::vector<std::uint32_t> rows_; ///< scratch: kept row indexes (no state between batches)
};

} // namespace

core::descriptor filter_descriptor() {
  core::descriptor d;
  d.kind = "transform.filter";
  d.category = "transform";
  d.summary = "Keeps the records for which a boolean expression is true";
  d.inputs = {{"in", "records, any schema"}};
  d.outputs = {{"out", "the kept records, same schema"}};
  d.properties = {
    prop("where", core::param_type::expression,
         "boolean expression over the input fields, e.g. value > 50 AND key != 'k0'; "
         "false or null drops the record")
      .required(),
  };
  d.bind = [](const core::params& p, const core::bind_context& ctx) -> core::bound_ptr {
    const auto& input = input_schema(ctx, 0, "in");
    try {
      auto where = expr::compiled_expression::compile(p.string("where"), *input);
      if (where.type() != core::value_type::boolean)
        throw core::param_error("where", "where must be a boolean expression, got "
                                           + std::string(core::name_of(where.type())));
      return bound({input}, [where = std::move(where)](const core::operator_context&) {
        return std::make_unique<filter>(where);
      });
    } catch (const expr::expression_error& e) {
      throw core::param_error("where", e.what(), e.position());
    }
  };
  return d;
}

} // namespace sluice::ops::transform
