#include <catch2/catch.hpp>

#include <atomic>
#include <thread>

#include <nlohmann/json.hpp>

#include "sluice/core/edge_tap.hpp"
#include "sluice/core/tap_buffer.hpp"

using namespace sluice::core;
using namespace std::chrono_literals;

namespace {

batch_ptr numbers(std::int64_t from, std::int64_t n) {
  auto s = make_schema({{"n", value_type::int64}, {"s", value_type::string}});
  batch_builder b(s);
  for (std::int64_t i = from; i < from + n; ++i) {
    b.column_at(0).append_int(i);
    b.column_at(1).append_string("v" + std::to_string(i));
  }
  return b.finish();
}

/// A steady clock the test moves by hand.
struct manual_clock {
  std::shared_ptr<std::chrono::steady_clock::time_point> now =
    std::make_shared<std::chrono::steady_clock::time_point>(std::chrono::steady_clock::now());
  tap_buffer::clock_fn fn() const {
    return [now = now] { return *now; };
  }
  void advance(std::chrono::milliseconds d) { *now += d; }
};

std::int64_t n_of(const std::string& record) { return nlohmann::json::parse(record)["n"]; }

} // namespace

TEST_CASE("a tap samples at most its rate of records per second") {
  manual_clock clock;
  tap_buffer tap(100, 4096, {}, clock.fn());
  for (int second = 0; second < 5; ++second) {
    for (int k = 0; k < 10; ++k) {
      tap.offer(*numbers(second * 10000 + k * 1000, 1000));
      clock.advance(100ms);
    }
  }
  auto got = tap.take();
  CHECK(got.seen == 50000);
  // One second's worth at the start, then 100 a second: never more.
  CHECK(got.sampled <= 100 + 5 * 100);
  CHECK(got.sampled >= 5 * 100);
  CHECK(got.records.size() == got.sampled);
  CHECK(got.missed == 0);
  for (const auto& r : got.records) CHECK_NOTHROW(nlohmann::json::parse(r));
}

TEST_CASE("a tap samples rows spread over a batch, as JSON objects in schema order") {
  manual_clock clock;
  tap_buffer tap(10, 100, {}, clock.fn());
  tap.offer(*numbers(0, 1000));
  auto got = tap.take();
  REQUIRE(got.records.size() == 10);
  CHECK(got.records[0] == R"({"n":0,"s":"v0"})");
  CHECK(n_of(got.records[1]) == 100);
  CHECK(n_of(got.records[9]) == 900);
}

TEST_CASE("a tap keeps only the newest records when nobody takes them, and counts the rest") {
  manual_clock clock;
  tap_buffer tap(500, 8, {}, clock.fn());
  for (int k = 0; k < 20; ++k) {
    tap.offer(*numbers(k, 1));
    clock.advance(10ms);
  }
  auto got = tap.take();
  REQUIRE(got.records.size() == 8);
  CHECK(n_of(got.records.front()) == 12);
  CHECK(n_of(got.records.back()) == 19);
  CHECK(got.missed == 12);
  CHECK(got.sampled == 20);
  // Taken once: the next take starts empty, with the missed count reset.
  auto again = tap.take();
  CHECK(again.records.empty());
  CHECK(again.missed == 0);
  CHECK(again.sampled == 20);
}

TEST_CASE("taking at most N keeps the newest N and counts the older ones as missed") {
  manual_clock clock;
  tap_buffer tap(500, 100, {}, clock.fn());
  tap.offer(*numbers(0, 30));
  auto got = tap.take(5);
  REQUIRE(got.records.size() == 5);
  CHECK(n_of(got.records.front()) == 25);
  CHECK(got.missed == 25);
}

TEST_CASE("a tap offers only the listed rows of a selection") {
  manual_clock clock;
  tap_buffer tap(500, 100, {}, clock.fn());
  std::vector<std::uint32_t> rows{3, 7};
  tap.offer(*numbers(0, 10), &rows);
  auto got = tap.take();
  REQUIRE(got.records.size() == 2);
  CHECK(n_of(got.records[0]) == 3);
  CHECK(n_of(got.records[1]) == 7);
  CHECK(got.seen == 2);
}

TEST_CASE("a tap's filter keeps only matching rows, sampled from the matches") {
  manual_clock clock;
  auto odd = [](const batch& b, std::vector<std::uint32_t>& rows) {
    std::size_t kept = 0;
    for (auto r : rows)
      if (b.col(0).ints[r] % 2 == 1) rows[kept++] = r;
    rows.resize(kept);
  };
  tap_buffer tap(5, 100, odd, clock.fn());
  tap.offer(*numbers(0, 100));
  auto got = tap.take();
  REQUIRE(got.records.size() == 5);
  for (const auto& r : got.records) CHECK(n_of(r) % 2 == 1);
  // Nothing matches: no token is spent.
  auto none = [](const batch&, std::vector<std::uint32_t>& rows) { rows.clear(); };
  tap_buffer picky(5, 100, none, clock.fn());
  picky.offer(*numbers(0, 100));
  CHECK(picky.take().sampled == 0);
}

TEST_CASE("a record too long for a tap is replaced by a note of its size") {
  manual_clock clock;
  auto s = make_schema({{"text", value_type::string}});
  batch_builder b(s);
  b.column_at(0).append_string(std::string(max_tap_record_bytes + 10, 'x'));
  tap_buffer tap(10, 10, {}, clock.fn());
  tap.offer(*b.finish());
  auto got = tap.take();
  REQUIRE(got.records.size() == 1);
  auto j = nlohmann::json::parse(got.records[0]);
  CHECK(j["tap_omitted_bytes"].get<std::size_t>() > max_tap_record_bytes);
}

TEST_CASE("a tap's rate and capacity are clamped to their bounds") {
  tap_buffer fast(1e9, 1u << 30);
  CHECK(fast.rate() == max_tap_rate);
  CHECK(fast.capacity() == max_tap_capacity);
  tap_buffer slow(0, 0);
  CHECK(slow.rate() == 1);
  CHECK(slow.capacity() == 1);
}

TEST_CASE("producers offering from several threads while a reader takes stay within bounds") {
  tap_buffer tap(500, 64);
  std::atomic<bool> go{true};
  std::vector<std::thread> producers;
  for (int t = 0; t < 3; ++t)
    producers.emplace_back([&, t] {
      for (int k = 0; k < 2000; ++k) tap.offer(*numbers(t * 100000 + k, 4));
    });
  std::size_t taken = 0, most = 0;
  std::thread reader([&] {
    while (go.load()) {
      auto got = tap.take();
      most = std::max(most, got.records.size());
      taken += got.records.size();
    }
  });
  for (auto& p : producers) p.join();
  go = false;
  reader.join();
  CHECK(most <= 64);
  auto last = tap.take();
  CHECK(last.seen == 3 * 2000 * 4);
  CHECK(taken + last.records.size() <= last.sampled);
}

TEST_CASE("an edge tap closes once, on close() or when dropped") {
  int closes = 0;
  edge_tap::parts p;
  p.from_node = "a";
  p.from_port = "out";
  p.to_node = "b";
  p.buffer = std::make_shared<tap_buffer>(10, 10);
  p.close = [&] { ++closes; };
  {
    edge_tap tap(p);
    CHECK(tap.name() == "a.out -> b");
    CHECK_FALSE(tap.closed());
    tap.close();
    CHECK(tap.closed());
    tap.close();
  }
  CHECK(closes == 1);
  { edge_tap dropped(p); }
  CHECK(closes == 2);
}
