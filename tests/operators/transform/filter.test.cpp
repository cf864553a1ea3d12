#include <catch2/catch.hpp>

#include "operators/harness.hpp"

using namespace sluice;
using core::value_type;
using sluice::test::make_batch;
using sluice::test::make_transform;
using sluice::test::output_schemas_of;
using sluice::test::param_error_of;
using sluice::test::recording_emitter;

namespace {

const core::schema_ptr trades = core::make_schema({{"a", value_type::int64},
                                                   {"b", value_type::int64},
                                                   {"name", value_type::string},
                                                   {"price", value_type::float64}});

const char* five_rows = R"([[1, 1, "x", 1.5], [2, 0, "y", 2.5], [3, 3, "z", 3.5],
                            [4, 0, "w", 4.5], [null, 1, "v", 5.5]])";

std::vector<std::string> run_filter(const std::string& where, recording_emitter& out,
                                    const char* rows = five_rows) {
  auto op = make_transform("transform.filter", {{"where", where}}, trades);
  op->on_batch_from(0, 0, make_batch(trades, rows), out);
  return out.json_rows();
}

} // namespace

TEST_CASE("the filter keeps the records for which where is true and counts the others") {
  recording_emitter out;
  auto rows = run_filter("a >= 3 OR name = 'x'", out);
  CHECK(rows
        == std::vector<std::string>{R"({"a":1,"b":1,"name":"x","price":1.5})",
                                    R"({"a":3,"b":3,"name":"z","price":3.5})",
                                    R"({"a":4,"b":0,"name":"w","price":4.5})"});
  CHECK(out.filtered_count == 2);
  CHECK(out.errors.empty());
}

TEST_CASE("the filter drops records for which where is null") {
  recording_emitter out;
  run_filter("a > 0", out);
  CHECK(out.rows() == 4);
  CHECK(out.filtered_count == 1);
}

TEST_CASE("the filter emits the input batch itself when every record passes") {
  auto op = make_transform("transform.filter", {{"where", "price > 0"}}, trades);
  auto in = make_batch(trades, five_rows);
  recording_emitter out;
  op->on_batch_from(0, 0, in, out);
  REQUIRE(out.batches[0].size() == 1);
  CHECK(out.batches[0][0] == in);
  CHECK(out.filtered_count == 0);
}

TEST_CASE("the filter emits nothing when no record passes") {
  recording_emitter out;
  run_filter("price > 100", out);
  CHECK(out.batches[0].empty());
  CHECK(out.filtered_count == 5);
}

TEST_CASE("the filter sends records whose evaluation fails to errors, not to the output") {
  recording_emitter out;
  auto rows = run_filter("a / b >= 1", out);
  CHECK(rows
        == std::vector<std::string>{R"({"a":1,"b":1,"name":"x","price":1.5})",
                                    R"({"a":3,"b":3,"name":"z","price":3.5})"});
  REQUIRE(out.errors.size() == 2);
  CHECK(out.errors[0].row == 1);
  CHECK_THAT(out.errors[0].reason, Catch::Contains("division by zero"));
  CHECK(out.errors[0].record == R"({"a":2,"b":0,"name":"y","price":2.5})");
  CHECK(out.errors[1].row == 3);
  CHECK(out.filtered_count == 1); // the null row
  CHECK(5 == out.rows() + out.filtered_count + out.errors.size());
}

TEST_CASE("the filter accounts for every record over many batches") {
  auto gen = sluice::test::make_operator("source.generator", {{"count", 20000}, {"keys", 7}});
  recording_emitter generated;
  while (gen->poll(generated, 3000).what != core::poll_result::state::finished) {}
  auto op = make_transform("transform.filter", {{"where", "value > 50 AND key != 'k3'"}},
                           generated.batches[0].front()->schema_of());
  recording_emitter out;
  for (const auto& b : generated.batches[0]) op->on_batch_from(0, 0, b, out);
  std::size_t expected = 0;
  for (std::int64_t seq = 0; seq < 20000; ++seq)
    if (static_cast<double>(seq % 1000) / 10.0 > 50 && seq % 7 != 3) ++expected;
  CHECK(out.rows() == expected);
  CHECK(out.rows() + out.filtered_count == 20000);
}

TEST_CASE("the filter keeps its input schema") {
  auto schemas = output_schemas_of("transform.filter", {{"where", "a > 1"}}, {trades});
  REQUIRE(schemas.size() == 1);
  CHECK(*schemas[0] == *trades);
}

TEST_CASE("a filter whose where is not boolean is a param error naming its type") {
  auto e = param_error_of("transform.filter", {{"where", "a + 1"}}, trades);
  REQUIRE(e);
  CHECK(e->param() == "where");
  CHECK(std::string(e->what()) == "where must be a boolean expression, got int");
}

TEST_CASE("a filter expression error names where and the position in the expression") {
  auto e = param_error_of("transform.filter", {{"where", "a > 'text'"}}, trades);
  REQUIRE(e);
  CHECK(e->param() == "where");
  CHECK(e->position() > 0);

  e = param_error_of("transform.filter", {{"where", "nosuchfield > 1"}}, trades);
  REQUIRE(e);
  CHECK(e->param() == "where");
  CHECK(e->position() == 1);

  CHECK(param_error_of("transform.filter", nlohmann::json::object(), trades)->param() == "where");
}

TEST_CASE("a filter without a connected input cannot be bound") {
  auto e = param_error_of("transform.filter", {{"where", "a > 1"}});
  REQUIRE(e);
  CHECK_THAT(e->what(), Catch::Contains("not connected"));
}
