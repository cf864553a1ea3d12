#include "sluice/ops/sink/byte_size.hpp"

#include <charconv>
#include <cmath>
#include <string>

namespace sluice::ops::sink {

std::optional<std::uint64_t> parse_byte_size(const nlohmann::json& v) {
  if (v.is_number_unsigned()) return v.get<std::uint64_t>();
  if (v.is_number_integer()) {
    auto i = v.get<std::int64_t>();
    if (i < 0) return std::nullopt;
    return static_cast<std::uint64_t>(i);
  }
  if (!v.is_string()) return std::nullopt;
  const auto text = v.get<std::string>();
  double number = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), number);
  if (ec != std::errc{} || number < 0 || !std::isfinite(number)) return std::nullopt;
  std::string unit(ptr, text.data() + text.size());
  while (!unit.empty() && unit.front() == ' ') unit.erase(0, 1);
  for (auto& c : unit)
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  double factor;
  if (unit.empty() || unit == "B") factor = 1;
  else if (unit == "K" || unit == "KB" || unit == "KIB") factor = 1024.0;
  else if (unit == "M" || unit == "MB" || unit == "MIB") factor = 1024.0 * 1024;
  else if (unit == "G" || unit == "GB" || unit == "GIB") factor = 1024.0 * 1024 * 1024;
  else return std::nullopt;
  double bytes = std::round(number * factor);
  if (bytes >= 1.8e19) return std::nullopt;
  return static_cast<std::uint64_t>(bytes);
}

} // namespace sluice::ops::sink
