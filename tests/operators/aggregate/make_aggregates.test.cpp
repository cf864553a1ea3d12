#include "operators/aggregate/aggregate_test_util.hpp"

using namespace sluice;
using namespace sluice::test;
using nlohmann::json;

namespace {

/// The message make_aggregates throws for `list`, or "" if it accepts it.
std::string error_of(const json& list) {
  try {
    ops::aggregate::make_aggregates(list, *mixed_schema());
  } catch (const core::param_error& e) {
    CHECK(e.param() == "aggregates");
    return e.what();
  }
  return "";
}

bool starts_with(const std::string& s, const std::string& prefix) {
  return s.rfind(prefix, 0) == 0;
}

} // namespace

TEST_CASE("aggregates get default names fn_field, or count, unless 'as' names them") {
  auto list = ops::aggregate::make_aggregates(
    json::array({{{"fn", "count"}},
                 {{"fn", "sum"}, {"field", "v"}},
                 {{"fn", "max"}, {"field", "t"}, {"as", "latest"}}}),
    *mixed_schema());
  REQUIRE(list.size() == 3);
  CHECK(list[0]->name() == "count");
  CHECK(list[0]->input_index() == -1);
  CHECK(list[1]->name() == "sum_v");
  CHECK(list[1]->input_index() == 0);
  CHECK(list[2]->name() == "latest");
  CHECK(list[2]->input_index() == 3);
}

TEST_CASE("a type error names the entry, the function and the field") {
  CHECK(error_of(json::array(
          {{{"fn", "count"}}, {{"fn", "sum"}, {"field", "v"}}, {{"fn", "sum"}, {"field", "s"}}}))
        == "aggregates[2]: sum needs a number field, 's' is a string");
  CHECK(error_of(json::array({{{"fn", "avg"}, {"field", "t"}}}))
        == "aggregates[0]: avg needs a number field, 't' is a timestamp");
  CHECK(error_of(json::array({{{"fn", "stddev"}, {"field", "b"}}}))
        == "aggregates[0]: stddev needs a number field, 'b' is a bool");
  CHECK(error_of(json::array({{{"fn", "variance"}, {"field", "s"}}}))
        == "aggregates[0]: variance needs a number field, 's' is a string");
}

TEST_CASE("every function but count needs a field that exists") {
  CHECK(error_of(json::array({{{"fn", "sum"}}})) == "aggregates[0]: sum needs a 'field'");
  CHECK(error_of(json::array({{{"fn", "min"}}})) == "aggregates[0]: min needs a 'field'");
  CHECK(error_of(json::array({{{"fn", "count_distinct"}}}))
        == "aggregates[0]: count_distinct needs a 'field'");
  CHECK(starts_with(error_of(json::array({{{"fn", "max"}, {"field", "price"}}})),
                    "aggregates[0]: no field 'price' in the input (fields: v, x, s, t, b)"));
}

TEST_CASE("unknown functions, members and malformed entries are refused") {
  CHECK(starts_with(error_of(json::array({{{"fn", "medain"}, {"field", "v"}}})),
                    "aggregates[0]: unknown function 'medain' (known: count, sum, avg"));
  CHECK(error_of(json::array({{{"fn", "sum"}, {"fiel", "v"}}}))
        == "aggregates[0]: unknown member 'fiel' for sum");
  CHECK(error_of(json::array({{{"fn", "sum"}, {"field", "v"}, {"k", 3}}}))
        == "aggregates[0]: unknown member 'k' for sum");
  CHECK(starts_with(error_of(json::array({"count"})), "aggregates[0]: must be an object"));
  CHECK(error_of(json::array({{{"field", "v"}}}))
        == "aggregates[0]: needs \"fn\", the function name");
  CHECK(starts_with(error_of(json::array({{{"fn", "sum"}, {"field", 3}}})),
                    "aggregates[0]: \"field\" must be a string"));
  CHECK(starts_with(error_of(json::array({{{"fn", "count"}, {"as", ""}}})),
                    "aggregates[0]: \"as\" must be a non-empty string"));
  CHECK(starts_with(error_of(json::array()), "aggregates must be a non-empty list"));
  CHECK(starts_with(error_of(json::object()), "aggregates must be a non-empty list"));
}

TEST_CASE("two aggregates may not share an output name") {
  CHECK(error_of(json::array({{{"fn", "count"}}, {{"fn", "count"}}}))
        == "aggregates[1]: output name 'count' is used twice (set \"as\")");
  CHECK(error_of(json::array({{{"fn", "count"}}, {{"fn", "count"}, {"as", "n"}}})) == "");
}

TEST_CASE("the catalog lists every aggregate function") {
  auto names = ops::aggregate::aggregate_function_names();
  for (const char* fn : {"count", "sum", "avg", "min", "max", "first", "last", "stddev", "variance",
                         "count_distinct", "approx_count_distinct", "approx_percentile", "top_k"})
    CHECK(std::find(names.begin(), names.end(), fn) != names.end());
  CHECK(names.size() == 13);
}

TEST_CASE("approximate aggregates are handed to their sketches with the entry named") {
  // Whatever the sketches accept, a bad entry's error still names the entry.
  CHECK(starts_with(
    error_of(json::array(
      {{{"fn", "count"}}, {{"fn", "approx_percentile"}, {"field", "v"}, {"p", "half"}}})),
    "aggregates[1]: "));
  CHECK(error_of(json::array({{{"fn", "top_k"}, {"field", "s"}, {"p", 0.5}}}))
        == "aggregates[0]: unknown member 'p' for top_k");
}

TEST_CASE("states of different functions refuse to merge") {
  auto list = ops::aggregate::make_aggregates(
    json::array({{{"fn", "count"}}, {{"fn", "sum"}, {"field", "v"}}}), *mixed_schema());
  auto a = list[0]->create(), b = list[1]->create();
  CHECK_THROWS_AS(a->merge(*b), std::logic_error);
  auto sa = list[0]->create_slots(), sb = list[1]->create_slots();
  sa->grow(1);
  sb->grow(1);
  const std::uint32_t zero = 0;
  CHECK_THROWS_AS(sa->merge(&zero, *sb, &zero, 1), std::logic_error);
}
