#include <catch2/catch.hpp>

#include "operators/state_round_trip.hpp"
#include "sluice/core/clock.hpp"
#include "sluice/ops/window/window_operator.hpp"

// Every window kind snapshot halfway through a stream, restored into a fresh
// instance and fed the rest, gives exactly the output of an uninterrupted
// run (docs/ARCHITECTURE.md §11). Each test also checks that the split falls
// while windows hold state, so that a restore which dropped it would fail.

using namespace sluice;
using namespace sluice::test;
using core::value_type;
using json = nlohmann::json;

namespace {

const core::schema_ptr trades = core::make_schema({{"ts", value_type::timestamp},
                                                   {"key", value_type::string},
                                                   {"v", value_type::int64},
                                                   {"x", value_type::float64},
                                                   {"s", value_type::string}});

constexpr core::timestamp base_time = 1767225600000000; // 2026-01-01
constexpr std::int64_t second = 1000000;

/// How a generated stream looks: record i has time base + i × step, moved
/// back by up to `jitter` (out of order), plus `pause` after every
/// `burst` records (gaps that close sessions); key i × 7 mod `keys`.
struct stream {
  std::size_t batches = 20, rows = 50;
  std::int64_t step = second / 10, jitter = 0;
  std::size_t burst = 0;
  std::int64_t pause = 0;
  std::size_t keys = 5;
  std::size_t channels = 1; ///< batch b goes to channel b mod channels
};

/// A pseudo-random, well spread number for record i.
std::uint64_t scatter(std::int64_t i) {
  std::uint64_t h = static_cast<std::uint64_t>(i) * 0x9e3779b97f4a7c15ULL;
  return h ^ (h >> 29);
}

std::vector<fed_batch> make_batches(const stream& st) {
  std::vector<fed_batch> out;
  std::int64_t i = 0;
  for (std::size_t b = 0; b < st.batches; ++b) {
    core::batch_builder builder(trades);
    for (std::size_t r = 0; r < st.rows; ++r, ++i) {
      std::int64_t t = base_time + i * st.step;
      if (st.jitter)
        t -= static_cast<std::int64_t>(scatter(i) % static_cast<std::uint64_t>(st.jitter));
      if (st.burst) t += (i / static_cast<std::int64_t>(st.burst)) * st.pause;
      builder.column_at(0).append_int(t);
      builder.column_at(1).append_string("k" + std::to_string((i * 7) % st.keys));
      if (i % 11 == 3) builder.column_at(2).append_null();
      else builder.column_at(2).append_int((i * i) % 23 - 5);
      if (i % 13 == 5) builder.column_at(3).append_null();
      else builder.column_at(3).append_double(static_cast<double>(i % 17) * 0.75 - 3.0);
      builder.column_at(4).append_string("s" + std::to_string((i * 13) % 9));
    }
    out.push_back({0, builder.finish(), b % st.channels});
  }
  return out;
}

/// Every aggregate function, over int, double and string fields.
json every_aggregate() {
  return json::parse(R"([
    {"fn": "count"},
    {"fn": "count", "field": "v", "as": "count_v"},
    {"fn": "sum", "field": "v"},
    {"fn": "sum", "field": "x"},
    {"fn": "avg", "field": "x"},
    {"fn": "min", "field": "s"},
    {"fn": "max", "field": "x"},
    {"fn": "first", "field": "v"},
    {"fn": "last", "field": "s"},
    {"fn": "stddev", "field": "x"},
    {"fn": "variance", "field": "v"},
    {"fn": "count_distinct", "field": "v"},
    {"fn": "count_distinct", "field": "s", "as": "distinct_s"},
    {"fn": "approx_count_distinct", "field": "s"},
    {"fn": "approx_percentile", "field": "x", "p": 0.5, "as": "median_x"},
    {"fn": "top_k", "field": "s", "k": 3}
  ])");
}

/// A few aggregates of each kind of state: exact, hash set, sketches.
json some_aggregates() {
  return json::parse(R"([
    {"fn": "count"},
    {"fn": "sum", "field": "v"},
    {"fn": "last", "field": "x"},
    {"fn": "count_distinct", "field": "s"},
    {"fn": "approx_percentile", "field": "v", "p": 0.9},
    {"fn": "top_k", "field": "s", "k": 2}
  ])");
}

core::operator_context context(std::size_t channels = 1,
                               std::shared_ptr<core::clock> clock = core::default_clock()) {
  core::operator_context ctx;
  ctx.inputs = {trades};
  ctx.input_channels = {channels};
  ctx.clock = std::move(clock);
  return ctx;
}

