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

std::vector<std::uint8_t> valid_in_all(const std::vector<operand>& args, std::size_t rows) {
  std::vector<std::uint8_t> out;
  for (const auto& a : args) {
    if (!a.has_nulls()) continue;
    if (out.empty()) {
      out = a.col->valid;
      continue;
    }
    const std::uint8_t* v = a.col->valid.data();
    for (std::size_t i = 0; i < rows; ++i) out[i] &= v[i];
  }
  return out;
}

std::string quoted_value(std::string_view v) {
  constexpr std::size_t limit = 40;
  if (v.size() <= limit) return "'" + std::string(v) + "'";
  std::size_t cut = limit;
  while (cut > 0 && (static_cast<unsigned char>(v[cut]) & 0xC0) == 0x80) --cut;
  return "'" + std::string(v.substr(0, cut)) + "...'";
}

} // namespace sluice::core::expr
