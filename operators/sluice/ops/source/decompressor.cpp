#include "sluice/ops/source/decompressor.hpp"

#include <stdexcept>

#include <zlib.h>
#include <zstd.h>

namespace sluice::ops::source {

struct decompressor::state {
  z_stream z{};
  bool z_open = false;
  bool z_member_done = true; ///< between gzip members (or before the first)
  ZSTD_DCtx* zstd = nullptr;
  bool zstd_frame_done = true;
};

bool decompressor::detect(std::string_view head, codec& out) {
  if (head.size() >= 2 && static_cast<unsigned char>(head[0]) == 0x1f
      && static_cast<unsigned char>(head[1]) == 0x8b) {
    out = codec::gzip;
    return true;
  }
  if (head.size() >= 4 && static_cast<unsigned char>(head[0]) == 0x28
      && static_cast<unsigned char>(head[1]) == 0xb5 && static_cast<unsigned char>(head[2]) == 0x2f
      && static_cast<unsigned char>(head[3]) == 0xfd) {
    out = codec::zstd;
    return true;
  }
  return false;
}

decompressor::decompressor(codec c) : codec_(c), state_(std::make_unique<state>()) { reset(); }

decompressor::~decompressor() {
  if (state_->z_open) inflateEnd(&state_->z);
  if (state_->zstd) ZSTD_freeDCtx(state_->zstd);
}

void decompressor::reset() {
  if (codec_ == codec::gzip) {
    if (state_->z_open) inflateEnd(&state_->z);
    state_->z = z_stream{};
    if (inflateInit2(&state_->z, 15 + 16) != Z_OK) // 16: gzip wrapper
      throw std::runtime_error("gzip: cannot start decompressing");
    state_->z_open = true;
    state_->z_member_done = true;
  } else {
    if (!state_->zstd) state_->zstd = ZSTD_createDCtx();
    if (!state_->zstd) throw std::runtime_error("zstd: cannot start decompressing");
    ZSTD_DCtx_reset(state_->zstd, ZSTD_reset_session_only);
    state_->zstd_frame_done = true;
  }
}

std::size_t decompressor::run(std::string_view& in, char* out, std::size_t room) {
  std::size_t written = 0;
  if (codec_ == codec::gzip) {
    z_stream& z = state_->z;
    while (written < room && !in.empty()) {
      z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
      z.avail_in = static_cast<uInt>(std::min<std::size_t>(in.size(), 1u << 30));
      z.next_out = reinterpret_cast<Bytef*>(out + written);
      z.avail_out = static_cast<uInt>(std::min<std::size_t>(room - written, 1u << 30));
      const uInt had_in = z.avail_in, had_out = z.avail_out;
      int rc = inflate(&z, Z_NO_FLUSH);
      in.remove_prefix(had_in - z.avail_in);
      written += had_out - z.avail_out;
      if (rc == Z_STREAM_END) { // a member ended; another may follow
        state_->z_member_done = true;
        inflateReset(&z);
        continue;
      }
      if (rc == Z_BUF_ERROR) break; // needs more input or more room
      if (rc != Z_OK)
        throw std::runtime_error(std::string("gzip: corrupt data: ")
                                 + (z.msg ? z.msg : "inflate failed"));
      state_->z_member_done = false;
    }
    return written;
  }
  while (written < room && !in.empty()) {
    ZSTD_inBuffer zin{in.data(), in.size(), 0};
    ZSTD_outBuffer zout{out + written, room - written, 0};
    std::size_t rc = ZSTD_decompressStream(state_->zstd, &zout, &zin);
    if (ZSTD_isError(rc))
      throw std::runtime_error(std::string("zstd: corrupt data: ") + ZSTD_getErrorName(rc));
    in.remove_prefix(zin.pos);
    written += zout.pos;
    state_->zstd_frame_done = rc == 0;
    if (zin.pos == 0 && zout.pos == 0) break;
  }
  return written;
}

bool decompressor::finished_cleanly() const {
  return codec_ == codec::gzip ? state_->z_member_done : state_->zstd_frame_done;
}

} // namespace sluice::ops::source
