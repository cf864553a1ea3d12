#include <catch2/catch.hpp>

#include <cmath>
#include <map>
#include <random>
#include <stdexcept>
#include <vector>

#include "sluice/core/state.hpp"
#include "sluice/ops/aggregate/sketch/count_min_sketch.hpp"

using sluice::ops::aggregate::sketch::count_min_sketch;

namespace {

/// Key i (hash = i * a large odd constant) appears about 1 / (i + 1) as often
/// as key 0 (a Zipf-like stream of `n` records over 5000 keys).
std::map<std::uint64_t, std::uint64_t> zipf_stream(count_min_sketch& s, int n, unsigned seed) {
  std::mt19937_64 g(seed);
  std::vector<double> weights;
  for (int i = 0; i < 5000; ++i) weights.push_back(1.0 / (i + 1));
  std::discrete_distribution<int> pick(weights.begin(), weights.end());
  std::map<std::uint64_t, std::uint64_t> truth;
  for (int r = 0; r < n; ++r) {
    const std::uint64_t hash = static_cast<std::uint64_t>(pick(g)) * 0x9e3779b97f4a7c15ULL;
    s.add(hash);
    ++truth[hash];
  }
  return truth;
}

} // namespace

TEST_CASE("count-min takes its width and depth from epsilon and delta") {
  auto s = count_min_sketch::with_error(0.01, 0.01);
  CHECK(s.width() == 272); // ceil(e / 0.01)
  CHECK(s.depth() == 5);   // ceil(ln 100)
  CHECK(s.epsilon() <= 0.01);
  CHECK(s.delta() <= 0.01);
  CHECK_THROWS_AS(count_min_sketch::with_error(0.0, 0.1), std::invalid_argument);
  CHECK_THROWS_AS(count_min_sketch(0, 3), std::invalid_argument);
}

TEST_CASE("count-min never underestimates and stays within epsilon N with probability 1 - delta") {
  auto s = count_min_sketch::with_error(0.001, 0.01);
  auto truth = zipf_stream(s, 200000, 1);
  CHECK(s.total() == 200000);
  const double bound = s.epsilon() * static_cast<double>(s.total());
  std::size_t over = 0;
  for (const auto& [hash, count] : truth) {
    const std::uint64_t est = s.estimate(hash);
    CHECK(est >= count);
    if (static_cast<double>(est - count) > bound) ++over;
  }
  // delta = 1 %: allow twice that for the chance of one run.
  CHECK(static_cast<double>(over) <= 0.02 * static_cast<double>(truth.size()));
}

TEST_CASE("merging count-min sketches equals one sketch over both streams") {
  count_min_sketch a(500, 4), b(500, 4), both(500, 4);
  zipf_stream(a, 30000, 2);
  zipf_stream(b, 30000, 3);
  zipf_stream(both, 30000, 2);
  zipf_stream(both, 30000, 3);
  a.merge(b);
  CHECK(a.total() == both.total());
  for (std::uint64_t i = 0; i < 5000; ++i) {
    const std::uint64_t hash = i * 0x9e3779b97f4a7c15ULL;
    REQUIRE(a.estimate(hash) == both.estimate(hash));
  }
  count_min_sketch other(400, 4);
  CHECK_THROWS_AS(a.merge(other), std::invalid_argument);
}

TEST_CASE("a count-min sketch restored from a snapshot estimates and merges as the original") {
  count_min_sketch original(200, 4);
  auto truth = zipf_stream(original, 20000, 5);
  sluice::core::state_writer w;
  original.snapshot(w);
  count_min_sketch copy(200, 4);
  sluice::core::state_reader r(w.data());
  copy.restore(r);
  CHECK(r.at_end());
  CHECK(copy.total() == 20000);
  for (const auto& [hash, n] : truth) CHECK(copy.estimate(hash) == original.estimate(hash));
  count_min_sketch more(200, 4);
  zipf_stream(more, 5000, 6);
  original.merge(more);
  copy.merge(more);
  for (const auto& [hash, n] : truth) CHECK(copy.estimate(hash) == original.estimate(hash));

  count_min_sketch other_size(100, 4);
  sluice::core::state_reader again(w.data());
  CHECK_THROWS_AS(other_size.restore(again), sluice::core::state_error);
}
