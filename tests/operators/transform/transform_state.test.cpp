#include <catch2/catch.hpp>

#include "../state_round_trip.hpp"
#include "sluice/core/clock.hpp"

using namespace sluice;
using namespace sluice::test;
using core::value_type;

namespace {

const core::schema_ptr events = core::make_schema(
  {{"ts", value_type::timestamp}, {"key", value_type::string}, {"v", value_type::int64}});

/// `n` batches of `rows` records: keys repeat, time goes up with jitter.
std::vector<fed_batch> event_batches(std::size_t n, std::size_t rows) {
  std::vector<fed_batch> out;
  std::int64_t i = 0;
  for (std::size_t b = 0; b < n; ++b) {
    core::batch_builder builder(events);
    for (std::size_t r = 0; r < rows; ++r, ++i) {
      builder.column_at(0).append_int(1000000 * (i - (i % 3)) + 1767225600000000);
      builder.column_at(1).append_string("k" + std::to_string(i % 7));
      builder.column_at(2).append_int(i % 5);
    }
    out.push_back({0, builder.finish()});
  }
  return out;
}

core::operator_context one_input(std::shared_ptr<core::clock> clock = core::default_clock()) {
  core::operator_context ctx;
  ctx.inputs = {events};
  ctx.input_channels = {1};
  ctx.clock = std::move(clock);
  return ctx;
}

} // namespace

TEST_CASE("dedupe restored from a snapshot halfway drops exactly what an uninterrupted run drops") {
  auto batches = event_batches(12, 50);
  auto [whole, resumed] = interrupted_and_whole(
    "transform.dedupe", {{"key", {"key"}}, {"within", "10s"}}, one_input(), batches, 6);
  CHECK(whole.total_rows() > 0);
  CHECK(whole.filtered > 0);
  CHECK(resumed == whole);
}

TEST_CASE("a throttle restored from a snapshot still holds and releases the same records") {
  auto clock = std::make_shared<core::manual_clock>();
  auto batches = event_batches(8, 40);
  auto [whole, resumed] =
    interrupted_and_whole("transform.throttle", {{"rate", 100}}, one_input(clock), batches, 3);
  REQUIRE(whole.total_rows() == 320);
  CHECK(resumed == whole);
}

TEST_CASE("a throttle refuses held records of another schema than its input's") {
  auto clock = std::make_shared<core::manual_clock>();
  auto snapshot =
    snapshot_after("transform.throttle", {{"rate", 10}}, one_input(clock), event_batches(2, 40));
  auto other = core::make_schema({{"ts", value_type::timestamp}});
  core::operator_context ctx = one_input(clock);
  ctx.inputs = {other};
  CHECK_THAT(restore_refusal("transform.throttle", {{"rate", 10}}, ctx, snapshot),
             Catch::Contains("another schema"));
  CHECK(restore_refusal("transform.throttle", {{"rate", 10}}, one_input(clock), snapshot).empty());
}

TEST_CASE("simple transforms keep no state to snapshot") {
  auto op = make_transform("transform.filter", {{"where", "v > 1"}}, events);
  CHECK(op->shape() == core::operator_base::shape_kind::simple_transform);
  CHECK(op->state_version() == 0);
  CHECK_THROWS_AS(core::snapshot_state(*op, "transform.filter"), std::logic_error);
}

TEST_CASE("a snapshot of one kind is refused by another, naming both") {
  auto dedupe = make_operator("transform.dedupe", {{"within", "1s"}}, one_input());
  auto snapshot = core::snapshot_state(*dedupe, "transform.dedupe");
  auto throttle = make_operator("transform.throttle", {{"rate", 10}}, one_input());
  try {
    core::restore_state(*throttle, "transform.throttle", snapshot);
    FAIL("restore should throw");
  } catch (const core::state_error& e) {
    CHECK_THAT(e.what(), Catch::Contains("transform.dedupe"));
    CHECK_THAT(e.what(), Catch::Contains("transform.throttle"));
  }
}
