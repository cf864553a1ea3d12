#pragma once

#include <sys/types.h>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>

#include "sluice/ops/source/decompressor.hpp"

namespace sluice::ops::source {

/// Reads one file sequentially in large chunks. The bytes read but not yet
/// consumed are `pending()`; at least `padding` readable bytes always follow
/// them, so a parser (simdjson) may read past the end of a record.
///
/// gzip and zstd files (decompressor.hpp) read as their decompressed bytes:
/// positions and offsets count decompressed bytes, a seek reads the stream
/// again from its start, and such a file is read once, not followed.
///
/// For `tail -F`-style following, `check()` tells, at end of file, whether
/// the file was truncated (its size is below what was read) or replaced (the
/// path now names another file: rotation). Not thread-safe; one owner.
class file_cursor {
public:
  static constexpr std::size_t padding = 64;

  file_cursor() = default;
  ~file_cursor();
  file_cursor(const file_cursor&) = delete;
  file_cursor& operator=(const file_cursor&) = delete;

  /// Opens `path` at its start, dropping any previous file and pending data.
  /// False (with errno set) if it cannot be opened.
  bool open(const std::string& path);
  void close();
  bool is_open() const { return fd_ >= 0; }
  /// Whether the open file is compressed (gzip or zstd).
  bool compressed() const { return decompressor_ != nullptr; }
  const std::string& path() const { return path_; }

  std::string_view pending() const { return {buf_.get() + begin_, end_ - begin_}; }
  /// Drops the first `n` pending bytes.
  void consume(std::size_t n) { begin_ += n; }

  /// Reads more bytes after the pending ones (moving them to the front and
  /// growing the buffer when it is full). Returns the number of bytes read:
  /// 0 means end of file for now. Throws std::runtime_error on a read error.
  std::size_t fill();

  enum class change {
    none,      ///< same file, not shorter: more data may come
    truncated, ///< shorter than what was read: start over with rewind()
    replaced,  ///< the path names another file now: read this one out, reopen
    missing,   ///< the path names no file now (mid-rotation): wait
  };
  /// What happened to the open file and its path since it was opened.
  change check() const;

  /// Reads again from offset 0, dropping pending data (after truncation).
  void rewind() { seek(0); }
  /// Reads on from byte `offset` of the file, dropping pending data.
  void seek(std::uint64_t offset);
  /// The file offset of the first pending byte: how far records were consumed.
  std::uint64_t position() const { return offset_ - (end_ - begin_); }

  /// The open file's identity (device and inode), or {0, 0} when none is open.
  std::pair<std::uint64_t, std::uint64_t> identity() const {
    return {static_cast<std::uint64_t>(dev_), static_cast<std::uint64_t>(ino_)};
  }
  /// Its size now (0 when none is open or it cannot be read); for a
  /// compressed file, its compressed size.
  std::uint64_t size() const;
  /// A hash of the (up to) 64 bytes before `offset`: with the identity, what
  /// tells a resumed reader it is continuing the same data (an inode number
  /// can be reused by a file written anew). 0 at offset 0. For a compressed
  /// file, a hash of its first (compressed) bytes, whatever the offset.
  std::uint64_t fingerprint(std::uint64_t offset) const;

  /// At the start of a file: drops a UTF-8 byte order mark, if any.
  void skip_utf8_bom();

private:
  void reserve(std::size_t capacity);
  std::size_t read_raw(char* to, std::size_t room);
  std::size_t fill_decompressed();

  int fd_ = -1;
  std::string path_;
  std::unique_ptr<char[]> buf_;
  std::size_t capacity_ = 0; ///< usable bytes; `padding` more are allocated
  std::size_t begin_ = 0, end_ = 0;
  std::uint64_t offset_ = 0; ///< bytes read from the file so far (decompressed)
  std::unique_ptr<decompressor> decompressor_;
  std::string raw_; ///< compressed bytes read, not yet decompressed
  std::size_t raw_begin_ = 0;
  bool raw_eof_ = false;
  dev_t dev_ = 0;
  ino_t ino_ = 0;
};

} // namespace sluice::ops::source