/// The round trip of `kind` split after `split` batches; checks the split
/// found open windows holding groups, and that the whole run emitted at
/// least `min_rows` results.
run_output check_round_trip(const std::string& kind, const json& params,
                            const core::operator_context& ctx,
                            const std::vector<fed_batch>& batches, std::size_t split,
                            std::size_t min_rows, round_trip_hooks hooks = {}) {
  std::size_t open_windows = 0, open_groups = 0;
  hooks.at_split = [&](const core::operator_base& op) {
    const auto& w = dynamic_cast<const ops::window::window_operator&>(op);
    open_windows = w.open_windows();
    open_groups = w.open_groups();
  };
  auto [whole, resumed] = interrupted_and_whole(kind, params, ctx, batches, split, hooks);
  CHECK(open_windows > 0);
  CHECK(open_groups > 0);
  REQUIRE_FALSE(whole.rows.empty());
  CHECK(whole.rows[0].size() >= min_rows);
  CHECK(resumed == whole);
  return whole;
}

json event_time(json params, const json& aggregates) {
  params["timestamp"] = "ts";
  params["key"] = {"key"};
  params["aggregates"] = aggregates;
  return params;
}

} // namespace

TEST_CASE("a tumbling event-time window restored halfway gives every aggregate the same results") {
  auto batches = make_batches({});
  auto whole = check_round_trip("window.tumbling", event_time({{"size", "10s"}}, every_aggregate()),
                                context(), batches, 9, 40);
  CHECK_FALSE(whole.watermarks.empty());
}

TEST_CASE("a sliding event-time window restored halfway merges its panes the same way") {
  auto batches = make_batches({});
  check_round_trip("window.sliding",
                   event_time({{"size", "10s"}, {"slide", "2s"}}, every_aggregate()), context(),
                   batches, 11, 200);
}

TEST_CASE("a session window restored halfway continues, merges and closes the same sessions") {
  // Bursts of 40 records 0.1 s apart, then 3 s of silence: sessions of a
  // key close at the pauses, and out-of-order records bridge gaps.
  stream st;
  st.burst = 40;
  st.pause = 3 * second;
  st.jitter = 2 * second;
  st.keys = 7;
  auto batches = make_batches(st);
  json params = event_time({{"gap", "1s"}, {"max_out_of_order", "2s"}}, every_aggregate());
  check_round_trip("window.session", params, context(), batches, 10, 20);
}

TEST_CASE("count windows restored halfway keep each key's open windows and place in the slide") {
  auto batches = make_batches({});
  SECTION("tumbling") {
    check_round_trip("window.tumbling", event_time({{"size", 7}}, some_aggregates()), context(),
                     batches, 8, 100);
  }
  SECTION("sliding") {
    check_round_trip("window.sliding", event_time({{"size", 6}, {"slide", 4}}, some_aggregates()),
                     context(), batches, 7, 200);
  }
}

TEST_CASE("windows without a key restored halfway keep their one group per window") {
  auto batches = make_batches({});
  json params = {{"timestamp", "ts"}, {"aggregates", some_aggregates()}};
  SECTION("tumbling") {
    params["size"] = "5s";
    check_round_trip("window.tumbling", params, context(), batches, 9, 15);
  }
  SECTION("sliding") {
    params["size"] = "5s";
    params["slide"] = "1s";
    check_round_trip("window.sliding", params, context(), batches, 9, 80);
  }
  SECTION("session") {
    params["gap"] = "150ms";
    stream st;
    st.burst = 30;
    st.pause = second;
    check_round_trip("window.session", params, context(), make_batches(st), 9, 25);
  }
}

TEST_CASE("windows over two input channels restored halfway keep each channel's progress") {
  // Channel 1 gets the odd batches: progress waits for the slower one.
  stream st;
  st.channels = 2;
  st.jitter = second;
  auto batches = make_batches(st);
  for (const std::string kind : {"window.tumbling", "window.sliding", "window.session"}) {
    CAPTURE(kind);
    json params = event_time({{"max_out_of_order", "500ms"}}, some_aggregates());
    if (kind == "window.tumbling") params["size"] = "5s";
    if (kind == "window.sliding") params.update({{"size", "4s"}, {"slide", "1s"}});
    if (kind == "window.session") params["gap"] = "200ms";
    auto whole = check_round_trip(kind, params, context(2), batches, 9, 20);
    CHECK(whole.watermarks.size() > 5);
  }
}

