// The NULL literal and IS [NOT] NULL.

#include "sluice/core/expr/kernels.hpp"
#include "sluice/core/expr/nodes.hpp"

namespace sluice::core::expr {

namespace {

class null_node final : public node {
public:
  null_node(value_type t, bool untyped) : node(t), untyped_(untyped) {}

  bool untyped() const { return untyped_; }

  column_ptr evaluate(const batch& b, row_errors*) const override {
    std::size_t n = b.rows();
    auto out = std::make_shared<column>(type());
    switch (type()) {
      case value_type::int64:
      case value_type::timestamp: out->ints.assign(n, 0); break;
      case value_type::float64: out->doubles.assign(n, 0); break;
      case value_type::boolean: out->bools.assign(n, 0); break;
      case value_type::string: out->offsets.assign(n + 1, 0); break;
    }
    out->valid.assign(n, 0);
    return out;
  }

private:
  bool untyped_;
};

class is_null_node final : public node {
public:
  is_null_node(node_ptr x, bool negated)
    : node(value_type::boolean), x_(std::move(x)), negated_(negated) {}

  column_ptr evaluate(const batch& b, row_errors* errors) const override {
    std::size_t n = b.rows();
    operand x = evaluate_operand(*x_, b, errors);
    auto out = std::make_shared<column>(value_type::boolean);
    std::uint8_t null_value = negated_ ? 0 : 1;
    if (!x.has_nulls()) {
      out->bools.assign(n, null_value ^ 1);
      return out;
    }
    out->bools.resize(n);
    const std::uint8_t* v = x.col->valid.data();
    std::uint8_t* p = out->bools.data();
    for (std::size_t i = 0; i < n; ++i) p[i] = (v[i] != 0) == negated_;
    return out;
  }

private:
  node_ptr x_;
  bool negated_;
};

} // namespace

node_ptr make_null(value_type t, bool untyped) {
  return std::make_shared<const null_node>(t, untyped);
}

bool is_untyped_null(const node_ptr& n) {
  auto* p = dynamic_cast<const null_node*>(n.get());
  return p && p->untyped();
}

bool is_null_constant(const node_ptr& n) { return dynamic_cast<const null_node*>(n.get()); }

node_ptr typed_as(node_ptr n, value_type t) {
  if (is_untyped_null(n)) return make_null(t);
  return n;
}

node_ptr make_is_null(node_ptr x, bool negated) {
  bool constant = x->constant() || is_null_constant(x);
  node_ptr n = std::make_shared<const is_null_node>(std::move(x), negated);
  return constant ? fold_constant(n) : n;
}

} // namespace sluice::core::expr
