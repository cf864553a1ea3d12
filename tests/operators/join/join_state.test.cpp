#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "operators/join/join_helpers.hpp"
#include "operators/state_round_trip.hpp"

using namespace sluice;
using namespace sluice::test;
using core::value_type;

namespace {

const core::schema_ptr orders = core::make_schema(
  {{"ts", value_type::timestamp}, {"user", value_type::string}, {"amount", value_type::int64}});
const core::schema_ptr clicks = core::make_schema(
  {{"ts", value_type::timestamp}, {"user", value_type::string}, {"page", value_type::string}});

constexpr std::int64_t t0 = 1767225600000000; // 2026-01-01T00:00:00Z
constexpr std::int64_t ms = 1000;
constexpr int batch_count = 36;
constexpr int rows_per_batch = 6;

/// Two channels per side, the batches of the four interleaved (left ch0,
/// right ch0, right ch1, left ch1, ...). Channel 1 runs 2.5 s behind
/// channel 0, times within a batch go back up to 0.9 s, and now and then a
/// record comes 30 s behind (late) or without a user (a null key). Left
/// users repeat over u0..u7, right users over u0..u5, so some left records
/// never match. A left record's amount is batch * 100 + row and a right
/// record's page "<batch>.<row>": an output row tells where its two halves
/// came from.
std::vector<fed_batch> two_channel_stream() {
  std::vector<fed_batch> out;
  for (int i = 0; i < batch_count; ++i) {
    const std::size_t port = (i % 4 == 1 || i % 4 == 2) ? 1 : 0;
    const std::size_t channel = static_cast<std::size_t>((i / 2) % 2);
    const std::int64_t base = t0 + i * 700 * ms - static_cast<std::int64_t>(channel) * 2500 * ms;
    core::batch_builder b(port == 0 ? orders : clicks);
    for (int r = 0; r < rows_per_batch; ++r) {
      if (i == 10 && r == 5) b.column_at(0).append_null(); // goes to errors
      else if (i % 5 == 3 && r == 0) b.column_at(0).append_int(base - 30000 * ms);
      else b.column_at(0).append_int(base + r * 150 * ms - ((r * 7 + i) % 4) * 300 * ms);
      if ((i + r) % 9 == 0) b.column_at(1).append_null();
      else b.column_at(1).append_string("u" + std::to_string((i * 3 + r * 5) % (port ? 6 : 8)));
      if (port == 0) b.column_at(2).append_int(i * 100 + r);
      else b.column_at(2).append_string(std::to_string(i) + "." + std::to_string(r));
    }
    out.push_back({port, b.finish(), channel});
  }
  return out;
}

core::operator_context two_channels_per_side() {
  core::operator_context ctx;
  ctx.inputs = {orders, clicks};
  ctx.input_channels = {2, 2};
  return ctx;
}

/// The input batches the two halves of an output row came from; -1 for a
/// missing right half (a left join's unmatched record).
struct origin {
  int left = -1, right = -1;
};

origin origin_of(const std::string& row) {
  auto j = nlohmann::json::parse(row);
  origin o;
  o.left = static_cast<int>(j.at("amount").get<std::int64_t>() / 100);
  if (!j.at("page").is_null()) o.right = std::stoi(j.at("page").get<std::string>());
  return o;
}

/// What a first instance fed the batches before `split` holds and emitted.
struct first_part {
  std::size_t held = 0;
  std::size_t rows = 0;
  std::size_t snapshot_bytes = 0;
};

first_part run_first_part(const std::string& kind, const nlohmann::json& params,
                          const std::vector<fed_batch>& batches, std::size_t split) {
  auto ctx = two_channels_per_side();
  auto op = make_operator(kind, params, ctx);
  recording_emitter out;
  feed_all(*op, batches, 0, split, out);
  return {dynamic_cast<const ops::join::join_operator&>(*op).state_rows(), out.rows(),
          core::snapshot_state(*op, kind).size()};
}

/// Restored at every batch boundary, the join gives the uninterrupted output.
run_output check_every_split(const std::string& kind, const nlohmann::json& params) {
  const auto batches = two_channel_stream();
  run_output whole;
  for (std::size_t split = 1; split < batches.size(); ++split) {
    INFO("split after " << split << " batches");
    auto [w, resumed] =
      interrupted_and_whole(kind, params, two_channels_per_side(), batches, split);
    REQUIRE(resumed == w);
    whole = w;
  }
  CHECK(whole.total_rows() > 50);
  CHECK(whole.late > 0);
  CHECK(whole.errors.size() == 1);
  CHECK_FALSE(whole.watermarks.empty());
  return whole;
}

/// At `split`, rows of both sides are held and pairs cross the split both
/// ways: a left record from before it meets a right one from after, and the
/// reverse. So the snapshot carried what matched.
void check_held_across(const std::string& kind, const nlohmann::json& params,
                       const run_output& whole, int split) {
  INFO("split after " << split << " batches");
  const auto first = run_first_part(kind, params, two_channel_stream(), split);
  CHECK(first.held > 10);
  CHECK(first.snapshot_bytes > first.held * 8);
  bool left_held = false, right_held = false;
  for (const auto& row : whole.rows.at(0)) {
    const auto o = origin_of(row);
    if (o.right < 0) continue;
    left_held = left_held || (o.left < split && o.right >= split);
    right_held = right_held || (o.right < split && o.left >= split);
  }
  CHECK(left_held);
  CHECK(right_held);
}

nlohmann::json window_params(const char* type) {
  return {{"on", {"user"}}, {"size", "5s"}, {"max_out_of_order", "1s"}, {"type", type}};
}

const nlohmann::json interval_params = {
  {"on", {"user"}}, {"within", "2s"}, {"max_out_of_order", "1s"}};

bool has_null_user(const std::string& row, const char* field) {
  return nlohmann::json::parse(row).at(field).is_null();
}

} // namespace

