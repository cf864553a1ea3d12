#include "sluice/ops/source/file_cursor.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <stdexcept>

namespace sluice::ops::source {

namespace {

constexpr std::size_t chunk_size = std::size_t{1} << 20;

} // namespace

file_cursor::~file_cursor() { close(); }

bool file_cursor::open(const std::string& path) {
  close();
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return false;
  struct stat st {};
  if (::fstat(fd, &st) != 0) {
    int e = errno;
    ::close(fd);
    errno = e;
    return false;
  }
  fd_ = fd;
  path_ = path;
  dev_ = st.st_dev;
  ino_ = st.st_ino;
  offset_ = 0;
  begin_ = end_ = 0;
  if (!buf_) reserve(chunk_size);
  decompressor_.reset();
  raw_.clear();
  raw_begin_ = 0;
  raw_eof_ = false;
  char head[4];
  decompressor::codec codec;
  auto n = ::pread(fd, head, sizeof head, 0);
  if (n > 0 && decompressor::detect(std::string_view(head, static_cast<std::size_t>(n)), codec))
    decompressor_ = std::make_unique<decompressor>(codec);
  return true;
}

void file_cursor::close() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
  begin_ = end_ = 0;
}

void file_cursor::reserve(std::size_t capacity) {
  std::unique_ptr<char[]> bigger(new char[capacity + padding]);
  if (end_ > begin_) std::memcpy(bigger.get(), buf_.get() + begin_, end_ - begin_);
  end_ -= begin_;
  begin_ = 0;
  std::memset(bigger.get() + capacity, 0, padding);
  buf_ = std::move(bigger);
  capacity_ = capacity;
}

std::size_t file_cursor::fill() {
  if (fd_ < 0) return 0;
  if (begin_ > 0) {
    std::memmove(buf_.get(), buf_.get() + begin_, end_ - begin_);
    end_ -= begin_;
    begin_ = 0;
  }
  if (end_ == capacity_) reserve(capacity_ * 2);
  std::size_t n =
    decompressor_ ? fill_decompressed() : read_raw(buf_.get() + end_, capacity_ - end_);
  end_ += n;
  offset_ += n;
  // Keep the bytes after the data deterministic for parsers that peek.
  std::memset(buf_.get() + end_, 0, padding);
  return n;
}

std::size_t file_cursor::read_raw(char* to, std::size_t room) {
  for (;;) {
    ssize_t n = ::read(fd_, to, room);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) throw std::runtime_error("cannot read '" + path_ + "': " + std::strerror(errno));
    return static_cast<std::size_t>(n);
  }
}

std::size_t file_cursor::fill_decompressed() {
  for (;;) {
    if (raw_begin_ == raw_.size() && !raw_eof_) {
      raw_.resize(chunk_size);
      raw_.resize(read_raw(raw_.data(), raw_.size()));
      raw_begin_ = 0;
      raw_eof_ = raw_.empty();
    }
    std::string_view in(raw_.data() + raw_begin_, raw_.size() - raw_begin_);
    std::size_t n = 0;
    try {
      n = decompressor_->run(in, buf_.get() + end_, capacity_ - end_);
    } catch (const std::runtime_error& e) {
      throw std::runtime_error("cannot read '" + path_ + "': " + e.what());
    }
    raw_begin_ = raw_.size() - in.size();
    if (n > 0) return n;
    if (raw_eof_) {
      if (!decompressor_->finished_cleanly())
        throw std::runtime_error("cannot read '" + path_ + "': the " + decompressor_->name()
                                 + " data ends in the middle (a truncated file)");
      return 0;
    }
  }
}

file_cursor::change file_cursor::check() const {
  if (fd_ < 0) return change::missing;
  if (decompressor_) return change::none; // read once, not followed
  struct stat st {};
  if (::fstat(fd_, &st) == 0 && static_cast<std::uint64_t>(st.st_size) < offset_)
    return change::truncated;
  if (::stat(path_.c_str(), &st) != 0) return change::missing;
  if (st.st_dev != dev_ || st.st_ino != ino_) return change::replaced;
  return change::none;
}

void file_cursor::seek(std::uint64_t offset) {
  if (fd_ < 0) return;
  if (decompressor_) { // decompress again from the start, dropping `offset` bytes
    if (::lseek(fd_, 0, SEEK_SET) < 0)
      throw std::runtime_error("cannot seek in '" + path_ + "': " + std::strerror(errno));
    decompressor_->reset();
    raw_.clear();
    raw_begin_ = 0;
    raw_eof_ = false;
    offset_ = 0;
    begin_ = end_ = 0;
    while (offset_ < offset) {
      if (fill() == 0)
        throw std::runtime_error("cannot resume '" + path_ + "' at byte " + std::to_string(offset)
                                 + ": it holds only " + std::to_string(offset_)
                                 + " bytes decompressed");
      const std::uint64_t drop = std::min<std::uint64_t>(offset - (offset_ - end_), end_);
      begin_ = static_cast<std::size_t>(drop);
      if (begin_ < end_) break;
      begin_ = end_ = 0;
    }
    return;
  }
  if (::lseek(fd_, static_cast<off_t>(offset), SEEK_SET) < 0)
    throw std::runtime_error("cannot seek in '" + path_ + "': " + std::strerror(errno));
  offset_ = offset;
  begin_ = end_ = 0;
}

void file_cursor::skip_utf8_bom() {
  while (end_ - begin_ < 3 && fill() > 0) {}
  if (pending().substr(0, 3) == "\xEF\xBB\xBF") consume(3);
}

std::uint64_t file_cursor::fingerprint(std::uint64_t offset) const {
  if (fd_ < 0 || offset == 0) return 0;
  char bytes[64];
  std::uint64_t from = offset > sizeof bytes ? offset - sizeof bytes : 0;
  if (decompressor_) { // its first bytes: decompressed offsets have no place in the file
    from = 0;
    offset = sizeof bytes;
  }
  auto n = ::pread(fd_, bytes, static_cast<std::size_t>(offset - from), static_cast<off_t>(from));
  if (n < 0) return 0;
  std::uint64_t h = 1469598103934665603ull; // FNV-1a
  for (ssize_t i = 0; i < n; ++i) {
    h ^= static_cast<unsigned char>(bytes[i]);
    h *= 1099511628211ull;
  }
  return h | 1; // never 0: 0 means "unknown"
}

std::uint64_t file_cursor::size() const {
  struct stat st {};
  if (fd_ < 0 || ::fstat(fd_, &st) != 0) return 0;
  return static_cast<std::uint64_t>(st.st_size);
}

} // namespace sluice::ops::source
