#include "sluice/ops/source/path_glob.hpp"

#include <glob.h>
#include <sys/stat.h>

#include <algorithm>

namespace sluice::ops::source {

bool has_glob_chars(const std::string& pattern) {
  return pattern.find_first_of("*?[") != std::string::npos;
}

std::vector<std::string> expand_glob(const std::string& pattern) {
  std::vector<std::string> out;
  glob_t g{};
  if (::glob(pattern.c_str(), GLOB_TILDE | GLOB_NOSORT, nullptr, &g) == 0) {
    for (std::size_t i = 0; i < g.gl_pathc; ++i) {
      struct stat st {};
      if (::stat(g.gl_pathv[i], &st) == 0 && S_ISREG(st.st_mode)) out.emplace_back(g.gl_pathv[i]);
    }
  }
  ::globfree(&g);
  std::sort(out.begin(), out.end());
  return out;
}

std::string why_no_file(const std::string& pattern) {
  struct stat st {};
  if (!has_glob_chars(pattern) && ::stat(pattern.c_str(), &st) == 0) {
    if (S_ISDIR(st.st_mode)) return "'" + pattern + "' is a directory, not a file";
    if (!S_ISREG(st.st_mode))
      return "'" + pattern + "' is not a regular file (a FIFO, socket or device)";
  }
  return "no file matches '" + pattern + "'";
}

} // namespace sluice::ops::source
