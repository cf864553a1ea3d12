#pragma once

// A fuzz target's own folder: a fresh folder under TMPDIR (or /tmp), made at
// start and removed at a normal exit. Every file a target writes or lets the
// code under test read (input files, the files an operator's `path` names)
// is in it. The target does not chdir there: libFuzzer resolves the corpus,
// artifact and dictionary paths of its command line against the working
// directory throughout the run.

#include <stdlib.h>

#include <cstdio>
#include <filesystem>
#include <string>

namespace sluice::fuzz {

inline std::string& scratch_path() {
  static std::string path;
  return path;
}

inline void remove_scratch_dir() {
  std::error_code ec;
  if (!scratch_path().empty()) std::filesystem::remove_all(scratch_path(), ec);
}

/// Creates the folder and returns its absolute path. Aborts if it cannot: the
/// target must not run anywhere else.
inline const std::string& make_scratch_dir(const std::string& target) {
  std::error_code ec;
  auto base = std::filesystem::temp_directory_path(ec);
  if (ec) base = "/tmp";
  std::string name = (base / ("sluice-" + target + "-XXXXXX")).string();
  if (!::mkdtemp(name.data())) {
    std::perror(("cannot make a scratch folder " + name).c_str());
    std::abort();
  }
  scratch_path() = std::filesystem::absolute(name).string();
  std::atexit(remove_scratch_dir);
  return scratch_path();
}

} // namespace sluice::fuzz
