// + on two strings.

#include <cstring>
#include <limits>
#include <stdexcept>

#include "sluice/core/expr/kernels.hpp"
#include "sluice/core/expr/nodes.hpp"

namespace sluice::core::expr {

namespace {

// Writes l[i] + r[i] for every row into one byte buffer (null rows empty):
// one pass to size the buffer, one to copy.
template <class L, class R>
void concat_all(L l, R r, std::size_t n, column& out) {
  const std::uint8_t* valid = out.valid.empty() ? nullptr : out.valid.data();
  std::size_t total = 0;
  for (std::size_t i = 0; i < n; ++i)
    if (!valid || valid[i]) total += l[i].size() + r[i].size();
  if (total > std::numeric_limits<std::uint32_t>::max())
    throw std::length_error("expression: concatenated strings exceed 4 GiB in one batch");
  out.bytes.resize(total);
  out.offsets.resize(n + 1);
  char* dst = out.bytes.data();
  std::uint32_t* offsets = out.offsets.data();
  std::size_t pos = 0;
  offsets[0] = 0;
  for (std::size_t i = 0; i < n; ++i) {
    if (!valid || valid[i]) {
      std::string_view a = l[i], b = r[i];
      if (!a.empty()) std::memcpy(dst + pos, a.data(), a.size());
      pos += a.size();
      if (!b.empty()) std::memcpy(dst + pos, b.data(), b.size());
      pos += b.size();
    }
    offsets[i + 1] = static_cast<std::uint32_t>(pos);
  }
}

class concat_node final : public node {
public:
  concat_node(node_ptr l, node_ptr r)
    : node(value_type::string), l_(std::move(l)), r_(std::move(r)) {}

  column_ptr evaluate(const batch& b, row_errors* errors) const override {
    std::size_t n = b.rows();
    operand l = evaluate_operand(*l_, b, errors);
    operand r = evaluate_operand(*r_, b, errors);
    auto out = std::make_shared<column>(value_type::string);
    out->valid = valid_in_both(l, r, n);
    with_string_reader(
      l, [&](auto lr) { with_string_reader(r, [&](auto rr) { concat_all(lr, rr, n, *out); }); });
    return out;
  }

private:
  node_ptr l_, r_;
};

} // namespace

node_ptr make_concat(node_ptr l, node_ptr r) {
  return std::make_shared<const concat_node>(std::move(l), std::move(r));
}

} // namespace sluice::core::expr
