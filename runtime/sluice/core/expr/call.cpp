// The node behind every kernel-based function call.

#include "sluice/core/expr/call.hpp"

namespace sluice::core::expr {

namespace {

class call_node final : public node {
public:
  call_node(value_type result, std::vector<node_ptr> args, kernel_fn kernel, null_rule rule)
    : node(result), args_(std::move(args)), kernel_(std::move(kernel)), rule_(rule) {}

  column_ptr evaluate(const batch& b, row_errors* errors) const override {
    std::size_t n = b.rows();
    std::vector<operand> args;
    args.reserve(args_.size());
    for (const auto& a : args_) args.push_back(evaluate_operand(*a, b, errors));
    auto out = std::make_shared<column>(type());
    if (rule_ == null_rule::propagate) out->valid = valid_in_all(args, n);
    kernel_io io{args, n, *out, errors};
    kernel_(io);
    return out;
  }

private:
  std::vector<node_ptr> args_;
  kernel_fn kernel_;
  null_rule rule_;
};

} // namespace

node_ptr make_call(value_type result, std::vector<node_ptr> args, kernel_fn kernel,
                   null_rule rule) {
  return std::make_shared<const call_node>(result, std::move(args), std::move(kernel), rule);
}

} // namespace sluice::core::expr
