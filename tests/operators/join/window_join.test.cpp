#include <cmath>
#include <cstdio>

#include <catch2/catch.hpp>

#include "operators/join/join_helpers.hpp"

using namespace sluice;
using core::value_type;
using strings = std::vector<std::string>;
using test::join_run;

namespace {

const core::schema_ptr orders = core::make_schema(
  {{"ts", value_type::timestamp}, {"user", value_type::string}, {"amount", value_type::int64}});
const core::schema_ptr clicks = core::make_schema(
  {{"ts", value_type::timestamp}, {"user", value_type::string}, {"page", value_type::string}});

nlohmann::json by_user(const char* type = "inner") {
  return {{"on", {"user"}}, {"size", "10s"}, {"type", type}};
}

} // namespace

TEST_CASE("a window join emits a pair as soon as its second record arrives") {
  join_run j("join.window", by_user(), orders, clicks);
  j.left(R"([["2026-01-01T00:00:01Z", "ann", 5], ["2026-01-01T00:00:02Z", "bob", 7]])");
  CHECK(j.rows().empty());
  j.right(R"([["2026-01-01T00:00:03Z", "ann", "home"], ["2026-01-01T00:00:04Z", "cid", "cart"],
              ["2026-01-01T00:00:12Z", "bob", "home"]])");
  CHECK(j.rows()
        == strings{R"({"left_ts":"2026-01-01T00:00:01.000Z","left_user":"ann","amount":5,)"
                   R"("right_ts":"2026-01-01T00:00:03.000Z","right_user":"ann","page":"home"})"});
  // Right first, then left: the pair comes with the left record.
  j.left(R"([["2026-01-01T00:00:05Z", "cid", 9]])");
  CHECK(j.rows().size() == 2);
  CHECK(j.rows()[1]
        == R"({"left_ts":"2026-01-01T00:00:05.000Z","left_user":"cid","amount":9,)"
           R"("right_ts":"2026-01-01T00:00:04.000Z","right_user":"cid","page":"cart"})");
}

TEST_CASE("a window join pairs every left record with every right record of its key and window") {
  join_run j("join.window", by_user(), orders, clicks);
  j.left(R"([["2026-01-01T00:00:01Z", "ann", 1], ["2026-01-01T00:00:02Z", "ann", 2]])");
  j.right(R"([["2026-01-01T00:00:03Z", "ann", "a"], ["2026-01-01T00:00:09Z", "ann", "b"],
              ["2026-01-01T00:00:10Z", "ann", "next window"]])");
  CHECK(j.rows().size() == 4);
  j.left(R"([["2026-01-01T00:00:11Z", "ann", 3]])");
  CHECK(j.rows().size() == 5);
  CHECK_THAT(j.rows().back(), Catch::Contains(R"("amount":3)") && Catch::Contains("next window"));
}

TEST_CASE("window join output names clashing fields left_ and right_, join keys included") {
  join_run j("join.window", by_user(), orders, clicks);
  CHECK(j.schema()
        == "left_ts:timestamp, left_user:string, amount:int, right_ts:timestamp, "
           "right_user:string, page:string");
}

TEST_CASE("a window join matches on several key fields given as left/right pairs") {
  auto l = core::make_schema({{"ts", value_type::timestamp},
                              {"region", value_type::string},
                              {"uid", value_type::int64},
                              {"v", value_type::float64}});
  auto r = core::make_schema({{"time", value_type::timestamp},
                              {"area", value_type::string},
                              {"user_id", value_type::int64},
                              {"w", value_type::boolean}});
  join_run j("join.window",
             nlohmann::json::parse(R"({"on": [["region", "area"], ["uid", "user_id"]],
                                       "size": "1m", "right_timestamp": "time"})"),
             l, r);
  CHECK(j.schema()
        == "ts:timestamp, region:string, uid:int, v:double, time:timestamp, area:string, "
           "user_id:int, w:bool");
  j.left(R"([["2026-01-01T00:00:01Z", "eu", 1, 0.5], ["2026-01-01T00:00:02Z", "eu", 2, 1.5],
             ["2026-01-01T00:00:03Z", "us", 1, 2.5]])");
  j.right(R"([["2026-01-01T00:00:40Z", "eu", 1, true], ["2026-01-01T00:00:41Z", "us", 2, false]])");
  CHECK(j.rows()
        == strings{R"({"ts":"2026-01-01T00:00:01.000Z","region":"eu","uid":1,"v":0.5,)"
                   R"("time":"2026-01-01T00:00:40.000Z","area":"eu","user_id":1,"w":true})"});
}

