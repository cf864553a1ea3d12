#include "sluice/core/expr/kernels.hpp"

namespace sluice::core::expr {

std::vector<std::uint8_t> valid_in_both(const operand& l, const operand& r, std::size_t rows) {
  bool ln = l.has_nulls(), rn = r.has_nulls();
  if (!ln && !rn) return {};
  if (!rn) return l.col->valid;
  if (!ln) return r.col->valid;
  std::vector<std::uint8_t> out(rows);
  const std::uint8_t* a = l.col->valid.data();
  const std::uint8_t* b = r.col->valid.data();
  for (std::size_t i = 0; i < rows; ++i) out[i] = a[i] & b[i];
  return out;
}

} // namespace sluice::core::expr
