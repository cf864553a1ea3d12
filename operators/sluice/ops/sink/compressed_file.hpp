#pragma once

// One output file written through an optional compressor (gzip via zlib,
// zstd), for sink.file's parts. Each file is one complete gzip member or
// zstd frame once finish() returns.

#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>
#include <string_view>

namespace sluice::ops::sink {

enum class compression { none, gzip, zstd };

/// "none", "gzip", "zstd"; "auto" picks by `path`'s extension (.gz, .zst).
compression parse_compression(const std::string& name, const std::string& path);

class compressed_file {
public:
  /// Creates (truncates) `path`. Throws std::runtime_error naming it.
  compressed_file(std::string path, compression c);
  ~compressed_file(); ///< without finish(): closes, leaves what was written
  compressed_file(const compressed_file&) = delete;
  compressed_file& operator=(const compressed_file&) = delete;

  /// Appends `bytes` (uncompressed). Throws std::runtime_error on a failed write.
  void write(std::string_view bytes);
  /// Ends the compressed stream, flushes and fsyncs, and closes the file.
  void finish();

  /// Uncompressed bytes written so far (what `rotate` counts).
  std::uint64_t bytes_in() const { return bytes_in_; }
  const std::string& path() const { return path_; }

private:
  void put(const char* data, std::size_t n);
  void compress(std::string_view bytes, bool end);

  struct codec_state;
  const std::string path_;
  const compression compression_;
  std::FILE* file_ = nullptr;
  std::unique_ptr<codec_state> codec_;
  std::string out_; ///< compressed bytes, reused
  std::uint64_t bytes_in_ = 0;
};

} // namespace sluice::ops::sink
