#pragma once

#include <sys/stat.h>

#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <tuple>
#include <variant>

#include "sluice/core/errors.hpp"

namespace sluice::ops::text {

/// What identifies one version of a file: a changed file gets another key.
struct file_version {
  std::string path;
  std::string variant; ///< what was read of it (a format, a table)
  dev_t dev = 0;
  ino_t ino = 0;
  off_t size = 0;
  std::int64_t mtime_ns = 0;
  bool operator<(const file_version& o) const {
    return std::tie(path, variant, dev, ino, size, mtime_ns)
           < std::tie(o.path, o.variant, o.dev, o.ino, o.size, o.mtime_ns);
  }
};

/// `compute()` (which reads the file at `path`), remembered per file version
/// for the life of the process, a param_error included: binding runs on
/// every edit in the editor, and binding an unchanged file again must read
/// nothing (docs/ARCHITECTURE.md §5). Anything but a regular file is read
/// every time. Thread-safe; at most 256 versions per T are kept.
template <class T, class Compute>
T remembered_per_file_version(const std::string& path, const std::string& variant,
                              Compute compute) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) return compute();
  file_version key{
    path,       variant,
    st.st_dev,  st.st_ino,
    st.st_size, static_cast<std::int64_t>(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec};
  using outcome = std::variant<T, core::param_error>;
  static std::mutex mutex;
  static std::map<file_version, outcome> remembered;
  {
    std::lock_guard<std::mutex> lock(mutex);
    auto it = remembered.find(key);
    if (it != remembered.end()) {
      if (auto* error = std::get_if<core::param_error>(&it->second)) throw *error;
      return std::get<T>(it->second);
    }
  }
  auto result = [&]() -> outcome {
    try {
      return compute();
    } catch (const core::param_error& e) {
      return e;
    }
  }();
  {
    std::lock_guard<std::mutex> lock(mutex);
    if (remembered.size() >= 256) remembered.clear(); // a bound, not an LRU: rarely reached
    remembered.emplace(key, result);
  }
  if (auto* error = std::get_if<core::param_error>(&result)) throw *error;
  return std::get<T>(result);
}

} // namespace sluice::ops::text
