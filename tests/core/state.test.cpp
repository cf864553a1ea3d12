#include <catch2/catch.hpp>

#include <cmath>
#include <limits>

#include "sluice/core/state.hpp"

using namespace sluice;
using core::value_type;

TEST_CASE("state values read back exactly, in the order written") {
  core::state_writer w;
  w.i64(std::numeric_limits<std::int64_t>::min());
  w.u64(std::numeric_limits<std::uint64_t>::max());
  w.f64(-0.0);
  w.f64(std::numeric_limits<double>::quiet_NaN());
  w.boolean(true);
  w.str(std::string("a\0b", 3));
  w.count(2);
  w.boolean(false);
  w.boolean(true);
  core::state_reader r(w.data());
  CHECK(r.i64() == std::numeric_limits<std::int64_t>::min());
  CHECK(r.u64() == std::numeric_limits<std::uint64_t>::max());
  double z = r.f64();
  CHECK(z == 0.0);
  CHECK(std::signbit(z));
  CHECK(std::isnan(r.f64()));
  CHECK(r.boolean());
  CHECK(r.str() == std::string("a\0b", 3));
  CHECK(r.count() == 2);
  CHECK_FALSE(r.boolean());
  CHECK(r.boolean());
  CHECK(r.at_end());
}

TEST_CASE("numbers are written little-endian whatever the machine") {
  core::state_writer w;
  w.u64(0x0102030405060708ULL);
  REQUIRE(w.data().size() == 9);
  CHECK(static_cast<unsigned char>(w.data()[1]) == 0x08);
  CHECK(static_cast<unsigned char>(w.data()[8]) == 0x01);
}

TEST_CASE("a column's values are written little-endian, strings as length then bytes") {
  core::column ints(value_type::int64);
  ints.append_int(0x0102030405060708LL);
  ints.append_int(-1);
  core::column strings(value_type::string);
  strings.append_string("ab");
  strings.append_string("");
  core::state_writer w;
  w.column(ints);
  w.column(strings);
  const std::string& d = w.data();
  // tag, type, rows, null flag (1 + 3 * 8 bytes), then the values.
  REQUIRE(d.size() == 2 * 25 + 16 + (8 + 2) + 8);
  CHECK(static_cast<unsigned char>(d[25]) == 0x08);
  CHECK(static_cast<unsigned char>(d[32]) == 0x01);
  CHECK(d.substr(33, 8) == std::string(8, '\xff'));
  CHECK(d.substr(41 + 25, 10) == std::string("\x02\0\0\0\0\0\0\0ab", 10));
  CHECK(d.substr(41 + 35) == std::string(8, '\0'));
  core::state_reader r(d);
  CHECK(r.column().ints == ints.ints);
  auto back = r.column();
  CHECK(back.string_at(0) == "ab");
  CHECK(back.string_at(1).empty());
  CHECK(r.at_end());
}

TEST_CASE("a batch with nulls in every type reads back with the same schema and values") {
  auto s = core::make_schema({{"i", value_type::int64},
                              {"d", value_type::float64},
                              {"b", value_type::boolean},
                              {"s", value_type::string},
                              {"t", value_type::timestamp}});
  core::batch_builder b(s);
  for (int row = 0; row < 3; ++row) {
    for (std::size_t c = 0; c < 5; ++c) {
      auto& col = b.column_at(c);
      if (row == 1) {
        col.append_null();
        continue;
      }
      switch (s->at(c).type) {
        case value_type::int64:
        case value_type::timestamp: col.append_int(row * 10 - 7); break;
        case value_type::float64: col.append_double(row + 0.5); break;
        case value_type::boolean: col.append_bool(row == 2); break;
        case value_type::string: col.append_string(row ? "two" : ""); break;
      }
    }
  }
  auto original = b.finish();
  core::state_writer w;
  w.batch(*original);
  core::state_reader r(w.data());
  auto copy = r.batch();
  CHECK(r.at_end());
  REQUIRE(*copy->schema_of() == *s);
  REQUIRE(copy->rows() == 3);
  for (std::size_t c = 0; c < 5; ++c) {
    CHECK(copy->col(c).is_null(1));
    CHECK_FALSE(copy->col(c).is_null(0));
  }
  CHECK(copy->col(0).ints[2] == 13);
  CHECK(copy->col(1).doubles[0] == 0.5);
  CHECK(copy->col(2).bools[2] == 1);
  CHECK(copy->col(3).string_at(0).empty());
  CHECK(copy->col(3).string_at(2) == "two");
}

TEST_CASE("reading another type than was written names the byte and both types") {
  core::state_writer w;
  w.i64(1);
  w.str("x");
  core::state_reader r(w.data());
  r.i64();
  try {
    r.u64();
    FAIL("u64 should throw");
  } catch (const core::state_error& e) {
    CHECK_THAT(e.what(), Catch::Contains("byte 9"));
    CHECK_THAT(e.what(), Catch::Contains("expected uint64, found string"));
  }
}

TEST_CASE("truncated or oversized state is refused instead of read past its end") {
  core::state_writer w;
  w.str("hello");
  w.count(1000);
  std::string data = w.data();
  core::state_reader cut(std::string_view(data).substr(0, data.size() - 12));
  CHECK_THROWS_AS(cut.str(), core::state_error);
  core::state_reader r(data);
  r.str();
  CHECK_THROWS_AS(r.count(10), core::state_error);
  // A count of more elements than bytes left cannot be true.
  core::state_writer lying;
  lying.count(5);
  lying.boolean(true);
  core::state_reader liar(lying.data());
  CHECK_THROWS_WITH(liar.count(), Catch::Contains("bytes left"));
  core::state_reader empty("");
  CHECK_THROWS_AS(empty.boolean(), core::state_error);
}
