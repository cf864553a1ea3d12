#pragma once

#include <cstdint>
#include <optional>

#include <nlohmann/json.hpp>

namespace sluice::ops::sink {

/// A size in bytes from a JSON integer (bytes) or a string: a number with an
/// optional unit, case-insensitive: B, K/KB/KiB, M/MB/MiB, G/GB/GiB, where
/// every K is 1024 (as in logrotate): "64KB" = 65536, "1.5MB", "100 MB".
/// nullopt for anything else or a negative size.
std::optional<std::uint64_t> parse_byte_size(const nlohmann::json& v);

} // namespace sluice::ops::sink
