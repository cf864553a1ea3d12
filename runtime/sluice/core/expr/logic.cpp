// AND, OR (SQL three-valued logic) and NOT.

#include "sluice/core/expr/kernels.hpp"
#include "sluice/core/expr/nodes.hpp"

namespace sluice::core::expr {

namespace {

class logic_node final : public node {
public:
  logic_node(logic_op op, node_ptr l, node_ptr r)
    : node(value_type::boolean), op_(op), l_(std::move(l)), r_(std::move(r)) {}

  // The right side's row errors are kept only for rows the left side does not
  // decide, so `x <> 0 AND 10 / x > 1` reports nothing where x = 0.
  column_ptr evaluate(const batch& b, row_errors* errors) const override {
    std::size_t n = b.rows();
    operand l = evaluate_operand(*l_, b, errors);
    row_errors right_errors;
    operand r = evaluate_operand(*r_, b, &right_errors);
    auto out = std::make_shared<column>(value_type::boolean);
    out->bools.resize(n);
    bool is_and = op_ == logic_op::and_;
    std::uint8_t* p = out->bools.data();
    if (!l.has_nulls() && !r.has_nulls()) {
      with_bool_reader(l, [&](auto lr) {
        with_bool_reader(r, [&](auto rr) {
          if (is_and)
            for (std::size_t i = 0; i < n; ++i) p[i] = lr[i] & rr[i];
          else
            for (std::size_t i = 0; i < n; ++i) p[i] = lr[i] | rr[i];
        });
      });
    } else {
      three_valued(l, r, n, *out);
    }
    for (std::size_t k = 0; k < right_errors.rows.size(); ++k) {
      std::uint32_t row = right_errors.rows[k];
      if (decided_by_left(l, row)) continue;
      if (!errors) throw record_error(row, right_errors.reasons[k]);
      errors->rows.push_back(row);
      errors->reasons.push_back(std::move(right_errors.reasons[k]));
    }
    return out;
  }

private:
  bool decided_by_left(const operand& l, std::size_t row) const {
    bool value = l.lit ? l.lit->b : (!l.col->is_null(row) && l.col->bools[row] != 0);
    bool known = l.lit || !l.col->is_null(row);
    return known && value == (op_ == logic_op::or_);
  }

  // With nulls: false AND x is false, true OR x is true, otherwise a null
  // operand gives null.
  void three_valued(const operand& l, const operand& r, std::size_t n, column& out) const {
    std::vector<std::uint8_t> ones;
    auto valid_of = [&](const operand& o) {
      if (o.has_nulls()) return o.col->valid.data();
      if (ones.empty()) ones.assign(n, 1);
      return static_cast<const std::uint8_t*>(ones.data());
    };
    const std::uint8_t* va = valid_of(l);
    const std::uint8_t* vb = valid_of(r);
    out.valid.resize(n);
    std::uint8_t* p = out.bools.data();
    std::uint8_t* v = out.valid.data();
    bool is_and = op_ == logic_op::and_;
    with_bool_reader(l, [&](auto lr) {
      with_bool_reader(r, [&](auto rr) {
        for (std::size_t i = 0; i < n; ++i) {
          std::uint8_t a = lr[i] & va[i], b = rr[i] & vb[i];
          std::uint8_t both = va[i] & vb[i];
          if (is_and) {
            std::uint8_t known_false = (va[i] & (a ^ 1)) | (vb[i] & (b ^ 1));
            p[i] = a & b;
            v[i] = known_false | both;
          } else {
            std::uint8_t known_true = a | b;
            p[i] = known_true;
            v[i] = known_true | both;
          }
        }
      });
    });
  }

  logic_op op_;
  node_ptr l_, r_;
};

class not_node final : public node {
public:
  explicit not_node(node_ptr operand) : node(value_type::boolean), operand_(std::move(operand)) {}

  column_ptr evaluate(const batch& b, row_errors* errors) const override {
    std::size_t n = b.rows();
    operand o = evaluate_operand(*operand_, b, errors);
    auto out = std::make_shared<column>(value_type::boolean);
    if (o.has_nulls()) out->valid = o.col->valid;
    out->bools.resize(n);
    std::uint8_t* p = out->bools.data();
    with_bool_reader(o, [&](auto in) {
      for (std::size_t i = 0; i < n; ++i) p[i] = in[i] ^ 1;
    });
    return out;
  }

private:
  node_ptr operand_;
};

} // namespace

node_ptr make_logic(logic_op op, node_ptr l, node_ptr r) {
  return std::make_shared<const logic_node>(op, std::move(l), std::move(r));
}

node_ptr make_not(node_ptr operand) { return std::make_shared<const not_node>(std::move(operand)); }

} // namespace sluice::core::expr
