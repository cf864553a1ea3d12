#pragma once

#include <cstdint>
#include <string>

namespace sluice::checkpoint {

/// A size for people: "512 B", "1.5 KiB", "12.0 MiB", "3.2 GiB" (one
/// decimal from KiB on, powers of 1024).
std::string format_size(std::uint64_t bytes);

} // namespace sluice::checkpoint
