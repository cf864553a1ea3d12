#pragma once

// Compressed input for source.file: gzip (zlib) and zstd streams, told
// apart by their first bytes, so a file's name does not have to say.
// Concatenated members (`cat a.gz b.gz`, multi-frame zstd) read as one.

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

namespace sluice::ops::source {

class decompressor {
public:
  enum class codec { gzip, zstd };

  /// The codec whose magic number starts `head` (at least 4 bytes of a
  /// file's start), or nullptr-equivalent false when it is plain.
  static bool detect(std::string_view head, codec& out);

  explicit decompressor(codec c);
  ~decompressor();
  decompressor(const decompressor&) = delete;
  decompressor& operator=(const decompressor&) = delete;

  /// Starts over, for a stream read again from its first byte.
  void reset();

  /// Decompresses from `in` (advancing it past what was used) into
  /// [out, out + room); returns the bytes written. Throws
  /// std::runtime_error("...: <codec's reason>") on corrupt input.
  std::size_t run(std::string_view& in, char* out, std::size_t room);

  /// After the input ended: whether the last member or frame was complete
  /// (a truncated file is not).
  bool finished_cleanly() const;

  const char* name() const { return codec_ == codec::gzip ? "gzip" : "zstd"; }

private:
  struct state;
  codec codec_;
  std::unique_ptr<state> state_;
};

} // namespace sluice::ops::source
