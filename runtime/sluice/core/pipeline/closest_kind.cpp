#include "sluice/core/pipeline/closest_kind.hpp"

#include <algorithm>
#include <vector>

namespace sluice::core::pipeline {

namespace {

std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      std::size_t above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

} // namespace

std::string closest_kind(const registry& reg, std::string_view kind) {
  // No kind is anywhere near this long, and the edit distance of a huge
  // string (a 10 MB "kind") would take seconds.
  if (kind.empty() || kind.size() > 64) return {};
  std::string best;
  std::size_t best_distance = std::max<std::size_t>(2, kind.size() / 3) + 1;
  for (const auto& d : reg.all()) {
    std::string_view candidate = d.kind;
    auto dot = candidate.find('.');
    if (dot != std::string_view::npos && candidate.substr(dot + 1) == kind) return d.kind;
    auto distance = edit_distance(kind, candidate);
    if (distance < best_distance) {
      best_distance = distance;
      best = d.kind;
    }
  }
  return best;
}

} // namespace sluice::core::pipeline
