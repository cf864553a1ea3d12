#include <catch2/catch.hpp>

#include "operators/harness.hpp"
#include "sluice/ops/transform/dedupe.hpp"

using namespace sluice;
using core::value_type;
using sluice::test::make_batch;
using sluice::test::make_transform;
using sluice::test::param_error_of;
using sluice::test::recording_emitter;
using strings = std::vector<std::string>;

namespace {

const core::schema_ptr clicks = core::make_schema(
  {{"ts", value_type::timestamp}, {"user", value_type::string}, {"v", value_type::int64}});

/// "[[seconds, user, v], ...]" as rows of `clicks`.
std::string at_seconds(const std::vector<std::tuple<int, const char*, int>>& rows) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& [s, user, v] : rows) {
    nlohmann::json row = nlohmann::json::array();
    row.push_back(core::format_iso8601(static_cast<core::timestamp>(s) * 1000000));
    row.push_back(user ? nlohmann::json(user) : nlohmann::json());
    row.push_back(v);
    out.push_back(row);
  }
  return out.dump();
}

/// "user@seconds" of each emitted record.
strings seen(const recording_emitter& out) {
  strings v;
  for (const auto& b : out.batches[0])
    for (std::size_t r = 0; r < b->rows(); ++r)
      v.push_back((b->col(1).is_null(r) ? std::string("null") : std::string(b->col(1).string_at(r)))
                  + "@" + std::to_string(b->col(0).ints[r] / 1000000));
  return v;
}

recording_emitter run_dedupe(const nlohmann::json& params,
                             const std::vector<std::tuple<int, const char*, int>>& rows,
                             std::size_t batch_size = 1000) {
  auto op = make_transform("transform.dedupe", params, clicks);
  auto all = make_batch(clicks, at_seconds(rows));
  recording_emitter out;
  for (std::size_t b = 0; b < all->rows(); b += batch_size)
    op->on_batch_from(0, 0, all->slice(b, std::min(all->rows(), b + batch_size)), out);
  return out;
}

const nlohmann::json by_user = {{"key", {"user"}}, {"within", "10s"}};

} // namespace

TEST_CASE("dedupe drops a record whose key was seen within the span before it") {
  auto out =
    run_dedupe(by_user, {{0, "a", 1}, {5, "a", 2}, {5, "b", 3}, {16, "a", 4}, {30, "a", 5}});
  // a@5 is 5 s after a@0; a@16 is 11 s after a@5; a@30 is 14 s after a@16.
  CHECK(seen(out) == strings{"a@0", "b@5", "a@16", "a@30"});
  CHECK(out.filtered_count == 1);
  CHECK(out.errors.empty());
}

TEST_CASE("dedupe counts a record exactly within the span as a duplicate") {
  auto out = run_dedupe(by_user, {{0, "a", 1}, {10, "a", 2}, {21, "a", 3}});
  CHECK(seen(out) == strings{"a@0", "a@21"});
}

TEST_CASE("dedupe lets dropped records refresh their key, so a steady repeat passes once") {
  auto out =
    run_dedupe(by_user, {{0, "a", 1}, {8, "a", 2}, {16, "a", 3}, {24, "a", 4}, {35, "a", 5}});
  CHECK(seen(out) == strings{"a@0", "a@35"});
  CHECK(out.filtered_count == 3);
}

TEST_CASE("dedupe drops an out-of-order duplicate within the span") {
  auto out = run_dedupe(by_user, {{10, "a", 1}, {5, "a", 2}, {30, "a", 3}, {19, "a", 4}});
  // a@5 is 5 s before a@10: dropped. a@19 is 11 s before a@30, the latest
  // time of `a`: it passes.
  CHECK(seen(out) == strings{"a@10", "a@30", "a@19"});
}

TEST_CASE("dedupe forgets keys last seen before the latest time minus the span") {
  // a@0 is forgotten once b@100 is seen: the late a@5 passes though it is
  // within 10 s of a@0.
  auto out = run_dedupe(by_user, {{0, "a", 1}, {100, "b", 2}, {5, "a", 3}, {95, "b", 4}});
  CHECK(seen(out) == strings{"a@0", "b@100", "a@5"});
  CHECK(out.filtered_count == 1); // b@95, within 10 s of b@100
}

TEST_CASE("dedupe gives the same output whatever the batch size") {
  std::vector<std::tuple<int, const char*, int>> rows;
  const char* users[] = {"a", "b", "c", "d", "e"};
  for (int i = 0; i < 500; ++i) rows.emplace_back((i * 7919) % 300, users[(i * 31) % 5], i);
  auto whole = run_dedupe(by_user, rows, 1000);
  for (std::size_t size : {1, 3, 64}) {
    auto parts = run_dedupe(by_user, rows, size);
    CHECK(seen(parts) == seen(whole));
    CHECK(parts.filtered_count == whole.filtered_count);
  }
  CHECK(whole.rows() + whole.filtered_count == 500);
}

