#include <catch2/catch.hpp>

#include <cmath>
#include <cstdint>
#include <stdexcept>

#include <xxhash.h>

#include "sluice/ops/aggregate/sketch/hyperloglog.hpp"

using sluice::ops::aggregate::sketch::hyperloglog;

namespace {

// xxh3 of the value's bytes, as core::hash_value hashes an int.
std::uint64_t hash_of(std::int64_t v) { return XXH3_64bits(&v, sizeof v); }

void add_range(hyperloglog& h, std::int64_t from, std::int64_t to) {
  for (std::int64_t v = from; v < to; ++v) h.add_hash(hash_of(v));
}

/// |estimate - truth| within three standard errors of truth.
bool within_three_se(const hyperloglog& h, double truth) {
  return std::fabs(h.estimate() - truth) <= 3.0 * h.standard_error() * truth;
}

} // namespace

TEST_CASE("HyperLogLog counts 100 000 distinct values within three standard errors") {
  hyperloglog h;
  add_range(h, 0, 100000);
  CHECK(h.standard_error() == Approx(1.04 / 128.0));
  CHECK_FALSE(h.is_sparse());
  CHECK(within_three_se(h, 100000));
}

TEST_CASE("HyperLogLog stays within three standard errors from small to large cardinalities") {
  for (std::int64_t n : {1100, 3000, 10000, 40000, 250000, 1000000}) {
    hyperloglog h;
    add_range(h, n * 7, n * 8); // a different value range per size
    INFO("distinct values: " << n << ", estimate: " << h.estimate());
    CHECK(within_three_se(h, static_cast<double>(n)));
  }
}

TEST_CASE("HyperLogLog counts small sets exactly while sparse") {
  hyperloglog h;
  for (int round = 0; round < 3; ++round) add_range(h, 0, 1000);
  CHECK(h.is_sparse());
  CHECK(h.estimate() == 1000.0);
  hyperloglog empty;
  CHECK(empty.estimate() == 0.0);
}

TEST_CASE("HyperLogLog ignores repeated values") {
  hyperloglog once, often;
  add_range(once, 0, 20000);
  for (int round = 0; round < 5; ++round) add_range(often, 0, 20000);
  CHECK(once.estimate() == often.estimate());
}

TEST_CASE("merging two HyperLogLog sketches equals one sketch over the union") {
  hyperloglog a, b, both;
  add_range(a, 0, 60000);
  add_range(b, 40000, 100000);
  add_range(both, 0, 100000);
  a.merge(b);
  CHECK(a.estimate() == both.estimate());
  CHECK(within_three_se(a, 100000));
}

TEST_CASE("merging sparse and dense HyperLogLog sketches in any order gives the same estimate") {
  hyperloglog small_a, small_b, large;
  add_range(small_a, 0, 300);
  add_range(small_b, 200, 700);
  add_range(large, 500, 50000);

  hyperloglog sparse_sum = small_a;
  sparse_sum.merge(small_b);
  CHECK(sparse_sum.is_sparse());
  CHECK(sparse_sum.estimate() == 700.0);

  hyperloglog into_dense = large;
  into_dense.merge(sparse_sum);
  hyperloglog into_sparse = sparse_sum;
  into_sparse.merge(large);
  hyperloglog direct;
  add_range(direct, 0, 50000);
  CHECK(into_dense.estimate() == direct.estimate());
  CHECK(into_sparse.estimate() == direct.estimate());
}

TEST_CASE("HyperLogLog refuses a precision out of range and a merge across precisions") {
  CHECK_THROWS_AS(hyperloglog(3), std::invalid_argument);
  CHECK_THROWS_AS(hyperloglog(19), std::invalid_argument);
  hyperloglog a(10), b(12);
  CHECK_THROWS_AS(a.merge(b), std::invalid_argument);
}

TEST_CASE("a lower-precision HyperLogLog keeps its own larger error bound") {
  hyperloglog h(10); // 1024 registers: 3.25 % standard error
  add_range(h, 0, 50000);
  CHECK(h.standard_error() == Approx(1.04 / 32.0));
  CHECK(within_three_se(h, 50000));
}
