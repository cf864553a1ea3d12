#include "sluice/ops/sink/compressed_file.hpp"

#include <cerrno>
#include <cstring>
#include <stdexcept>

#include <zlib.h>
#include <zstd.h>

#include "sluice/ops/sink/durable_io.hpp"

namespace sluice::ops::sink {

namespace {

bool ends_with(const std::string& s, const std::string& tail) {
  return s.size() >= tail.size() && s.compare(s.size() - tail.size(), tail.size(), tail) == 0;
}

constexpr std::size_t out_chunk = std::size_t{1} << 17;

} // namespace

compression parse_compression(const std::string& name, const std::string& path) {
  if (name == "gzip") return compression::gzip;
  if (name == "zstd") return compression::zstd;
  if (name == "auto") {
    if (ends_with(path, ".gz")) return compression::gzip;
    if (ends_with(path, ".zst")) return compression::zstd;
  }
  return compression::none;
}

struct compressed_file::codec_state {
  z_stream z{};
  bool z_open = false;
  ZSTD_CCtx* zstd = nullptr;
  ~codec_state() {
    if (z_open) deflateEnd(&z);
    if (zstd) ZSTD_freeCCtx(zstd);
  }
};

compressed_file::compressed_file(std::string path, compression c)
  : path_(std::move(path)), compression_(c), codec_(std::make_unique<codec_state>()) {
  file_ = std::fopen(path_.c_str(), "wb");
  if (!file_)
    throw std::runtime_error("cannot open '" + path_ + "' for writing: " + std::strerror(errno));
  if (c == compression::gzip) {
    // 15 + 16: a gzip header and trailer around the deflate stream
    if (deflateInit2(&codec_->z, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY)
        != Z_OK)
      throw std::runtime_error("gzip: cannot start compressing '" + path_ + "'");
    codec_->z_open = true;
  } else if (c == compression::zstd) {
    codec_->zstd = ZSTD_createCCtx();
    if (!codec_->zstd) throw std::runtime_error("zstd: cannot start compressing '" + path_ + "'");
  }
}

compressed_file::~compressed_file() {
  if (file_) std::fclose(file_);
}

void compressed_file::put(const char* data, std::size_t n) {
  if (n > 0 && std::fwrite(data, 1, n, file_) != n)
    throw std::runtime_error("cannot write to '" + path_ + "': " + std::strerror(errno));
}

void compressed_file::write(std::string_view bytes) {
  bytes_in_ += bytes.size();
  if (compression_ == compression::none) put(bytes.data(), bytes.size());
  else compress(bytes, false);
}

void compressed_file::compress(std::string_view bytes, bool end) {
  out_.resize(out_chunk);
  if (compression_ == compression::gzip) {
    z_stream& z = codec_->z;
    z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(bytes.data()));
    z.avail_in = static_cast<uInt>(bytes.size());
    for (;;) {
      z.next_out = reinterpret_cast<Bytef*>(out_.data());
      z.avail_out = static_cast<uInt>(out_.size());
      int rc = deflate(&z, end ? Z_FINISH : Z_NO_FLUSH);
      if (rc == Z_STREAM_ERROR) throw std::runtime_error("gzip: cannot compress '" + path_ + "'");
      put(out_.data(), out_.size() - z.avail_out);
      if (end ? rc == Z_STREAM_END : z.avail_in == 0 && z.avail_out != 0) break;
    }
    return;
  }
  ZSTD_inBuffer in{bytes.data(), bytes.size(), 0};
  for (;;) {
    ZSTD_outBuffer out{out_.data(), out_.size(), 0};
    std::size_t left =
      ZSTD_compressStream2(codec_->zstd, &out, &in, end ? ZSTD_e_end : ZSTD_e_continue);
    if (ZSTD_isError(left))
      throw std::runtime_error("zstd: cannot compress '" + path_ + "': " + ZSTD_getErrorName(left));
    put(out_.data(), out.pos);
    if (end ? left == 0 : in.pos == in.size) break;
  }
}

void compressed_file::finish() {
  if (!file_) return;
  if (compression_ != compression::none) compress({}, true);
  sync_file(file_, path_);
  std::FILE* f = file_;
  file_ = nullptr;
  if (std::fclose(f) != 0)
    throw std::runtime_error("cannot write to '" + path_ + "': " + std::strerror(errno));
}

} // namespace sluice::ops::sink
