#include "sluice/ops/sink/durable_io.hpp"

#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <string>

#include <fcntl.h>
#include <unistd.h>

namespace sluice::ops::sink {

namespace fs = std::filesystem;

namespace {

[[noreturn]] void fail(const std::string& what, const fs::path& path, int err) {
  throw std::runtime_error("cannot " + what + " '" + path.string() + "': " + std::strerror(err));
}

} // namespace

fs::path folder_of(const fs::path& path) {
  return path.has_parent_path() ? path.parent_path() : fs::path(".");
}

void sync_file(std::FILE* f, const fs::path& path) {
  if (std::fflush(f) != 0) fail("write to", path, errno);
  if (::fsync(::fileno(f)) != 0) fail("sync to disk", path, errno);
}

void sync_directory(const fs::path& dir) {
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) fail("open the folder", dir, errno); // to sync it
  int rc = ::fsync(fd);
  int err = errno;
  ::close(fd);
  if (rc != 0) fail("sync to disk", dir, err);
}

void rename_durably(const fs::path& from, const fs::path& to) {
  if (std::rename(from.c_str(), to.c_str()) != 0)
    throw std::runtime_error("cannot rename '" + from.string() + "' to '" + to.string()
                             + "': " + std::strerror(errno));
  sync_directory(folder_of(to));
}

void remove_durably(const fs::path& path) {
  if (::unlink(path.c_str()) != 0) {
    if (errno == ENOENT) return;
    fail("remove", path, errno);
  }
  sync_directory(folder_of(path));
}

void truncate_durably(const fs::path& path, std::uint64_t size) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CLOEXEC);
  if (fd < 0) fail("open", path, errno);
  int rc = ::ftruncate(fd, static_cast<off_t>(size));
  if (rc == 0) rc = ::fsync(fd);
  int err = errno;
  ::close(fd);
  if (rc != 0) fail("cut to " + std::to_string(size) + " bytes", path, err);
}

} // namespace sluice::ops::sink
