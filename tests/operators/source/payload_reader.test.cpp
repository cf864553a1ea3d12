#include <catch2/catch.hpp>

#include "../harness.hpp"
#include "sluice/ops/source/payload_reader.hpp"

using namespace sluice;
using namespace sluice::ops::source;
using core::value_type;

namespace {

const core::schema_ptr pair =
  core::make_schema({{"n", value_type::int64}, {"s", value_type::string}});

/// The rows `messages` make, as JSON, and the reasons of those refused.
std::pair<std::vector<std::string>, std::vector<std::string>>
read_all(payload_format format, const std::vector<std::string>& messages,
         core::schema_ptr schema = pair) {
  payload_reader reader(format, payload_schema(format, schema));
  core::batch_builder b(reader.schema());
  std::vector<std::string> reasons;
  std::string reason;
  for (const auto& m : messages)
    if (!reader.read(m, b, reason)) reasons.push_back(reason);
  auto batch = b.finish();
  std::vector<std::string> rows;
  for (std::size_t r = 0; r < batch->rows(); ++r) {
    rows.emplace_back();
    core::append_json_record(*batch, r, rows.back());
  }
  return {rows, reasons};
}

} // namespace

TEST_CASE("a JSON message is one object read by field name; anything else is refused with why") {
  auto [rows, reasons] = read_all(
    payload_format::json, {"{\"s\": \"a\", \"n\": 1}\n", "{\"n\": 2}", "[1]", "", "{\"n\":"});
  CHECK(rows == std::vector<std::string>{"{\"n\":1,\"s\":\"a\"}", "{\"n\":2,\"s\":null}"});
  REQUIRE(reasons.size() == 3);
  CHECK_THAT(reasons[0], Catch::Contains("expected a JSON object"));
  CHECK(reasons[1] == "an empty message");
  CHECK_THAT(reasons[2], Catch::Contains("malformed JSON"));
}

TEST_CASE("a CSV message is one record in the schema's field order, with no header") {
  auto [rows, reasons] = read_all(
    payload_format::csv, {"1,\"a, b\"", "2,\"say \"\"hi\"\"\"\r\n", "3", "4,x\n5,y", "x,y"});
  CHECK(
    rows
    == std::vector<std::string>{"{\"n\":1,\"s\":\"a, b\"}", "{\"n\":2,\"s\":\"say \\\"hi\\\"\"}"});
  REQUIRE(reasons.size() == 3);
  CHECK_THAT(reasons[1], Catch::Contains("holds one record"));
  CHECK_THAT(reasons[2], Catch::Contains("'n'"));
}

TEST_CASE("a raw message is the string field 'value', byte for byte") {
  auto [rows, reasons] = read_all(payload_format::raw, {"any \"bytes\"", ""}, nullptr);
  CHECK(rows == std::vector<std::string>{"{\"value\":\"any \\\"bytes\\\"\"}", "{\"value\":\"\"}"});
  CHECK(reasons.empty());
  CHECK_THROWS_AS(payload_schema(payload_format::raw, pair), core::param_error);
  CHECK_THROWS_AS(payload_schema(payload_format::json, nullptr), core::param_error);
}
