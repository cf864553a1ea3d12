#include "sluice/ops/sink/rotated_files.hpp"

#include <charconv>
#include <filesystem>
#include <functional>
#include <vector>

#include "sluice/ops/sink/durable_io.hpp"

namespace sluice::ops::sink {

namespace {

namespace fs = std::filesystem;

// Calls `f(n, entry)` for every existing "<path>.N".
void for_each_rotated(const std::string& path,
                      const std::function<void(std::uint64_t, const fs::path&)>& f) {
  fs::path p(path);
  const std::string prefix = p.filename().string() + ".";
  std::error_code ec;
  for (fs::directory_iterator it(folder_of(p), ec), end; !ec && it != end; it.increment(ec)) {
    std::string name = it->path().filename().string();
    if (name.size() <= prefix.size() || name.compare(0, prefix.size(), prefix) != 0) continue;
    std::uint64_t n = 0;
    const char* b = name.data() + prefix.size();
    const char* e = name.data() + name.size();
    auto r = std::from_chars(b, e, n);
    if (r.ec == std::errc{} && r.ptr == e) f(n, it->path());
  }
}

} // namespace

std::string rotated_name(const std::string& path, std::uint64_t n) {
  return path + "." + std::to_string(n);
}

std::uint64_t highest_rotated(const std::string& path) {
  std::uint64_t highest = 0;
  for_each_rotated(path, [&](std::uint64_t n, const fs::path&) {
    if (n > highest) highest = n;
  });
  return highest;
}

void remove_rotated_from(const std::string& path, std::uint64_t first) {
  std::vector<fs::path> doomed;
  for_each_rotated(path, [&](std::uint64_t n, const fs::path& p) {
    if (n >= first) doomed.push_back(p);
  });
  for (const auto& p : doomed) remove_durably(p);
}

} // namespace sluice::ops::sink
