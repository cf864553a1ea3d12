#pragma once

#include <cstdint>
#include <string>

namespace sluice::ops::sink {

/// The files sink.file rotates `path` into: "<path>.1", "<path>.2", ...

/// "<path>.<n>".
std::string rotated_name(const std::string& path, std::uint64_t n);

/// The highest N of an existing "<path>.N", or 0.
std::uint64_t highest_rotated(const std::string& path);

/// Removes every "<path>.N" with N >= `first` (what a failed run rotated
/// after the checkpoint a restored sink goes on from) and syncs the folder.
void remove_rotated_from(const std::string& path, std::uint64_t first);

} // namespace sluice::ops::sink
