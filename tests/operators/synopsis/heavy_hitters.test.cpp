#include <catch2/catch.hpp>

#include <map>
#include <random>

#include "operators/harness.hpp"

using namespace sluice;
using core::value_type;
using sluice::test::make_batch;
using sluice::test::make_transform;
using sluice::test::output_schemas_of;
using sluice::test::param_error_of;
using sluice::test::recording_emitter;
using rows = std::vector<std::string>;

namespace {

const core::schema_ptr clicks = core::make_schema(
  {{"page", value_type::string}, {"user", value_type::int64}, {"ms", value_type::float64}});

const char* small = R"([["/a", 1, 1.0], ["/b", 2, 1.0], ["/a", 1, 1.0], ["/c", 3, 1.0],
                        ["/a", 2, 1.0], ["/b", 2, 1.0], [null, 4, 1.0]])";

} // namespace

TEST_CASE("heavy hitters emit the top k keys with counts, errors and ranks at end of stream") {
  auto op = make_transform("synopsis.heavy_hitters", {{"key", "page"}, {"k", 2}}, clicks);
  recording_emitter out;
  op->on_batch_from(0, 0, make_batch(clicks, small), out);
  CHECK(out.rows() == 0);
  op->on_end_of_stream(out);
  CHECK(out.json_rows()
        == rows{R"({"page":"/a","count":3,"error":0,"rank":1})",
                R"({"page":"/b","count":2,"error":0,"rank":2})"});
  CHECK(output_schemas_of("synopsis.heavy_hitters", {{"key", "page"}, {"k", 2}}, {clicks})[0]
          ->to_string()
        == "page:string, count:int, error:int, rank:int");
}

TEST_CASE("heavy hitters count a list of key fields, nulls included") {
  auto op = make_transform("synopsis.heavy_hitters", {{"key", {"user", "page"}}, {"k", 3}}, clicks);
  recording_emitter out;
  op->on_batch_from(0, 0, make_batch(clicks, small), out);
  op->on_batch_from(0, 0, make_batch(clicks, R"([[null, 4, 2.0], [null, 4, 3.0]])"), out);
  op->on_end_of_stream(out);
  CHECK(out.json_rows()
        == rows{R"({"user":4,"page":null,"count":3,"error":0,"rank":1})",
                R"({"user":1,"page":"/a","count":2,"error":0,"rank":2})",
                R"({"user":2,"page":"/b","count":2,"error":0,"rank":3})"});
}

TEST_CASE("heavy hitters with every emit the current top k periodically and at end of stream") {
  auto op =
    make_transform("synopsis.heavy_hitters", {{"key", {"page"}}, {"k", 1}, {"every", 3}}, clicks);
  recording_emitter out;
  op->on_batch_from(0, 0, make_batch(clicks, small), out); // 7 records: after 3 and 6
  CHECK(out.json_rows()
        == rows{R"({"page":"/a","count":2,"error":0,"rank":1})",
                R"({"page":"/a","count":3,"error":0,"rank":1})"});
  out.clear();
  op->on_end_of_stream(out);
  CHECK(out.rows() == 1);

  auto exact =
    make_transform("synopsis.heavy_hitters", {{"key", "page"}, {"k", 1}, {"every", 7}}, clicks);
  recording_emitter once;
  exact->on_batch_from(0, 0, make_batch(clicks, small), once);
  exact->on_end_of_stream(once); // nothing new since the last emission
  CHECK(once.rows() == 1);
}

TEST_CASE("heavy hitters find planted heavy keys in a large stream within N over counters") {
  auto op = make_transform("synopsis.heavy_hitters", {{"key", "user"}, {"k", 5}, {"counters", 200}},
                           clicks);
  recording_emitter out;
  std::mt19937_64 g(42);
  std::map<std::int64_t, std::int64_t> truth;
  for (int batch = 0; batch < 100; ++batch) {
    core::batch_builder b(clicks);
    for (int i = 0; i < 2000; ++i) {
      // Users 0..4 make 30 % of the clicks; 50 000 others the rest.
      const auto user = static_cast<std::int64_t>(g() % 10 < 3 ? g() % 5 : 1000 + g() % 50000);
      ++truth[user];
      b.column_at(0).append_string("/p");
      b.column_at(1).append_int(user);
      b.column_at(2).append_double(0.0);
    }
    op->on_batch_from(0, 0, b.finish(), out);
  }
  op->on_end_of_stream(out);
  REQUIRE(out.rows() == 5);
  const auto& top = *out.batches[0][0];
  for (std::size_t r = 0; r < top.rows(); ++r) {
    const std::int64_t user = top.col(0).ints[r];
    const std::int64_t count = top.col(1).ints[r], error = top.col(2).ints[r];
    CHECK(user < 5);
    CHECK(top.col(3).ints[r] == static_cast<std::int64_t>(r + 1));
    CHECK(count >= truth[user]);
    CHECK(count - error <= truth[user]);
    CHECK(error <= 200000 / 200);
  }
}

TEST_CASE("heavy hitters refuse a bad key and fewer counters than k") {
  auto e = param_error_of("synopsis.heavy_hitters", {{"k", 3}}, clicks);
  REQUIRE(e);
  CHECK(e->param() == "key");
  e = param_error_of("synopsis.heavy_hitters", {{"key", 5}}, clicks);
  REQUIRE(e);
  CHECK(e->param() == "key");
  e = param_error_of("synopsis.heavy_hitters", {{"key", {"page", "page"}}}, clicks);
  REQUIRE(e);
  CHECK(std::string(e->what()) == "field 'page' is listed twice");
  e = param_error_of("synopsis.heavy_hitters", {{"key", "nope"}}, clicks);
  REQUIRE(e);
  CHECK(e->param() == "key");
  e = param_error_of("synopsis.heavy_hitters", {{"key", "page"}, {"k", 50}, {"counters", 10}},
                     clicks);
  REQUIRE(e);
  CHECK(e->param() == "counters");
}