TEST_CASE("windows restored halfway send the same records late and correct the same results") {
  // Records up to 8 s out of order, only 1 s allowed: many are late, and
  // some update windows already emitted within the 2 s lateness.
  stream st;
  st.jitter = 8 * second;
  st.keys = 3;
  auto batches = make_batches(st);
  for (const std::string kind : {"window.tumbling", "window.sliding", "window.session"}) {
    CAPTURE(kind);
    json params =
      event_time({{"max_out_of_order", "1s"}, {"allowed_lateness", "2s"}}, some_aggregates());
    if (kind == "window.tumbling") params["size"] = "3s";
    if (kind == "window.sliding") params.update({{"size", "3s"}, {"slide", "1s"}});
    if (kind == "window.session") params["gap"] = "50ms";
    auto whole = check_round_trip(kind, params, context(), batches, 10, 20);
    REQUIRE(whole.rows.size() == 2);
    CHECK(whole.rows[1].size() > 10); // late records, on the `late` port

    // With `late` unconnected they are counted instead.
    auto ctx = context();
    ctx.output_connected = {true, false};
    auto counted = check_round_trip(kind, params, ctx, batches, 10, 20);
    CHECK(counted.late == whole.rows[1].size());
  }
}

TEST_CASE("processing-time windows restored halfway fire on the same clock readings") {
  // The clock reads batch i's arrival, 130 ms apart, in every run.
  auto clock = std::make_shared<core::manual_clock>();
  round_trip_hooks hooks;
  hooks.before_batch = [&](std::size_t i) {
    const std::int64_t at = (1000 + static_cast<std::int64_t>(i) * 130) * 1000000;
    clock->advance_ns(at - clock->now_ns());
  };
  stream st;
  st.batches = 30;
  st.rows = 20;
  auto batches = make_batches(st);
  json params = {{"time", "processing"}, {"key", {"key"}}, {"aggregates", every_aggregate()}};
  SECTION("tumbling") {
    params["size"] = "1s";
    check_round_trip("window.tumbling", params, context(1, clock), batches, 13, 10, hooks);
  }
  SECTION("sliding") {
    params["size"] = "1s";
    params["slide"] = "250ms";
    check_round_trip("window.sliding", params, context(1, clock), batches, 13, 40, hooks);
  }
  SECTION("count") {
    params["size"] = 9;
    params["slide"] = 3;
    check_round_trip("window.sliding", params, context(1, clock), batches, 13, 100, hooks);
  }
  SECTION("session") {
    // Every fifth batch arrives after a pause: the clock jumps by 600 ms.
    hooks.before_batch = [&](std::size_t i) {
      const auto n = static_cast<std::int64_t>(i);
      const std::int64_t at = (1000 + n * 100 + (n / 5) * 600) * 1000000;
      clock->advance_ns(at - clock->now_ns());
    };
    params["gap"] = "300ms";
    check_round_trip("window.session", params, context(1, clock), batches, 12, 10, hooks);
  }
}

TEST_CASE("a window refuses the snapshot of a window with other aggregates") {
  auto batches = make_batches({});
  auto ctx = context();
  auto first =
    make_operator("window.tumbling", event_time({{"size", "10s"}}, some_aggregates()), ctx);
  recording_emitter out(2);
  first->on_batch_from(0, 0, batches[0].batch, out);
  const auto snapshot = core::snapshot_state(*first, "window.tumbling");
  auto other =
    make_operator("window.tumbling", event_time({{"size", "10s"}}, every_aggregate()), ctx);
  CHECK(other->state_version() == 1);
  CHECK_THROWS_AS(core::restore_state(*other, "window.tumbling", snapshot), core::state_error);
}

TEST_CASE("a count window refuses the snapshot of one with another slide") {
  // Its open windows are not a slide apart: the oldest would never fill
  // before the newest ran out of windows to close.
  auto batches = make_batches({});
  auto ctx = context();
  auto first = make_operator("window.sliding",
                             event_time({{"size", 6}, {"slide", 3}}, some_aggregates()), ctx);
  recording_emitter out(2);
  for (std::size_t i = 0; i < 3; ++i) first->on_batch_from(0, 0, batches[i].batch, out);
  const auto snapshot = core::snapshot_state(*first, "window.sliding");
  auto other = make_operator("window.sliding",
                             event_time({{"size", 6}, {"slide", 4}}, some_aggregates()), ctx);
  try {
    core::restore_state(*other, "window.sliding", snapshot);
    FAIL("the snapshot was taken");
  } catch (const core::state_error& e) {
    CHECK_THAT(e.what(), Catch::Contains("slide"));
  }
}
