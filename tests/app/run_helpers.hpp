#pragma once

// What the tests of whole `sluice run`s share: a folder per test, waiting
// for something to happen, and a child's memory.

#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

namespace sluice::test {

/// A fresh, empty folder for one test's files, kept after the test for a
/// look: <build>/test-output/<area>/<name>.
inline std::filesystem::path fresh_dir(const std::string& area, const std::string& name) {
  auto dir = std::filesystem::path(SLUICE_BINARY_DIR) / "test-output" / area / name;
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir;
}

/// Waits up to `timeout` for `done`, looking every 100 ms; whether it came.
template <class Done>
bool wait_for(Done done, std::chrono::seconds timeout) {
  const auto until = std::chrono::steady_clock::now() + timeout;
  while (!done()) {
    if (std::chrono::steady_clock::now() >= until) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return true;
}

/// The resident memory of process `pid`, in kB (0 once it is gone).
inline long rss_kb(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  for (std::string line; std::getline(in, line);)
    if (line.rfind("VmRSS:", 0) == 0) return std::stol(line.substr(6));
  return 0;
}

/// The lines of `file` that are not empty, in order.
inline std::vector<std::string> lines_of(const std::filesystem::path& file) {
  std::ifstream in(file);
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);)
    if (!line.empty()) lines.push_back(line);
  return lines;
}

} // namespace sluice::test
