#include <catch2/catch.hpp>

#include <caf/binary_deserializer.hpp>
#include <caf/binary_serializer.hpp>

#include "sluice/exec/batch_wire.hpp"

using namespace sluice;

TEST_CASE("a batch survives CAF's binary serializer with types, strings and nulls intact") {
  auto schema = core::make_schema({{"n", core::value_type::int64},
                                   {"s", core::value_type::string},
                                   {"d", core::value_type::float64},
                                   {"ts", core::value_type::timestamp}});
  core::batch_builder b(schema);
  b.column_at(0).append_int(7);
  b.column_at(0).append_null();
  b.column_at(1).append_string("hello");
  b.column_at(1).append_string("");
  b.column_at(2).append_double(1.5);
  b.column_at(2).append_double(-2);
  b.column_at(3).append_int(1000);
  b.column_at(3).append_int(2000);
  core::batch_ptr original = b.finish();

  std::vector<char> buf;
  caf::binary_serializer sink{nullptr, buf};
  REQUIRE(!sink(original));
  core::batch_ptr copy;
  caf::binary_deserializer source{nullptr, buf};
  REQUIRE(!source(copy));

  REQUIRE(copy);
  CHECK(copy->rows() == 2);
  CHECK(copy->fields() == *schema);
  CHECK(copy->col(0).ints[0] == 7);
  CHECK(copy->col(0).is_null(1));
  CHECK(copy->col(1).string_at(0) == "hello");
  CHECK(copy->col(1).string_at(1).empty());
  CHECK(copy->col(2).doubles[1] == -2);
  CHECK(copy->col(3).ints[1] == 2000);
}

TEST_CASE("an inconsistent wire batch is refused instead of trusted") {
  exec::wire_batch w;
  w.rows = 3;
  w.names = {"n"};
  exec::wire_column c;
  c.type = static_cast<std::uint8_t>(core::value_type::int64);
  c.ints = {1, 2};
  w.columns.push_back(c);
  CHECK(exec::from_wire(w) == nullptr);
}
