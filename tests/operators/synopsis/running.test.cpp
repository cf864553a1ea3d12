#include <catch2/catch.hpp>

#include "operators/harness.hpp"

using namespace sluice;
using core::value_type;
using sluice::test::make_batch;
using sluice::test::make_transform;
using sluice::test::param_error_of;
using sluice::test::recording_emitter;
using rows = std::vector<std::string>;

namespace {

const core::schema_ptr readings = core::make_schema({{"sensor", value_type::string},
                                                     {"v", value_type::int64},
                                                     {"x", value_type::float64},
                                                     {"ts", value_type::timestamp}});

const char* four = R"([
  ["a", 1, 0.5, "2026-01-01T00:00:01Z"], ["b", 10, 1.5, "2026-01-01T00:00:02Z"],
  ["a", 3, 2.5, "2026-01-01T00:00:03Z"], ["a", 2, 4.0, "2026-01-01T00:00:04Z"]])";

/// The JSON record `row` without its ewma, after checking that ewma is
/// close to `ewma` (the running weighted sums are not exact in binary).
std::string without_ewma(const std::string& row, double ewma) {
  auto rec = nlohmann::ordered_json::parse(row); // keeps the field order
  CHECK(rec.at("ewma").get<double>() == Approx(ewma).epsilon(1e-12));
  rec.erase("ewma");
  return rec.dump();
}

rows run(const nlohmann::json& params, const char* input, bool end = true) {
  auto op = make_transform("synopsis.running", params, readings);
  recording_emitter out;
  op->on_batch_from(0, 0, make_batch(readings, input), out);
  if (end) op->on_end_of_stream(out);
  return out.json_rows();
}

} // namespace

TEST_CASE("running stats per key are exact and emitted on each change") {
  auto out = run({{"key", {"sensor"}}, {"field", "v"}, {"alpha", 0.5}}, four);
  CHECK(out
        == rows{
          R"({"sensor":"a","count":1,"avg":1,"min":1,"max":1,"ewma":1})",
          R"({"sensor":"b","count":1,"avg":10,"min":10,"max":10,"ewma":10})",
          R"({"sensor":"a","count":2,"avg":2,"min":1,"max":3,"ewma":2})",
          R"({"sensor":"a","count":3,"avg":2,"min":1,"max":3,"ewma":2})",
        });
}

TEST_CASE("running stats keep a double field's type and the default alpha") {
  auto out = run({{"key", {"sensor"}}, {"field", "x"}}, four);
  REQUIRE(out.size() == 4);
  // ewma = 0.1 * 2.5 + 0.9 * 0.5, then 0.1 * 4 + 0.9 * that
  CHECK(without_ewma(out[3], 1.03)
        == R"({"sensor":"a","count":3,"avg":2.3333333333333335,"min":0.5,"max":4})");
}

TEST_CASE(
  "running stats with every emit after every n values of a key and the rest at end of stream") {
  auto op = make_transform("synopsis.running", {{"key", {"sensor"}}, {"field", "v"}, {"every", 2}},
                           readings);
  recording_emitter out;
  op->on_batch_from(0, 0, make_batch(readings, four), out);
  auto first = out.json_rows();
  REQUIRE(first.size() == 1);
  CHECK(without_ewma(first[0], 1.2) == R"({"sensor":"a","count":2,"avg":2,"min":1,"max":3})");
  out.clear();
  op->on_end_of_stream(out);
  auto rest = out.json_rows();
  REQUIRE(rest.size() == 2);
  CHECK(without_ewma(rest[0], 1.28) == R"({"sensor":"a","count":3,"avg":2,"min":1,"max":3})");
  CHECK(rest[1] == R"({"sensor":"b","count":1,"avg":10,"min":10,"max":10,"ewma":10})");
}

