#include <catch2/catch.hpp>

#include "sluice/checkpoint/node_part.hpp"
#include "sluice/core/state.hpp"

using namespace sluice;
using checkpoint::node_part;

namespace {

core::batch_ptr numbers(std::int64_t from, std::int64_t n) {
  auto s = core::make_schema({{"n", core::value_type::int64}, {"s", core::value_type::string}});
  core::batch_builder b(s);
  for (std::int64_t i = from; i < from + n; ++i) {
    b.column_at(0).append_int(i);
    b.column_at(1).append_string("v" + std::to_string(i));
  }
  return b.finish();
}

node_part sample() {
  node_part p;
  p.operator_state = std::string("opaque\0state", 12);
  p.inputs.push_back({0, 1, {{numbers(0, 3), core::min_timestamp}, {nullptr, 1234}}});
  p.inputs.push_back({1, 0, {}});
  p.outputs.push_back({0, "sink", 2, numbers(10, 2)});
  p.output_watermark = 999;
  return p;
}

} // namespace

TEST_CASE("a node's part reads back as it was written") {
  auto p = node_part::decode(sample().encode());
  CHECK(p.operator_state == std::string("opaque\0state", 12));
  REQUIRE(p.inputs.size() == 2);
  CHECK(p.inputs[0].port == 0);
  CHECK(p.inputs[0].channel == 1);
  REQUIRE(p.inputs[0].elements.size() == 2);
  CHECK(p.inputs[0].elements[0].data->col(0).ints == std::vector<std::int64_t>{0, 1, 2});
  CHECK(p.inputs[0].elements[1].data == nullptr);
  CHECK(p.inputs[0].elements[1].watermark == 1234);
  CHECK(p.inputs[1].port == 1);
  REQUIRE(p.outputs.size() == 1);
  CHECK(p.outputs[0].to_node == "sink");
  CHECK(p.outputs[0].to_instance == 2);
  CHECK(p.outputs[0].data->col(1).string_at(1) == "v11");
  CHECK(p.output_watermark == 999);
  CHECK(p.in_flight_records() == 5);
}

TEST_CASE("a cut or padded part is refused, never misread") {
  auto bytes = sample().encode();
  for (std::size_t len = 0; len < bytes.size(); len += 1 + len / 8) {
    INFO("cut to " << len << " of " << bytes.size() << " bytes");
    CHECK_THROWS_AS(node_part::decode(bytes.substr(0, len)), core::state_error);
  }
  CHECK_THROWS_WITH(node_part::decode(bytes + "x"), Catch::Contains("after its end"));
  CHECK_THROWS_WITH(node_part::decode("hello"), Catch::Contains("not a Sluice checkpoint part")
                                                  || Catch::Contains("at byte 0"));
}

TEST_CASE("a part in pieces holds the operator state where it lies and the same bytes as encode") {
  const node_part p = sample();
  const auto pieces = p.encode_pieces();
  CHECK(pieces.state.data() == p.operator_state.data());
  CHECK(pieces.size() == p.encode().size());
  CHECK(pieces.head + std::string(pieces.state) + pieces.tail == p.encode());
}
