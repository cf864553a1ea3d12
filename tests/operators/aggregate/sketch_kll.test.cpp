#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <random>
#include <vector>

#include "sluice/ops/aggregate/sketch/kll_sketch.hpp"

using sluice::ops::aggregate::sketch::kll_sketch;

namespace {

constexpr double rank_bound = 0.0165; // the stated bound for k = 200

std::vector<double> shuffled_range(int n, unsigned seed) {
  std::vector<double> v(static_cast<std::size_t>(n));
  std::iota(v.begin(), v.end(), 0.0);
  std::mt19937_64 g(seed);
  std::shuffle(v.begin(), v.end(), g);
  return v;
}

/// Over p = 0.01 .. 0.99, the largest |true rank of quantile(p) - p|, for a
/// sketch of the values 0..n-1 (the true rank of v is (v + 1) / n).
double worst_rank_error(const kll_sketch& s, int n) {
  double worst = 0.0;
  for (int i = 1; i < 100; ++i) {
    const double p = i / 100.0;
    worst = std::max(worst, std::fabs((s.quantile(p) + 1.0) / n - p));
  }
  return worst;
}

} // namespace

TEST_CASE("the KLL sketch finds percentiles of 0..99999 within its rank bound") {
  kll_sketch s;
  for (double v : shuffled_range(100000, 1)) s.add(v);
  CHECK(s.count() == 100000);
  CHECK(worst_rank_error(s, 100000) <= rank_bound);
  CHECK(std::fabs(s.quantile(0.5) - 49999.5) <= rank_bound * 100000);
  CHECK(std::fabs(s.rank(25000.0) - 0.25) <= rank_bound);
}

TEST_CASE("the KLL sketch meets its rank bound for at least 99 % of seeds") {
  int over = 0;
  for (unsigned seed = 0; seed < 200; ++seed) {
    kll_sketch s(kll_sketch::default_k, seed);
    for (double v : shuffled_range(20000, seed)) s.add(v);
    if (worst_rank_error(s, 20000) > rank_bound) ++over;
  }
  CHECK(over <= 2);
}

TEST_CASE("the KLL sketch keeps the exact minimum, maximum and small inputs") {
  kll_sketch s;
  for (double v : shuffled_range(150, 3)) s.add(v);
  CHECK(s.quantile(0.0) == 0.0);
  CHECK(s.quantile(1.0) == 149.0);
  CHECK(s.quantile(0.5) == 74.0); // 75 of 150 values are <= 74
  CHECK(s.min() == 0.0);
  CHECK(s.max() == 149.0);

  kll_sketch big;
  for (double v : shuffled_range(100000, 4)) big.add(v);
  CHECK(big.quantile(0.0) == 0.0);
  CHECK(big.quantile(1.0) == 99999.0);
}

TEST_CASE("merging two KLL sketches stays within the rank bound of the union") {
  auto values = shuffled_range(100000, 5);
  kll_sketch a(kll_sketch::default_k, 11), b(kll_sketch::default_k, 12);
  for (std::size_t i = 0; i < values.size(); ++i) {
    // Uneven, overlapping halves: a gets the lower values more often.
    (values[i] < 30000 || i % 3 == 0 ? a : b).add(values[i]);
  }
  a.merge(b);
  CHECK(a.count() == 100000);
  CHECK(a.min() == 0.0);
  CHECK(a.max() == 99999.0);
  CHECK(worst_rank_error(a, 100000) <= rank_bound);
}

TEST_CASE("merging many small KLL sketches keeps the rank bound") {
  auto values = shuffled_range(100000, 6);
  kll_sketch total;
  for (std::size_t part = 0; part < 50; ++part) {
    kll_sketch s(kll_sketch::default_k, part);
    for (std::size_t i = part * 2000; i < (part + 1) * 2000; ++i) s.add(values[i]);
    total.merge(s);
  }
  CHECK(total.count() == 100000);
  CHECK(worst_rank_error(total, 100000) <= rank_bound);
}

TEST_CASE("the KLL sketch holds a bounded number of values") {
  kll_sketch s;
  for (int i = 0; i < 1000000; ++i) s.add(static_cast<double>(i % 7919));
  CHECK(s.retained() <= 3 * kll_sketch::default_k + 64);
}

TEST_CASE("the KLL sketch ignores NaN and gives NaN when empty") {
  kll_sketch s;
  CHECK(std::isnan(s.quantile(0.5)));
  s.add(std::nan(""));
  CHECK(s.empty());
  s.add(2.0);
  CHECK(s.quantile(0.5) == 2.0);
}

TEST_CASE("the KLL sketch gives the same quantiles for the same seed") {
  kll_sketch a(200, 42), b(200, 42);
  for (double v : shuffled_range(50000, 7)) {
    a.add(v);
    b.add(v);
  }
  for (double p : {0.1, 0.5, 0.9}) CHECK(a.quantile(p) == b.quantile(p));
}
