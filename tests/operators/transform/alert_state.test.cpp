#include <catch2/catch.hpp>

#include "../state_round_trip.hpp"
#include "sluice/ops/transform/alert.hpp"

using namespace sluice;
using namespace sluice::test;
using core::value_type;

namespace {

const core::schema_ptr readings = core::make_schema(
  {{"ts", value_type::timestamp}, {"device", value_type::string}, {"temp", value_type::int64}});

constexpr core::timestamp s = 1000000;

/// `n` batches of `rows` readings of 5 devices, one a second, each device
/// hot for a while then cool, so alerts are pending, firing and resolving
/// at every split.
std::vector<fed_batch> reading_batches(std::size_t n, std::size_t rows) {
  std::vector<fed_batch> out;
  std::int64_t i = 0;
  for (std::size_t b = 0; b < n; ++b) {
    core::batch_builder builder(readings);
    for (std::size_t r = 0; r < rows; ++r, ++i) {
      builder.column_at(0).append_int(i * s);
      builder.column_at(1).append_string("d" + std::to_string(i % 5));
      builder.column_at(2).append_int((i / 5 + i % 5) % 17 < 9 ? 35 : 20);
    }
    out.push_back({0, builder.finish()});
  }
  return out;
}

core::operator_context one_input() {
  core::operator_context ctx;
  ctx.inputs = {readings};
  ctx.input_channels = {1};
  return ctx;
}

const nlohmann::json params = {{"when", "temp > 30"},
                               {"key", {"device"}},
                               {"for", "8s"},
                               {"resolve_after", "12s"},
                               {"repeat", "15s"},
                               {"message", "{device} at {temp}"},
                               {"labels", {{"severity", "page"}}}};

std::size_t held(const core::operator_base& op) {
  return dynamic_cast<const ops::transform::alert_state&>(op).instances_held();
}

} // namespace

TEST_CASE("an alert restored from a snapshot mid-incident emits exactly what an uninterrupted "
          "run emits") {
  const auto batches = reading_batches(12, 7);
  for (std::size_t split : {1u, 3u, 6u, 11u}) {
    round_trip_hooks hooks;
    hooks.at_split = [](const core::operator_base& op) { CHECK(held(op) > 0); };
    auto [whole, resumed] =
      interrupted_and_whole("transform.alert", params, one_input(), batches, split, hooks);
    CHECK(whole.total_rows() > 10);
    CHECK(resumed == whole);
  }
}

TEST_CASE("a restored alert still fires and resolves on watermarks alone") {
  auto ctx = one_input();
  auto bound = bind_operator("transform.alert", params, ctx);
  auto first = bound->create(ctx);
  recording_emitter out;
  core::batch_builder b(readings);
  for (int t : {0, 3, 6}) {
    b.column_at(0).append_int(t * s);
    b.column_at(1).append_string("d1");
    b.column_at(2).append_int(40);
  }
  first->on_batch_from(0, 0, b.finish(), out);
  REQUIRE(out.rows() == 0); // pending: `for` is 8 s
  auto snapshot = core::snapshot_state(*first, "transform.alert");

  auto second = bound->create(ctx);
  core::restore_state(*second, "transform.alert", snapshot);
  second->on_watermark(100 * s, out);
  CHECK(
    out.json_rows()
    == std::vector<std::string>{
      R"({"status":"firing","device":"d1","since":"1970-01-01T00:00:00.000Z","at":"1970-01-01T00:00:08.000Z","message":"d1 at 40","severity":"page"})",
      R"({"status":"resolved","device":"d1","since":"1970-01-01T00:00:00.000Z","at":"1970-01-01T00:00:18.000Z","message":"d1 at 40","severity":"page"})"});
  CHECK(held(*second) == 0);
}

TEST_CASE("an alert restores its label texts by name after its labels were edited") {
  auto ctx = one_input();
  auto snapshot = snapshot_after("transform.alert", params, ctx, reading_batches(1, 3));
  auto edited = params;
  edited["labels"] = {{"team", "ops"}, {"severity", "{device}"}};
  auto op = make_operator("transform.alert", edited, ctx);
  core::restore_state(*op, "transform.alert", snapshot);
  recording_emitter out;
  op->on_end_of_stream(out);
  auto rows = out.json_rows();
  REQUIRE(!rows.empty());
  // Rendered before the edit: severity as it was, team empty until a match.
  CHECK_THAT(rows[0], Catch::Contains(R"("severity":"page","team":"")"));
}

TEST_CASE("an alert refuses a snapshot whose keys are not of its key fields' types") {
  auto ctx = one_input();
  auto snapshot = snapshot_after("transform.alert", params, ctx, reading_batches(2, 5));
  auto by_temp = params;
  by_temp["key"] = {"temp"};
  CHECK_THAT(restore_refusal("transform.alert", by_temp, ctx, snapshot),
             Catch::Contains("key does not fit"));
  auto no_key = params;
  no_key["key"] = nlohmann::json::array();
  CHECK_THAT(restore_refusal("transform.alert", no_key, ctx, snapshot),
             Catch::Contains("key does not fit"));
}

TEST_CASE("an alert refuses damaged snapshots with state_error or runs on, never crashes") {
  auto ctx = one_input();
  auto bound = bind_operator("transform.alert", params, ctx);
  const auto batches = reading_batches(3, 7);
  std::string snapshot;
  {
    auto op = bound->create(ctx);
    recording_emitter out;
    feed_all(*op, batches, 0, 2, out);
    REQUIRE(held(*op) > 0);
    snapshot = core::snapshot_state(*op, "transform.alert");
  }
  check_truncations_refused(*bound, ctx, "transform.alert", snapshot);
  std::size_t refused = 0;
  for (std::size_t at = 0; at < snapshot.size(); ++at) {
    std::string damaged = snapshot;
    damaged[at] = static_cast<char>(damaged[at] ^ 0x5a);
    auto op = bound->create(ctx);
    try {
      core::restore_state(*op, "transform.alert", damaged);
    } catch (const core::state_error&) {
      ++refused;
      continue;
    }
    // Taken: it must go on working.
    recording_emitter out;
    feed_all(*op, batches, 2, 3, out);
    op->on_end_of_stream(out);
    CHECK(held(*op) == 0);
  }
  CHECK(refused > 0);
}

TEST_CASE("an alert restored with records held ahead of event time applies them as the "
          "original would") {
  // Two channels: channel 1 lags, so channel 0's records wait in state.
  core::operator_context ctx = one_input();
  ctx.input_channels = {2};
  auto all = reading_batches(8, 6);
  std::vector<fed_batch> batches;
  for (std::size_t i = 0; i < all.size(); ++i) {
    all[i].channel = i < 5 ? 0 : 1;
    batches.push_back(all[i]);
  }
  round_trip_hooks hooks;
  hooks.at_split = [](const core::operator_base& op) {
    CHECK(dynamic_cast<const ops::transform::alert_state&>(op).records_held() == 24);
  };
  auto [whole, resumed] = interrupted_and_whole("transform.alert", params, ctx, batches, 4, hooks);
  CHECK(whole.total_rows() > 5);
  CHECK(resumed == whole);
}