TEST_CASE("a left window join emits unmatched left records with null right fields at window end") {
  join_run j("join.window", by_user("left"), orders, clicks);
  j.left(R"([["2026-01-01T00:00:01Z", "ann", 1], ["2026-01-01T00:00:02Z", "bob", 2]])");
  j.right(R"([["2026-01-01T00:00:03Z", "ann", "home"]])");
  CHECK(j.rows().size() == 1); // ann matched; bob's window is still open
  j.left(R"([["2026-01-01T00:00:15Z", "cid", 3]])");
  CHECK(j.rows().size() == 1); // the right input still holds progress at 3s
  j.right(R"([["2026-01-01T00:00:16Z", "dan", "cart"]])");
  REQUIRE(j.rows().size() == 2);
  CHECK(j.rows()[1]
        == R"({"left_ts":"2026-01-01T00:00:02.000Z","left_user":"bob","amount":2,)"
           R"("right_ts":null,"right_user":null,"page":null})");
  j.end(); // cid had no match either
  CHECK(j.rows().size() == 3);
  CHECK_THAT(j.rows()[2],
             Catch::Contains(R"("left_user":"cid")") && Catch::Contains(R"("page":null)"));
}

TEST_CASE("window join state is dropped once progress over both inputs passes the window end") {
  join_run j("join.window", by_user(), orders, clicks);
  j.left(R"([["2026-01-01T00:00:01Z", "ann", 1], ["2026-01-01T00:00:02Z", "bob", 2]])");
  j.right(R"([["2026-01-01T00:00:03Z", "ann", "home"]])");
  CHECK(j.state_rows() == 3);
  j.left(R"([["2026-01-01T00:00:25Z", "ann", 3]])");
  CHECK(j.state_rows() == 4); // the right input is still at 3s
  const auto midnight = *core::parse_iso8601("2026-01-01T00:00:00Z");
  CHECK(j.out.rec.watermarks == std::vector<core::timestamp>{midnight});
  j.right(R"([["2026-01-01T00:00:21Z", "cid", "x"]])");
  CHECK(j.state_rows() == 2); // window [0s, 10s) went; [20s, 30s) holds two
  // No pair still to come lies before the oldest open window.
  CHECK(j.out.rec.watermarks == std::vector<core::timestamp>{midnight, midnight + 20000000});
  j.end();
  CHECK(j.state_rows() == 0);
}

TEST_CASE("window join records out of order within max_out_of_order still match") {
  for (const char* disorder : {"5s", "0s"}) {
    auto params = by_user();
    params["max_out_of_order"] = disorder;
    join_run j("join.window", params, orders, clicks);
    j.left(R"([["2026-01-01T00:00:12Z", "ann", 1]])");
    j.right(R"([["2026-01-01T00:00:14Z", "ann", "x"]])");
    j.left(R"([["2026-01-01T00:00:08Z", "bob", 2]])"); // 4s behind the left input
    j.right(R"([["2026-01-01T00:00:09Z", "bob", "y"]])");
    if (std::string(disorder) == "5s") {
      CHECK(j.out.late_count == 0);
      CHECK(j.rows().size() == 2);
      CHECK_THAT(j.rows()[1], Catch::Contains(R"("left_user":"bob")"));
    } else { // window [0s, 10s) was complete when bob came
      CHECK(j.out.late_count == 2);
      CHECK(j.rows().size() == 1);
    }
  }
}

TEST_CASE("window join late records are counted and join nothing") {
  join_run j("join.window", by_user("left"), orders, clicks);
  j.left(R"([["2026-01-01T00:00:01Z", "ann", 1], ["2026-01-01T00:00:21Z", "ann", 2]])");
  j.right(R"([["2026-01-01T00:00:22Z", "ann", "x"]])");
  CHECK(j.rows().size() == 2); // ann@21 matched, ann@1 unmatched at its window end
  CHECK(j.state_rows() == 2);
  j.right(R"([["2026-01-01T00:00:02Z", "ann", "too late"], ["2026-01-01T00:00:19Z", "bob", "late"],
              ["2026-01-01T00:00:20Z", "ann", "in time"]])");
  CHECK(j.out.late_count == 2);
  CHECK(j.rows().size() == 3);
  CHECK_THAT(j.rows()[2], Catch::Contains("in time"));
  j.left(R"([["2026-01-01T00:00:05Z", "ann", 3]])");
  CHECK(j.out.late_count == 3);
  j.end();
  CHECK(j.rows().size() == 3); // a late left record is not emitted as unmatched either
}