TEST_CASE("dedupe keeps its state bounded by the keys seen within the span") {
  auto op = make_transform("transform.dedupe", {{"key", {"v"}}, {"within", "1s"}}, clicks);
  const auto* state = dynamic_cast<const ops::transform::dedupe_state*>(op.get());
  REQUIRE(state);
  recording_emitter out;
  std::size_t most = 0;
  for (int b = 0; b < 100; ++b) {
    core::batch_builder builder(clicks);
    for (int i = 0; i < 1000; ++i) {
      std::int64_t n = b * 1000 + i;
      builder.column_at(0).append_int(n * 1000); // 1 ms apart: 1000 keys live per second
      builder.column_at(1).append_string("u");
      builder.column_at(2).append_int(n);
    }
    op->on_batch_from(0, 0, builder.finish(), out);
    most = std::max(most, state->keys_held());
  }
  CHECK(out.rows() == 100000); // all distinct
  CHECK(most <= 4 * 1024);
  CHECK(state->keys_held() >= 1001);
}

TEST_CASE("dedupe on the whole record drops only identical records") {
  auto out = run_dedupe({{"within", "1m"}}, {{0, "a", 1}, {0, "a", 1}, {0, "a", 2}, {1, "a", 1}});
  CHECK(seen(out) == strings{"a@0", "a@0", "a@1"});
  CHECK(out.json_rows()[1] == R"({"ts":"1970-01-01T00:00:00.000Z","user":"a","v":2})");
}

TEST_CASE("dedupe treats null keys as equal to each other") {
  auto out = run_dedupe(by_user, {{0, nullptr, 1}, {1, nullptr, 2}, {2, "a", 3}});
  CHECK(seen(out) == strings{"null@0", "a@2"});
}

TEST_CASE("dedupe emits a batch without duplicates as it is") {
  auto op = make_transform("transform.dedupe", by_user, clicks);
  auto in = make_batch(clicks, at_seconds({{0, "a", 1}, {1, "b", 2}}));
  recording_emitter out;
  op->on_batch_from(0, 0, in, out);
  REQUIRE(out.batches[0].size() == 1);
  CHECK(out.batches[0][0] == in);
}

TEST_CASE("dedupe sends a record with a null time to errors") {
  auto op = make_transform("transform.dedupe", by_user, clicks);
  recording_emitter out;
  op->on_batch_from(
    0, 0, make_batch(clicks, R"([[null, "a", 1], ["1970-01-01T00:00:01Z", "a", 2]])"), out);
  REQUIRE(out.errors.size() == 1);
  CHECK(out.errors[0].reason == "the timestamp field 'ts' is null");
  CHECK(out.rows() == 1);
}

TEST_CASE("dedupe uses the clock when the input has no ts field") {
  auto plain = core::make_schema({{"user", value_type::string}});
  auto clock = std::make_shared<core::manual_clock>();
  core::operator_context ctx;
  ctx.inputs = {plain};
  ctx.clock = clock;
  auto op = sluice::test::make_operator("transform.dedupe", {{"within", "10s"}}, ctx);
  recording_emitter out;
  op->on_batch_from(0, 0, make_batch(plain, R"([["a"], ["a"], ["b"]])"), out);
  clock->advance_ns(5'000'000'000);
  op->on_batch_from(0, 0, make_batch(plain, R"([["a"]])"), out);
  clock->advance_ns(20'000'000'000);
  op->on_batch_from(0, 0, make_batch(plain, R"([["a"]])"), out);
  CHECK(out.json_rows() == strings{R"({"user":"a"})", R"({"user":"b"})", R"({"user":"a"})"});
  CHECK(out.filtered_count == 2);
}

TEST_CASE("dedupe reads event time from the field named by timestamp") {
  auto s = core::make_schema({{"at", value_type::timestamp}, {"user", value_type::string}});
  auto op = make_transform("transform.dedupe",
                           {{"key", {"user"}}, {"within", "1s"}, {"timestamp", "at"}}, s);
  recording_emitter out;
  op->on_batch_from(
    0, 0, make_batch(s, R"([["2026-01-01T00:00:00Z", "a"], ["2026-01-01T00:00:00.5Z", "a"],
                                   ["2026-01-01T00:00:02Z", "a"]])"),
    out);
  CHECK(out.rows() == 2);
}

TEST_CASE("dedupe param errors name the param") {
  auto param_of = [](const nlohmann::json& params, core::schema_ptr s = clicks) {
    auto e = param_error_of("transform.dedupe", params, s);
    REQUIRE(e);
    return e->param();
  };
  CHECK(param_of({{"key", {"user"}}}) == "within");
  CHECK(param_of({{"within", "soon"}}) == "within");
  CHECK(param_of({{"key", {"nobody"}}, {"within", "1s"}}) == "key");
  CHECK(param_of({{"key", {"user", "user"}}, {"within", "1s"}}) == "key");
  CHECK(param_of({{"within", "1s"}, {"timestamp", "when"}}) == "timestamp");
  CHECK(param_of({{"within", "1s"}, {"timestamp", "v"}}) == "timestamp");
  auto int_ts = core::make_schema({{"ts", value_type::int64}});
  CHECK(param_of({{"within", "1s"}}, int_ts) == "timestamp");
}
