#include <catch2/catch.hpp>

#include "../state_round_trip.hpp"

using namespace sluice;
using namespace sluice::test;
using core::value_type;

namespace {

const core::schema_ptr clicks = core::make_schema(
  {{"ts", value_type::timestamp}, {"page", value_type::string}, {"ms", value_type::float64}});

std::vector<fed_batch> click_batches(std::size_t n, std::size_t rows) {
  std::vector<fed_batch> out;
  std::int64_t i = 0;
  for (std::size_t b = 0; b < n; ++b) {
    core::batch_builder builder(clicks);
    for (std::size_t r = 0; r < rows; ++r, ++i) {
      builder.column_at(0).append_int(1767225600000000 + i * 250000);
      builder.column_at(1).append_string("/p" + std::to_string((i * i) % 11));
      builder.column_at(2).append_double(static_cast<double>(i % 97) / 3.0);
    }
    out.push_back({0, builder.finish()});
  }
  return out;
}

core::operator_context one_input(core::schema_ptr input = clicks) {
  core::operator_context ctx;
  ctx.inputs = {std::move(input)};
  ctx.input_channels = {1};
  return ctx;
}

} // namespace

TEST_CASE("a reservoir sample restored halfway keeps the same sample") {
  auto batches = click_batches(10, 100);
  auto [whole, resumed] =
    interrupted_and_whole("synopsis.sample", {{"k", 20}, {"seed", 7}}, one_input(), batches, 4);
  REQUIRE(whole.total_rows() == 20);
  CHECK(resumed == whole);
}

TEST_CASE("a windowed reservoir sample restored halfway emits the same windows") {
  auto batches = click_batches(10, 100);
  nlohmann::json params = {{"k", 5}, {"seed", 3}, {"window", "30s"}, {"timestamp", "ts"}};
  auto [whole, resumed] = interrupted_and_whole("synopsis.sample", params, one_input(), batches, 5);
  CHECK(whole.total_rows() > 20);
  CHECK_FALSE(whole.watermarks.empty());
  CHECK(resumed == whole);
}

TEST_CASE("a Bernoulli sample restored halfway keeps drawing the same records") {
  auto batches = click_batches(10, 100);
  nlohmann::json params = {{"method", "bernoulli"}, {"p", 0.2}, {"seed", 11}};
  auto [whole, resumed] = interrupted_and_whole("synopsis.sample", params, one_input(), batches, 3);
  CHECK(whole.total_rows() > 100);
  CHECK(resumed == whole);
}

TEST_CASE("running statistics restored halfway continue every key exactly") {
  auto batches = click_batches(10, 100);
  nlohmann::json params = {{"key", {"page"}}, {"field", "ms"}, {"every", 7}, {"max_keys", 6}};
  auto [whole, resumed] =
    interrupted_and_whole("synopsis.running", params, one_input(), batches, 5);
  CHECK(whole.total_rows() > 100);
  CHECK(resumed == whole);
}

TEST_CASE("heavy hitters restored halfway report the same top keys and errors") {
  auto batches = click_batches(10, 100);
  nlohmann::json params = {{"key", "page"}, {"k", 3}, {"counters", 5}, {"every", 150}};
  auto [whole, resumed] =
    interrupted_and_whole("synopsis.heavy_hitters", params, one_input(), batches, 5);
  CHECK(whole.total_rows() > 10);
  CHECK(resumed == whole);
}

TEST_CASE("a reservoir sample refuses the snapshot of a sample of another size") {
  auto snapshot =
    snapshot_after("synopsis.sample", {{"k", 5}, {"seed", 7}}, one_input(), click_batches(3, 10));
  CHECK_THAT(restore_refusal("synopsis.sample", {{"k", 3}, {"seed", 7}}, one_input(), snapshot),
             Catch::Contains("another size k"));
  CHECK(restore_refusal("synopsis.sample", {{"k", 5}, {"seed", 7}}, one_input(), snapshot).empty());
}

TEST_CASE("a reservoir sample refuses sampled records of another input schema") {
  // The records are stored as value bytes; read back as the wrong types they
  // would run past their ends.
  auto narrow = core::make_schema({{"ts", value_type::timestamp}});
  auto snapshot =
    snapshot_after("synopsis.sample", {{"k", 5}, {"seed", 7}}, one_input(), click_batches(3, 10));
  CHECK_THAT(
    restore_refusal("synopsis.sample", {{"k", 5}, {"seed", 7}}, one_input(narrow), snapshot),
    Catch::Contains("do not hold the input's fields"));
}

TEST_CASE("heavy hitters and running statistics refuse keys of another type") {
  auto ints = core::make_schema(
    {{"ts", value_type::timestamp}, {"page", value_type::int64}, {"ms", value_type::float64}});
  nlohmann::json hitters = {{"key", "page"}, {"k", 3}, {"counters", 5}};
  auto snapshot =
    snapshot_after("synopsis.heavy_hitters", hitters, one_input(), click_batches(3, 10));
  CHECK_THAT(restore_refusal("synopsis.heavy_hitters", hitters, one_input(ints), snapshot),
             Catch::Contains("do not hold its fields"));
  nlohmann::json running = {{"key", {"page"}}, {"field", "ms"}};
  snapshot = snapshot_after("synopsis.running", running, one_input(), click_batches(3, 10));
  CHECK_THAT(restore_refusal("synopsis.running", running, one_input(ints), snapshot),
             Catch::Contains("do not hold its fields"));
}
