// Field references, literals and constant folding.

#include <stdexcept>

#include "sluice/core/expr/nodes.hpp"

namespace sluice::core::expr {

namespace {

class field_node final : public node {
public:
  field_node(std::size_t index, value_type t) : node(t), index_(index) {}

  column_ptr evaluate(const batch& b, row_errors*) const override {
    if (index_ >= b.num_columns() || b.col(index_).type() != type())
      throw std::logic_error("expression evaluated on a batch of another schema");
    return b.col_ptr(index_);
  }

private:
  std::size_t index_;
};

class literal_node final : public node {
public:
  explicit literal_node(scalar v) : node(v.type), value_(std::move(v)) {}

  const scalar* constant() const override { return &value_; }

  column_ptr evaluate(const batch& b, row_errors*) const override {
    std::size_t n = b.rows();
    auto out = std::make_shared<column>(type());
    switch (type()) {
      case value_type::int64:
      case value_type::timestamp: out->ints.assign(n, value_.i); break;
      case value_type::float64: out->doubles.assign(n, value_.d); break;
      case value_type::boolean: out->bools.assign(n, value_.b ? 1 : 0); break;
      case value_type::string:
        out->bytes.reserve(n * value_.s.size());
        out->offsets.reserve(n + 1);
        for (std::size_t i = 0; i < n; ++i) out->append_string(value_.s);
        break;
    }
    return out;
  }

private:
  scalar value_;
};

} // namespace

node_ptr make_field(std::size_t index, value_type t) {
  return std::make_shared<const field_node>(index, t);
}

node_ptr make_literal(scalar value) {
  return std::make_shared<const literal_node>(std::move(value));
}

scalar scalar_at(const column& c, std::size_t row) {
  scalar s;
  s.type = c.type();
  switch (c.type()) {
    case value_type::int64:
    case value_type::timestamp: s.i = c.ints[row]; break;
    case value_type::float64: s.d = c.doubles[row]; break;
    case value_type::boolean: s.b = c.bools[row] != 0; break;
    case value_type::string: s.s = std::string(c.string_at(row)); break;
  }
  return s;
}

node_ptr fold_constant(node_ptr n) {
  static const batch one_row(make_schema({}), {}, 1);
  row_errors errors;
  column_ptr c = n->evaluate(one_row, &errors);
  if (!errors.empty()) return n;
  if (c->is_null(0)) return make_null(n->type());
  return make_literal(scalar_at(*c, 0));
}

} // namespace sluice::core::expr
