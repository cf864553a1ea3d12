#include <catch2/catch.hpp>

#include "sluice/ops/connect/backoff.hpp"

using sluice::ops::connect::backoff;

TEST_CASE(
  "Reconnect waits double from the first up to the longest, then start over after success") {
  backoff b(100, 1000);
  std::vector<std::int64_t> waits;
  for (int i = 0; i < 6; ++i) waits.push_back(b.next_ns());
  // each wait is its step less up to a quarter of jitter
  std::vector<std::int64_t> steps = {100, 200, 400, 800, 1000, 1000};
  for (std::size_t i = 0; i < steps.size(); ++i) {
    CHECK(waits[i] <= steps[i]);
    CHECK(waits[i] > steps[i] * 3 / 4);
  }
  CHECK(b.failures() == 6);
  b.reset();
  CHECK(b.next_ns() <= 100);
}