TEST_CASE("running stats without a key keep one global group and add the latest ts") {
  auto out = run({{"field", "v"}, {"timestamp", "ts"}, {"every", 4}}, four);
  REQUIRE(out.size() == 1);
  // ewma: 1, 1.9, 2.01, 2.009
  CHECK(without_ewma(out[0], 2.009)
        == R"({"count":4,"avg":4,"min":1,"max":10,"ts":"2026-01-01T00:00:04.000Z"})");
}

TEST_CASE("running stats skip null values") {
  auto out = run({{"key", {"sensor"}}, {"field", "v"}},
                 R"([["a", null, 1.0, null], ["a", 4, 1.0, null], [null, 6, 1.0, null]])");
  CHECK(out
        == rows{R"({"sensor":"a","count":1,"avg":4,"min":4,"max":4,"ewma":4})",
                R"({"sensor":null,"count":1,"avg":6,"min":6,"max":6,"ewma":6})"});
}

TEST_CASE("running stats evict the least recently updated key beyond max_keys") {
  auto out = run({{"key", {"sensor"}}, {"field", "v"}, {"max_keys", 2}, {"every", 5}},
                 R"([["a", 1, 0, null], ["b", 2, 0, null], ["a", 3, 0, null], ["c", 4, 0, null],
                     ["b", 5, 0, null]])");
  // c evicts b (a was updated later), emitting b's pending stats; b then
  // evicts a and starts again.
  CHECK(out
        == rows{
          R"({"sensor":"b","count":1,"avg":2,"min":2,"max":2,"ewma":2})",
          R"({"sensor":"a","count":2,"avg":2,"min":1,"max":3,"ewma":1.2})",
          R"({"sensor":"b","count":1,"avg":5,"min":5,"max":5,"ewma":5})",
          R"({"sensor":"c","count":1,"avg":4,"min":4,"max":4,"ewma":4})",
        });
}

TEST_CASE("running stats over many keys match exact sums") {
  auto op =
    make_transform("synopsis.running", {{"key", {"v"}}, {"field", "x"}, {"every", 1000}}, readings);
  recording_emitter out;
  core::batch_builder b(readings);
  for (int i = 0; i < 100000; ++i) {
    b.column_at(0).append_string("s");
    b.column_at(1).append_int(i % 100);
    b.column_at(2).append_double(i);
    b.column_at(3).append_int(i);
  }
  op->on_batch_from(0, 0, b.finish(), out);
  op->on_end_of_stream(out);
  REQUIRE(out.rows() == 100);
  for (const auto& batch : out.batches[0])
    for (std::size_t r = 0; r < batch->rows(); ++r) {
      const std::int64_t key = batch->col(0).ints[r];
      CHECK(batch->col(1).ints[r] == 1000);
      CHECK(batch->col(2).doubles[r] == 49950.0 + key); // mean of key, key + 100, ...
      CHECK(batch->col(3).doubles[r] == key);
      CHECK(batch->col(4).doubles[r] == 99900.0 + key);
    }
}

TEST_CASE("running stats refuse a non-numeric field, unknown fields and clashing names") {
  auto e = param_error_of("synopsis.running", {{"field", "sensor"}}, readings);
  REQUIRE(e);
  CHECK(e->param() == "field");
  e = param_error_of("synopsis.running", {{"field", "nope"}}, readings);
  REQUIRE(e);
  CHECK(e->param() == "field");
  e = param_error_of("synopsis.running", {{"field", "v"}, {"key", {"zone"}}}, readings);
  REQUIRE(e);
  CHECK(e->param() == "key");
  auto clash = core::make_schema({{"count", value_type::string}, {"v", value_type::int64}});
  e = param_error_of("synopsis.running", {{"field", "v"}, {"key", {"count"}}}, clash);
  REQUIRE(e);
  CHECK(e->param() == "key");
  e = param_error_of("synopsis.running", {{"field", "v"}, {"alpha", 0}}, readings);
  REQUIRE(e);
  CHECK(e->param() == "alpha");
  e = param_error_of("synopsis.running", {{"field", "v"}, {"timestamp", "v"}}, readings);
  REQUIRE(e);
  CHECK(e->param() == "timestamp");
}
