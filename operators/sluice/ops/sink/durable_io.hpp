#pragma once

#include <cstdint>
#include <cstdio>
#include <filesystem>

namespace sluice::ops::sink {

/// The file operations two-phase output needs to be durable: each writes
/// through to the disk (fsync) before it returns, and throws
/// std::runtime_error naming the path if it cannot.

/// Hands what `f` buffers to the kernel (fflush), then fsync()s it.
void sync_file(std::FILE* f, const std::filesystem::path& path);

/// fsync()s a directory, so that the renames, creations and removals of
/// entries in it survive a crash of the machine.
void sync_directory(const std::filesystem::path& dir);

/// Renames `from` to `to` (replacing `to`), then syncs their directory.
void rename_durably(const std::filesystem::path& from, const std::filesystem::path& to);

/// Removes `path` if it exists, then syncs its directory.
void remove_durably(const std::filesystem::path& path);

/// Cuts `path` to `size` bytes and syncs it.
void truncate_durably(const std::filesystem::path& path, std::uint64_t size);

/// The folder of `path` ("." for a bare name).
std::filesystem::path folder_of(const std::filesystem::path& path);

} // namespace sluice::ops::sink
