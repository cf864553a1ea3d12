#include <catch2/catch.hpp>

#include "sluice/core/batch.hpp"
#include "sluice/core/hashing.hpp"

using namespace sluice::core;

namespace {

batch_ptr numbers(std::int64_t from, std::int64_t n) {
  auto s = make_schema({{"n", value_type::int64}, {"s", value_type::string}});
  batch_builder b(s);
  for (std::int64_t i = from; i < from + n; ++i) {
    b.column_at(0).append_int(i);
    b.column_at(1).append_string("v" + std::to_string(i));
  }
  return b.finish();
}

} // namespace

TEST_CASE("selecting rows gathers every column in the given order") {
  auto b = numbers(0, 10);
  auto sel = b->select({7, 2, 2});
  REQUIRE(sel->rows() == 3);
  CHECK(sel->col(0).ints == std::vector<std::int64_t>{7, 2, 2});
  CHECK(sel->col(1).string_at(0) == "v7");
  CHECK(sel->col(1).string_at(2) == "v2");
}

TEST_CASE("slicing and concatenating give back the same records") {
  auto b = numbers(0, 10);
  auto joined = concat({b->slice(0, 3), b->slice(3, 10)});
  REQUIRE(joined->rows() == 10);
  for (std::size_t i = 0; i < 10; ++i) {
    CHECK(joined->col(0).ints[i] == static_cast<std::int64_t>(i));
    CHECK(joined->col(1).string_at(i) == b->col(1).string_at(i));
  }
}

TEST_CASE("nulls survive gather, slice and concat") {
  column c(value_type::string);
  c.append_string("a");
  c.append_null();
  c.append_string("c");
  CHECK(c.is_null(1));
  CHECK_FALSE(c.is_null(0));
  auto g = gather(c, {1, 2});
  CHECK(g.is_null(0));
  CHECK(g.string_at(1) == "c");
  column d(value_type::string);
  d.append_string("d");
  append_all(d, c);
  CHECK(d.size() == 4);
  CHECK(d.is_null(2));
  CHECK_FALSE(d.is_null(0));
}

TEST_CASE("equal values hash equally whatever batch they are in") {
  auto a = numbers(0, 5), b = numbers(3, 5);
  std::vector<std::uint64_t> ha, hb;
  hash_column(a->col(1), ha);
  hash_column(b->col(1), hb);
  CHECK(ha[3] == hb[0]); // "v3"
  CHECK(ha[4] == hb[1]); // "v4"
  CHECK(ha[0] != ha[1]);
}

TEST_CASE("concatenating row selections copies just those rows, nulls and strings included") {
  auto s = make_schema({{"n", value_type::int64}, {"s", value_type::string}});
  batch_builder a(s), b(s);
  for (int i = 0; i < 4; ++i) {
    a.column_at(0).append_int(i);
    a.column_at(1).append_string("a" + std::to_string(i));
  }
  b.column_at(0).append_null();
  b.column_at(1).append_string("b0");
  b.column_at(0).append_int(10);
  b.column_at(1).append_null();
  auto first = a.finish(), second = b.finish();
  auto out = concat(
    std::vector<batch_rows>{{first, {3, 1}, false}, {second, {}, true}, {first, {0}, false}});
  REQUIRE(out->rows() == 5);
  CHECK(out->col(0).ints[0] == 3);
  CHECK(out->col(1).string_at(1) == "a1");
  CHECK(out->col(0).is_null(2));
  CHECK(out->col(1).string_at(2) == "b0");
  CHECK(out->col(1).is_null(3));
  CHECK_FALSE(out->col(1).is_null(4));
  CHECK(out->col(1).string_at(4) == "a0");
  // One whole part is passed on as it is, without a copy.
  CHECK(concat(std::vector<batch_rows>{{first, {}, true}}) == first);
}
