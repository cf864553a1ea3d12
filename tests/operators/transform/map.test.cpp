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

const char* three_rows = R"([[6, 2, "x", 1.5], [5, 0, "y", 2.5], [9, 3, "z", 3.5]])";

struct map_run {
  core::operator_ptr op;
  std::vector<core::schema_ptr> outputs; ///< as bound
  core::batch_ptr in;
  recording_emitter out;

  std::string schema() const { return outputs.at(0)->to_string(); }
};

// Builds a map with `params` and feeds it one batch of `rows`.
std::unique_ptr<map_run> run_map(const nlohmann::json& params, const char* rows = three_rows) {
  auto m = std::make_unique<map_run>();
  m->op = make_transform("transform.map", params, trades);
  m->outputs = output_schemas_of("transform.map", params, {trades});
  m->in = make_batch(trades, rows);
  m->op->on_batch_from(0, 0, m->in, m->out);
  return m;
}

} // namespace

TEST_CASE("map appends a new field computed from the input") {
  auto m = run_map({{"set", {{"total", "price * 2"}}}});
  CHECK(m->schema() == "a:int, b:int, name:string, price:double, total:double");
  CHECK(m->out.json_rows()
        == std::vector<std::string>{R"({"a":6,"b":2,"name":"x","price":1.5,"total":3})",
                                    R"({"a":5,"b":0,"name":"y","price":2.5,"total":5})",
                                    R"({"a":9,"b":3,"name":"z","price":3.5,"total":7})"});
}

TEST_CASE("map replaces an existing field in place, also with a new type") {
  auto m = run_map({{"set", {{"a", "price + 1"}}}});
  CHECK(m->schema() == "a:double, b:int, name:string, price:double");
  CHECK(m->out.json_rows().at(0) == R"({"a":2.5,"b":2,"name":"x","price":1.5})");
}

TEST_CASE("map drops fields") {
  auto m = run_map({{"drop", {"name", "b"}}});
  CHECK(m->schema() == "a:int, price:double");
  CHECK(m->out.json_rows().at(2) == R"({"a":9,"price":3.5})");
}

TEST_CASE("map appends several new fields in the set object's key order") {
  auto m = run_map({{"set", {{"x1", "a + 1"}, {"x2", "name + '!'"}}}, {"drop", {"price"}}});
  CHECK(m->schema() == "a:int, b:int, name:string, x1:int, x2:string");
  CHECK(m->out.json_rows().at(0) == R"({"a":6,"b":2,"name":"x","x1":7,"x2":"x!"})");
}

TEST_CASE("every map expression sees the input record, not earlier set fields") {
  auto m = run_map({{"set", {{"a", "a * 10"}, {"old_a", "a"}}}});
  CHECK(m->out.json_rows().at(0) == R"({"a":60,"b":2,"name":"x","price":1.5,"old_a":6})");
}

TEST_CASE("map shares unchanged columns with the input batch") {
  auto m = run_map({{"set", {{"b", "b + 1"}, {"extra", "1"}}}, {"drop", {"name"}}});
  REQUIRE(m->out.batches[0].size() == 1);
  const auto& out = *m->out.batches[0][0];
  CHECK(out.col_ptr(0) == m->in->col_ptr(0)); // a
  CHECK(out.col_ptr(1) != m->in->col_ptr(1)); // b, replaced
  CHECK(out.col_ptr(2) == m->in->col_ptr(3)); // price
  CHECK(out.col(1).ints == std::vector<std::int64_t>{3, 1, 4});
}

TEST_CASE("map sends records whose evaluation fails to errors and leaves them out") {
  auto m = run_map({{"set", {{"q", "a / b"}}}});
  CHECK(m->out.json_rows()
        == std::vector<std::string>{R"({"a":6,"b":2,"name":"x","price":1.5,"q":3})",
                                    R"({"a":9,"b":3,"name":"z","price":3.5,"q":3})"});
  REQUIRE(m->out.errors.size() == 1);
  CHECK(m->out.errors[0].row == 1);
  CHECK_THAT(m->out.errors[0].reason, Catch::Contains("division by zero"));
  CHECK(m->out.errors[0].record == R"({"a":5,"b":0,"name":"y","price":2.5})");
  CHECK(m->out.filtered_count == 0);
  CHECK(3 == m->out.rows() + m->out.errors.size());
}

TEST_CASE("a record failing in several map expressions is reported once") {
  auto m = run_map({{"set", {{"q", "a / b"}, {"r", "a % b"}}}});
  CHECK(m->out.rows() == 2);
  REQUIRE(m->out.errors.size() == 1);
  CHECK(m->out.errors[0].row == 1);
}

TEST_CASE("map needs set or drop") {
  CHECK(param_error_of("transform.map", nlohmann::json::object(), trades)->param() == "set");
  CHECK(param_error_of("transform.map", {{"set", nlohmann::json::object()}}, trades)->param()
        == "set");
}

TEST_CASE("map param errors name the param") {
  auto e = param_error_of("transform.map", {{"drop", {"nope"}}}, trades);
  REQUIRE(e);
  CHECK(e->param() == "drop");
  CHECK_THAT(e->what(), Catch::Contains("nope"));

  e = param_error_of("transform.map", {{"set", {{"c", "a + nope"}}}}, trades);
  REQUIRE(e);
  CHECK(e->param() == "set");
  CHECK(e->position() == 5);
  CHECK_THAT(e->what(), Catch::Contains("'c'"));

  CHECK(param_error_of("transform.map", {{"set", {{"a", "1"}}}, {"drop", {"a"}}}, trades)->param()
        == "drop");
  CHECK(param_error_of("transform.map", {{"drop", "name"}}, trades)->param() == "drop");
  CHECK(param_error_of("transform.map", {{"set", {{"c", 1}}}}, trades)->param() == "set");
}
