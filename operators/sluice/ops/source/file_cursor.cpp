#include "sluice/ops/source/file_cursor.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

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
  for (;;) {
    ssize_t n = ::read(fd_, buf_.get() + end_, capacity_ - end_);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) throw std::runtime_error("cannot read '" + path_ + "': " + std::strerror(errno));
    end_ += static_cast<std::size_t>(n);
    offset_ += static_cast<std::uint64_t>(n);
    // Keep the bytes after the data deterministic for parsers that peek.
    std::memset(buf_.get() + end_, 0, padding);
    return static_cast<std::size_t>(n);
  }
}

file_cursor::change file_cursor::check() const {
  if (fd_ < 0) return change::missing;
  struct stat st {};
  if (::fstat(fd_, &st) == 0 && static_cast<std::uint64_t>(st.st_size) < offset_)
    return change::truncated;
  if (::stat(path_.c_str(), &st) != 0) return change::missing;
  if (st.st_dev != dev_ || st.st_ino != ino_) return change::replaced;
  return change::none;
}

void file_cursor::seek(std::uint64_t offset) {
  if (fd_ < 0) return;
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
  const std::uint64_t from = offset > sizeof bytes ? offset - sizeof bytes : 0;
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