TEST_CASE("a window join gives the same output for any batch split") {
  // Per side the records are at most 2s out of order, the allowed disorder.
  auto rows_of = [](int side) {
    std::vector<std::string> rows;
    for (int i = 0; i < 90; ++i) {
      int ms = i * 650 + ((i * 7 + side * 3) % 5) * 400;
      char ts[40];
      std::snprintf(ts, sizeof ts, "2026-01-01T00:%02d:%02d.%03dZ", ms / 60000, ms / 1000 % 60,
                    ms % 1000);
      std::string user = "u" + std::to_string((i * (side + 2)) % 4);
      rows.push_back(std::string("[\"") + ts + "\", \"" + user + "\", "
                     + (side == 0 ? std::to_string(i) : "\"p" + std::to_string(i) + "\"") + "]");
    }
    return rows;
  };
  const auto left_rows = rows_of(0), right_rows = rows_of(1);
  auto run = [&](std::size_t chunk) {
    auto params = by_user("left");
    params["max_out_of_order"] = "2s";
    join_run j("join.window", params, orders, clicks);
    for (std::size_t at = 0; at < left_rows.size(); at += chunk) {
      auto batch_of = [&](const std::vector<std::string>& rows) {
        std::string text = "[";
        for (std::size_t i = at; i < std::min(at + chunk, rows.size()); ++i)
          text += (i == at ? "" : ",") + rows[i];
        return text + "]";
      };
      j.left(batch_of(left_rows));
      j.right(batch_of(right_rows));
    }
    j.end();
    CHECK(j.out.late_count == 0);
    CHECK(j.state_rows() == 0);
    return j.sorted_rows();
  };
  const auto whole = run(90);
  CHECK(whole.size() > 90);
  CHECK(run(1) == whole);
  CHECK(run(7) == whole);
  CHECK(run(32) == whole);
}

TEST_CASE("end of stream completes every open window of a window join") {
  join_run j("join.window", by_user("left"), orders, clicks);
  j.left(R"([["2026-01-01T00:00:01Z", "ann", 1], ["2026-01-01T00:00:45Z", "bob", 2]])");
  CHECK(j.state_rows() == 2);
  CHECK(j.rows().empty());       // the right input has not spoken: nothing is complete
  j.op->on_end_of_stream(j.out); // also without the inputs' end notices
  CHECK(j.rows().size() == 2);
  CHECK(j.state_rows() == 0);
  j.end(); // nothing twice
  CHECK(j.rows().size() == 2);
}

TEST_CASE("window join null keys never match and null event times go to errors") {
  join_run j("join.window", by_user("left"), orders, clicks);
  j.left(R"([["2026-01-01T00:00:01Z", null, 1], [null, "ann", 2]])");
  j.right(R"([["2026-01-01T00:00:02Z", null, "x"]])");
  CHECK(j.rows().empty());
  REQUIRE(j.out.rec.errors.size() == 1);
  CHECK_THAT(j.out.rec.errors[0].reason, Catch::Contains("null event time"));
  CHECK(j.state_rows() == 1); // only the left null-key record, for the left join
  j.end();
  CHECK(j.rows()
        == strings{R"({"left_ts":"2026-01-01T00:00:01.000Z","left_user":null,"amount":1,)"
                   R"("right_ts":null,"right_user":null,"page":null})"});
}

TEST_CASE("window join keys match -0.0 with 0.0 and NaN with NaN, as keys do everywhere") {
  const auto side = core::make_schema({{"ts", value_type::timestamp}, {"x", value_type::float64}});
  join_run j("join.window", {{"on", {"x"}}, {"size", "10s"}}, side, side);
  const double nan = std::nan(""), negative_nan = -std::nan("");
  auto feed = [&](std::size_t port, std::vector<double> xs) {
    core::batch_builder b(side);
    for (double x : xs) {
      b.column_at(0).append_int(1'000'000);
      b.column_at(1).append_double(x);
    }
    j.op->on_batch_from(port, 0, b.finish(), j.out);
  };
  feed(0, {-0.0, nan, 1.5});
  feed(1, {0.0, negative_nan, 2.5});
  CHECK(j.rows().size() == 2);
}

TEST_CASE("an idle input stops holding a window join's state") {
  auto params = by_user();
  params["idle_timeout"] = "5s";
  join_run j("join.window", params, orders, clicks);
  CHECK(j.op->idle_timeout_us() == 5000000);
  j.left(R"([["2026-01-01T00:00:01Z", "ann", 1]])");
  j.right(R"([["2026-01-01T00:00:02Z", "bob", "x"]])");
  j.left(R"([["2026-01-01T00:00:31Z", "ann", 2]])");
  CHECK(j.state_rows() == 3);
  j.op->on_input_idle(1, 0, j.out);
  CHECK(j.state_rows() == 1);
}