TEST_CASE("an inner window join restored at any batch emits what an uninterrupted run emits") {
  const auto whole = check_every_split("join.window", window_params("inner"));
  for (const auto& row : whole.rows.at(0)) {
    CHECK_FALSE(has_null_user(row, "left_user")); // null keys never match
    CHECK_FALSE(has_null_user(row, "right_user"));
  }
  for (int split : {9, 18, 27})
    check_held_across("join.window", window_params("inner"), whole, split);
}

TEST_CASE("a left window join restored midway emits each unmatched left record once, held ones "
          "included") {
  const auto params = window_params("left");
  const auto whole = check_every_split("join.window", params);
  std::size_t unmatched = 0, null_keys = 0;
  for (const auto& row : whole.rows.at(0)) {
    if (origin_of(row).right >= 0) continue;
    ++unmatched;
    if (has_null_user(row, "left_user")) ++null_keys;
  }
  CHECK(unmatched > 10);
  CHECK(null_keys > 0); // held unindexed, emitted when their window completes
  for (int split : {9, 18, 27}) {
    check_held_across("join.window", params, whole, split);
    // Some left record held at the split comes out unmatched after it.
    const auto first = run_first_part("join.window", params, two_channel_stream(), split);
    bool held_unmatched = false;
    for (std::size_t i = first.rows; i < whole.rows.at(0).size(); ++i) {
      const auto o = origin_of(whole.rows[0][i]);
      held_unmatched = held_unmatched || (o.right < 0 && o.left < split);
    }
    CHECK(held_unmatched);
  }
}

TEST_CASE("an interval join restored at any batch emits what an uninterrupted run emits") {
  const auto whole = check_every_split("join.interval", interval_params);
  for (const auto& row : whole.rows.at(0)) {
    CHECK_FALSE(has_null_user(row, "left_user"));
    CHECK_FALSE(has_null_user(row, "right_user"));
  }
  for (int split : {9, 18, 27}) check_held_across("join.interval", interval_params, whole, split);
}

TEST_CASE("a join snapshot restored into another join holds the same rows") {
  const auto batches = two_channel_stream();
  for (const char* kind : {"join.window", "join.interval"}) {
    INFO(kind);
    const auto params =
      std::string(kind) == "join.window" ? window_params("left") : interval_params;
    auto ctx = two_channels_per_side();
    auto bound = bind_operator(kind, params, ctx);
    auto first = bound->create(ctx);
    recording_emitter out;
    feed_all(*first, batches, 0, 20, out);
    auto second = bound->create(ctx);
    core::restore_state(*second, kind, core::snapshot_state(*first, kind));
    const auto held = [](const core::operator_base& op) {
      return dynamic_cast<const ops::join::join_operator&>(op).state_rows();
    };
    CHECK(held(*first) > 10);
    CHECK(held(*second) == held(*first));
  }
}

TEST_CASE("a join refuses a snapshot taken with another number of input channels") {
  const auto batches = two_channel_stream();
  auto ctx = two_channels_per_side();
  auto first = make_operator("join.interval", interval_params, ctx);
  recording_emitter out;
  feed_all(*first, batches, 0, 12, out);
  const auto snapshot = core::snapshot_state(*first, "join.interval");
  ctx.input_channels = {1, 1};
  auto other = make_operator("join.interval", interval_params, ctx);
  CHECK_THROWS_AS(core::restore_state(*other, "join.interval", snapshot), core::state_error);
}
