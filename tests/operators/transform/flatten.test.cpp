#include <catch2/catch.hpp>

#include "operators/harness.hpp"

using namespace sluice;
using core::value_type;
using sluice::test::make_batch;
using sluice::test::make_transform;
using sluice::test::output_schemas_of;
using sluice::test::param_error_of;
using sluice::test::recording_emitter;
using strings = std::vector<std::string>;

namespace {

const core::schema_ptr posts = core::make_schema(
  {{"id", value_type::int64}, {"tags", value_type::string}, {"score", value_type::float64}});

recording_emitter run_flatten(const nlohmann::json& params, const char* rows) {
  auto op = make_transform("transform.flatten", params, posts);
  recording_emitter out;
  op->on_batch_from(0, 0, make_batch(posts, rows), out);
  return out;
}

/// The `tags` values emitted, "null" for a null.
strings tags(const recording_emitter& out, std::size_t col = 1) {
  strings v;
  for (const auto& b : out.batches[0])
    for (std::size_t r = 0; r < b->rows(); ++r)
      v.push_back(b->col(col).is_null(r) ? "null"
                                         : "'" + std::string(b->col(col).string_at(r)) + "'");
  return v;
}

} // namespace

TEST_CASE("flatten emits one record per part with the other fields repeated") {
  auto out = run_flatten({{"split", "tags"}}, R"([[1, "a, b ,c", 0.5], [2, "d", 1.5]])");
  CHECK(out.json_rows()
        == strings{R"({"id":1,"tags":"a","score":0.5})", R"({"id":1,"tags":"b","score":0.5})",
                   R"({"id":1,"tags":"c","score":0.5})", R"({"id":2,"tags":"d","score":1.5})"});
  CHECK(out.filtered_count == 0);
}

TEST_CASE("flatten skips empty parts and a trailing separator by default") {
  auto out = run_flatten({{"split", "tags"}}, R"([[1, "a,,b,", 0], [2, ",", 0], [3, " , ", 0]])");
  CHECK(tags(out) == strings{"'a'", "'b'"});
  CHECK(out.filtered_count == 2); // records 2 and 3 have no part left
}

TEST_CASE("flatten keeps empty parts when skip_empty is false") {
  auto out =
    run_flatten({{"split", "tags"}, {"skip_empty", false}}, R"([[1, "a,,b,", 0], [2, "", 0]])");
  CHECK(tags(out) == strings{"'a'", "''", "'b'", "''", "''"});
  CHECK(out.filtered_count == 0);
}

TEST_CASE("flatten drops a record with an empty string, counting it") {
  auto out = run_flatten({{"split", "tags"}}, R"([[1, "", 0], [2, "x", 0]])");
  CHECK(out.json_rows() == strings{R"({"id":2,"tags":"x","score":0})"});
  CHECK(out.filtered_count == 1);
}

TEST_CASE("flatten passes a null through as one record with a null part") {
  auto out = run_flatten({{"split", "tags"}}, R"([[1, null, 0], [2, "x,y", null]])");
  CHECK(out.json_rows()
        == strings{R"({"id":1,"tags":null,"score":0})", R"({"id":2,"tags":"x","score":null})",
                   R"({"id":2,"tags":"y","score":null})"});
}

TEST_CASE("flatten keeps spaces around parts when trim is false") {
  auto out = run_flatten({{"split", "tags"}, {"trim", false}}, R"([[1, " a , b", 0]])");
  CHECK(tags(out) == strings{"' a '", "' b'"});
}

TEST_CASE("flatten splits at a separator of several characters") {
  auto out = run_flatten({{"split", "tags"}, {"separator", " | "}}, R"([[1, "a | b|c | ", 0]])");
  CHECK(tags(out) == strings{"'a'", "'b|c'"});
}

TEST_CASE("flatten into a new field keeps the split field and appends the parts") {
  auto op = make_transform("transform.flatten", {{"split", "tags"}, {"as", "tag"}}, posts);
  CHECK(output_schemas_of("transform.flatten", {{"split", "tags"}, {"as", "tag"}}, {posts})[0]
          ->to_string()
        == "id:int, tags:string, score:double, tag:string");
  recording_emitter out;
  op->on_batch_from(0, 0, make_batch(posts, R"([[1, "a,b", 0]])"), out);
  CHECK(out.json_rows()
        == strings{R"({"id":1,"tags":"a,b","score":0,"tag":"a"})",
                   R"({"id":1,"tags":"a,b","score":0,"tag":"b"})"});
}

TEST_CASE("flatten shares the other columns when every record gives one part") {
  auto op = make_transform("transform.flatten", {{"split", "tags"}}, posts);
  auto in = make_batch(posts, R"([[1, " a ", 0], [2, "b", 1]])");
  recording_emitter out;
  op->on_batch_from(0, 0, in, out);
  REQUIRE(out.batches[0].size() == 1);
  const auto& b = out.batches[0][0];
  CHECK(b->col_ptr(0) == in->col_ptr(0));
  CHECK(b->col_ptr(2) == in->col_ptr(2));
  CHECK(tags(out) == strings{"'a'", "'b'"});
  CHECK(*b->schema_of() == *posts);
}

TEST_CASE("flatten emits nothing when no record has a part") {
  auto out = run_flatten({{"split", "tags"}}, R"([[1, ",,", 0]])");
  CHECK(out.batches[0].empty());
  CHECK(out.filtered_count == 1);
}

TEST_CASE("flatten param errors name the param") {
  auto param_of = [](const nlohmann::json& params) {
    auto e = param_error_of("transform.flatten", params, posts);
    REQUIRE(e);
    return e->param();
  };
  CHECK(param_of(nlohmann::json::object()) == "split");
  CHECK(param_of({{"split", "nothing"}}) == "split");
  CHECK(param_of({{"split", "id"}}) == "split");
  CHECK(param_of({{"split", "tags"}, {"separator", ""}}) == "separator");
  CHECK(param_of({{"split", "tags"}, {"as", "score"}}) == "as");
  CHECK(param_of({{"split", "tags"}, {"trim", "yes"}}) == "trim");
}
