#include "sluice/checkpoint/size_text.hpp"

#include <cstdio>

namespace sluice::checkpoint {

std::string format_size(std::uint64_t bytes) {
  if (bytes < 1024) return std::to_string(bytes) + " B";
  static const char* const units[] = {"KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
  double v = static_cast<double>(bytes) / 1024.0;
  std::size_t unit = 0;
  // Rounded to one decimal, 1023.96 KiB would print as 1024.0 KiB: move up
  // a unit from there.
  while (v >= 1023.95 && unit + 1 < sizeof units / sizeof units[0]) {
    v /= 1024.0;
    ++unit;
  }
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f %s", v, units[unit]);
  return buf;
}

} // namespace sluice::checkpoint
