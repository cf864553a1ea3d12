#include <catch2/catch.hpp>

#include <map>

#include "operators/window/window_test_util.hpp"

using namespace sluice;
using namespace sluice::test;

namespace {

// 3000 events over ~300 s and 7 keys: mostly in order, some up to 4 s
// behind, a few up to 40 s behind (late whatever the settings).
std::vector<event> messy_events() {
  std::vector<event> evs;
  std::uint64_t x = 12345;
  auto next = [&x] {
    x = x * 6364136223846793005ULL + 1442695040888963407ULL;
    return x >> 33;
  };
  double t = 0;
  for (int i = 0; i < 3000; ++i) {
    t += static_cast<double>(next() % 200) / 1000.0;
    double jitter = static_cast<double>(next() % 4000) / 1000.0;
    if (next() % 50 == 0) jitter = 40;
    double ts = next() % 3 == 0 ? t - jitter : t;
    evs.push_back({ts, "k" + std::to_string(next() % 7), static_cast<std::int64_t>(next() % 100)});
  }
  return evs;
}

struct outcome {
  rows out, late;
  std::vector<core::timestamp> watermarks_last;
};

outcome run(const std::string& kind, const nlohmann::json& params, std::size_t batch_size) {
  auto op = make_window(kind, params);
  recording_emitter out(2);
  feed(*op, out, messy_events(), batch_size);
  finish(*op, out);
  CHECK(as_window(op).open_windows() == 0);
  CHECK(as_window(op).open_groups() == 0);
  return {rows_text(out, 0), rows_text(out, 1), {out.watermarks.back()}};
}

void check_same_for_any_batch_size(const std::string& kind, nlohmann::json params) {
  params["timestamp"] = "ts";
  params["key"] = {"key"};
  params["aggregates"] = {{{"fn", "count"}},
                          {{"fn", "sum"}, {"field", "v"}},
                          {{"fn", "max"}, {"field", "v"}},
                          {{"fn", "last"}, {"field", "v"}},
                          {{"fn", "stddev"}, {"field", "v"}}};
  auto one = run(kind, params, 1);
  REQUIRE(one.out.size() > 10);
  for (std::size_t size : {7, 1000}) {
    INFO(kind << " in batches of " << size);
    auto other = run(kind, params, size);
    CHECK(other.out == one.out);
    CHECK(other.late == one.late);
    CHECK(other.watermarks_last == one.watermarks_last);
  }
}

} // namespace

TEST_CASE("tumbling windows give the same output for batches of 1, 7 and 1000") {
  check_same_for_any_batch_size(
    "window.tumbling", {{"size", "10s"}, {"max_out_of_order", "2s"}, {"allowed_lateness", "1s"}});
}

TEST_CASE("sliding windows give the same output for batches of 1, 7 and 1000") {
  check_same_for_any_batch_size(
    "window.sliding",
    {{"size", "10s"}, {"slide", "4s"}, {"max_out_of_order", "1s"}, {"allowed_lateness", "2s"}});
}

TEST_CASE("session windows give the same output for batches of 1, 7 and 1000") {
  check_same_for_any_batch_size(
    "window.session", {{"gap", "1500ms"}, {"max_out_of_order", "1s"}, {"allowed_lateness", "2s"}});
}

TEST_CASE("count windows give the same output for batches of 1, 7 and 1000") {
  check_same_for_any_batch_size("window.sliding", {{"size", 20}, {"slide", 5}});
}

TEST_CASE("the messy input has late records and corrections for the windows to handle") {
  auto params = nlohmann::json{{"size", "10s"},
                               {"timestamp", "ts"},
                               {"allowed_lateness", "1s"},
                               {"aggregates", {{{"fn", "count"}}}}};
  auto op = make_window("window.tumbling", params);
  recording_emitter out(2);
  auto evs = messy_events();
  feed(*op, out, evs, 100);
  finish(*op, out);
  // Every record is either in the last result of its window or late.
  std::map<core::timestamp, std::int64_t> last_count;
  std::size_t corrections = 0;
  for (const auto& b : out.batches[0])
    for (std::size_t r = 0; r < b->rows(); ++r) {
      auto [it, fresh] = last_count.insert_or_assign(b->col(0).ints[r], b->col(2).ints[r]);
      if (!fresh) ++corrections;
    }
  std::int64_t in_windows = 0;
  for (const auto& [start, n] : last_count) in_windows += n;
  CHECK(out.rows(1) > 0);
  CHECK(corrections > 0);
  CHECK(static_cast<std::size_t>(in_windows) + out.rows(1) == evs.size());
}
