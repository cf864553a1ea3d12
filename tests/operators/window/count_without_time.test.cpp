#include <catch2/catch.hpp>

#include <set>

#include "operators/harness.hpp"

using namespace sluice;

TEST_CASE("count windows need no timestamp: every size records per key form a window") {
  auto schema =
    core::make_schema({{"k", core::value_type::string}, {"v", core::value_type::int64}});
  auto clock = std::make_shared<core::manual_clock>();
  core::operator_context ctx;
  ctx.inputs = {schema};
  ctx.clock = clock;
  auto op =
    test::make_operator("window.tumbling", nlohmann::json::parse(R"({"size": 2, "key": ["k"],
                                  "aggregates": [{"fn": "sum", "field": "v", "as": "s"}]})"),
                        ctx);
  test::recording_emitter out;
  op->on_batch_from(
    0, 0, test::make_batch(schema, R"([["a", 1], ["b", 10], ["a", 2], ["a", 3], ["b", 20]])"), out);
  op->on_end_of_stream(out);
  REQUIRE(out.rows() == 3);
  std::multiset<std::pair<std::string, std::int64_t>> got;
  for (const auto& b : out.batches[0])
    for (std::size_t r = 0; r < b->rows(); ++r)
      got.insert({std::string(b->col(0).string_at(r)), b->col(3).ints[r]});
  // a: [1, 2] then the partial [3] at end of stream; b: [10, 20]
  CHECK(got == std::multiset<std::pair<std::string, std::int64_t>>{{"a", 3}, {"a", 3}, {"b", 30}});
}