TEST_CASE("with several channels on one side, a window join waits for all of them") {
  core::operator_context ctx;
  ctx.inputs = {orders, clicks};
  ctx.input_channels = {2, 1};
  auto op = test::make_operator("join.window", by_user(), ctx);
  test::join_emitter out;
  auto& join = dynamic_cast<const ops::join::join_operator&>(*op);
  auto feed = [&](std::size_t port, std::size_t channel, const char* rows) {
    op->on_batch_from(port, channel, test::make_batch(port == 0 ? orders : clicks, rows), out);
  };
  feed(0, 0, R"([["2026-01-01T00:00:01Z", "ann", 1]])");
  feed(1, 0, R"([["2026-01-01T00:00:31Z", "ann", "x"]])");
  feed(0, 1, R"([["2026-01-01T00:00:32Z", "bob", 2]])");
  CHECK(join.state_rows() == 3); // left channel 0 is still at 1s
  feed(0, 0, R"([["2026-01-01T00:00:33Z", "cid", 3]])");
  CHECK(join.state_rows() == 3); // window [0s, 10s) went, cid came
  feed(0, 1, R"([["2026-01-01T00:00:05Z", "ann", 4]])");
  CHECK(out.late_count == 1);
}

TEST_CASE("window join params are checked against both inputs") {
  using test::join_error_of;
  CHECK(join_error_of("join.window", {{"on", {"nope"}}, {"size", "10s"}}, orders, clicks)->param()
        == "on");
  CHECK_THAT(
    join_error_of("join.window", {{"on", {"nope"}}, {"size", "10s"}}, orders, clicks)->what(),
    Catch::Contains("nope") && Catch::Contains("left"));
  auto e = join_error_of("join.window",
                         nlohmann::json::parse(R"({"on": [["user", "ts"]], "size": "10s"})"),
                         orders, clicks);
  REQUIRE(e);
  CHECK(e->param() == "on");
  CHECK_THAT(e->what(), Catch::Contains("string") && Catch::Contains("timestamp"));
  CHECK(
    join_error_of("join.window", {{"on", nlohmann::json::array()}, {"size", "10s"}}, orders, clicks)
      ->param()
    == "on");
  CHECK(join_error_of("join.window", {{"on", {{"user"}}}, {"size", "10s"}}, orders, clicks)->param()
        == "on");
  CHECK(join_error_of("join.window", {{"on", {"user"}}}, orders, clicks)->param() == "size");
  CHECK(join_error_of("join.window", {{"on", {"user"}}, {"size", "0s"}}, orders, clicks)->param()
        == "size");
  auto with = [](const char* key, nlohmann::json value) {
    auto p = by_user();
    p[key] = std::move(value);
    return p;
  };
  CHECK(join_error_of("join.window", with("left_timestamp", "amount"), orders, clicks)->param()
        == "left_timestamp");
  CHECK(join_error_of("join.window", {{"on", {"user"}}, {"size", "10s"}, {"type", "outer"}}, orders,
                      clicks)
          ->param()
        == "type");
  CHECK(join_error_of("join.window", {{"on", {"user"}}, {"size", "10s"}}, orders, nullptr)->param()
        == "");
  auto clash = core::make_schema({{"ts", value_type::timestamp}, {"left_ts", value_type::string}});
  CHECK(join_error_of("join.window", with("on", {"ts"}), clash, orders)->param() == "");
  CHECK_FALSE(join_error_of("join.window", by_user("left"), orders, clicks));
}

TEST_CASE("a window join finds every match among many keys in one window") {
  auto l = core::make_schema({{"ts", value_type::timestamp}, {"k", value_type::int64}});
  auto r = core::make_schema(
    {{"ts", value_type::timestamp}, {"k", value_type::int64}, {"tag", value_type::string}});
  join_run j("join.window", {{"on", {"k"}}, {"size", "1m"}}, l, r);
  std::string left = "[", right = "[";
  for (int i = 0; i < 400; ++i) { // keys 0..99, four records each per side
    std::string ts = "\"2026-01-01T00:00:" + std::to_string(10 + i / 10) + "Z\"";
    left += (i ? "," : "") + std::string("[") + ts + ", " + std::to_string(i % 100) + "]";
    right += (i ? "," : "") + std::string("[") + ts + ", " + std::to_string((i * 7) % 100) + ", \"t"
             + std::to_string(i) + "\"]";
  }
  j.left(left + "]");
  j.right(right + "]");
  CHECK(j.rows().size() == 100 * 4 * 4);
  CHECK(j.state_rows() == 800);
  CHECK(test::descriptor_of("join.window").category == "join");
}
