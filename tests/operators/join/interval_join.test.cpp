#include <cstdio>

#include <catch2/catch.hpp>

#include "operators/join/join_helpers.hpp"

using namespace sluice;
using core::value_type;
using strings = std::vector<std::string>;
using test::join_run;

namespace {

const core::schema_ptr payments = core::make_schema(
  {{"ts", value_type::timestamp}, {"card", value_type::int64}, {"amount", value_type::float64}});
const core::schema_ptr alerts = core::make_schema(
  {{"at", value_type::timestamp}, {"card", value_type::int64}, {"reason", value_type::string}});

nlohmann::json by_card(const char* within = "2s") {
  return {{"on", {"card"}}, {"within", within}, {"right_timestamp", "at"}};
}

} // namespace

TEST_CASE("an interval join matches records whose times are at most within apart") {
  join_run j("join.interval", by_card(), payments, alerts);
  CHECK(j.schema()
        == "ts:timestamp, left_card:int, amount:double, at:timestamp, right_card:int, "
           "reason:string");
  j.left(R"([["2026-01-01T00:00:10Z", 1, 9.5], ["2026-01-01T00:00:10Z", 2, 3.0]])");
  j.right(R"([["2026-01-01T00:00:07.999Z", 1, "too early"],
              ["2026-01-01T00:00:08Z", 1, "edge before"],
              ["2026-01-01T00:00:12Z", 1, "edge after"],
              ["2026-01-01T00:00:12.001Z", 1, "too late"],
              ["2026-01-01T00:00:11Z", 3, "other card"]])");
  CHECK(j.rows()
        == strings{R"({"ts":"2026-01-01T00:00:10.000Z","left_card":1,"amount":9.5,)"
                   R"("at":"2026-01-01T00:00:08.000Z","right_card":1,"reason":"edge before"})",
                   R"({"ts":"2026-01-01T00:00:10.000Z","left_card":1,"amount":9.5,)"
                   R"("at":"2026-01-01T00:00:12.000Z","right_card":1,"reason":"edge after"})"});
  // A left record after the right ones finds them too (the right input is at 12.001s).
  j.left(R"([["2026-01-01T00:00:13Z", 3, 1.0]])");
  REQUIRE(j.rows().size() == 3);
  CHECK_THAT(j.rows()[2], Catch::Contains("other card"));
}

TEST_CASE("within 0s joins records with equal times") {
  join_run j("join.interval", by_card("0s"), payments, alerts);
  j.left(R"([["2026-01-01T00:00:01Z", 1, 1.0], ["2026-01-01T00:00:02Z", 1, 2.0]])");
  j.right(R"([["2026-01-01T00:00:02Z", 1, "same"], ["2026-01-01T00:00:02.0005Z", 1, "off"]])");
  REQUIRE(j.rows().size() == 1);
  CHECK_THAT(j.rows()[0], Catch::Contains(R"("amount":2)") && Catch::Contains("same"));
}

TEST_CASE("an interval join matches on several key fields") {
  auto l = core::make_schema(
    {{"ts", value_type::timestamp}, {"card", value_type::int64}, {"shop", value_type::string}});
  auto r = core::make_schema({{"ts", value_type::timestamp},
                              {"card_no", value_type::int64},
                              {"store", value_type::string},
                              {"flag", value_type::boolean}});
  join_run j("join.interval",
             nlohmann::json::parse(R"({"on": [["card", "card_no"], ["shop", "store"]],
                                       "within": "1m"})"),
             l, r);
  CHECK(j.schema()
        == "left_ts:timestamp, card:int, shop:string, right_ts:timestamp, card_no:int, "
           "store:string, flag:bool");
  j.right(R"([["2026-01-01T00:00:05Z", 1, "a", true], ["2026-01-01T00:00:06Z", 1, "b", false],
              ["2026-01-01T00:00:07Z", 2, "a", false]])");
  j.left(R"([["2026-01-01T00:00:30Z", 1, "a"], ["2026-01-01T00:00:31Z", 2, "b"]])");
  CHECK(j.rows()
        == strings{R"({"left_ts":"2026-01-01T00:00:30.000Z","card":1,"shop":"a",)"
                   R"("right_ts":"2026-01-01T00:00:05.000Z","card_no":1,"store":"a",)"
                   R"("flag":true})"});
}

TEST_CASE("interval join state is dropped once progress makes a match impossible") {
  join_run j("join.interval", by_card(), payments, alerts);
  j.left(R"([["2026-01-01T00:00:01Z", 1, 1.0]])");
  j.right(R"([["2026-01-01T00:00:01Z", 1, "x"]])");
  CHECK(j.rows().size() == 1);
  CHECK(j.state_rows() == 2);
  j.left(R"([["2026-01-01T00:00:05Z", 2, 2.0]])");
  j.right(R"([["2026-01-01T00:00:03Z", 3, "y"]])");
  CHECK(j.state_rows() == 4); // progress 3s: records from 1s may still meet a record at 3s
  j.right(R"([["2026-01-01T00:00:05Z", 4, "z"]])");
  // Progress 5s: nothing below 3s can match any more; state is kept in
  // slices of `within` (2s), so [0s, 2s) goes and [2s, 4s) stays.
  CHECK(j.state_rows() == 3);
  const auto midnight = *core::parse_iso8601("2026-01-01T00:00:00Z");
  REQUIRE_FALSE(j.out.rec.watermarks.empty());
  CHECK(j.out.rec.watermarks.back() == midnight + 3000000);
  j.left(R"([["2026-01-01T00:00:09Z", 4, 3.0]])");
  j.right(R"([["2026-01-01T00:00:09Z", 5, "w"]])");
  CHECK(j.state_rows() == 2); // progress 9s keeps [6s, ...)
  j.end();
  CHECK(j.state_rows() == 0);
  CHECK(j.rows().size() == 1);
}

TEST_CASE("interval join records out of order within max_out_of_order still match") {
  for (const char* disorder : {"3s", "0s"}) {
    auto params = by_card("1s");
    params["max_out_of_order"] = disorder;
    join_run j("join.interval", params, payments, alerts);
    j.left(R"([["2026-01-01T00:00:10Z", 1, 1.0]])");
    j.right(R"([["2026-01-01T00:00:10Z", 2, "a"]])");
    j.right(R"([["2026-01-01T00:00:08Z", 1, "b"]])"); // 2s behind the right input
    j.left(R"([["2026-01-01T00:00:08.5Z", 1, 2.0]])");
    if (std::string(disorder) == "3s") {
      CHECK(j.out.late_count == 0);
      CHECK(j.rows().size() == 1); // 8.5s with 8s; 10s with 8s is 2s apart
      CHECK_THAT(j.rows()[0],
                 Catch::Contains(R"("amount":2)") && Catch::Contains(R"("reason":"b")"));
    } else {
      CHECK(j.out.late_count == 2);
      CHECK(j.rows().empty());
    }
  }
}

TEST_CASE("interval join late records are counted and join nothing") {
  join_run j("join.interval", by_card("5s"), payments, alerts);
  j.left(R"([["2026-01-01T00:00:20Z", 1, 1.0]])");
  j.right(R"([["2026-01-01T00:00:20Z", 2, "a"]])");
  j.right(R"([["2026-01-01T00:00:19Z", 1, "late"], ["2026-01-01T00:00:20Z", 1, "on time"]])");
  CHECK(j.out.late_count == 1);
  REQUIRE(j.rows().size() == 1);
  CHECK_THAT(j.rows()[0], Catch::Contains("on time"));
  j.left(R"([[null, 1, 3.0]])");
  CHECK(j.out.rec.errors.size() == 1);
  CHECK(j.out.late_count == 1);
}

TEST_CASE("an interval join gives the same output for any batch split") {
  // Per side the records are at most 1.6s out of order, the allowed disorder is 2s.
  auto rows_of = [](int side) {
    std::vector<std::string> rows;
    for (int i = 0; i < 100; ++i) {
      int ms = i * 500 + ((i * 3 + side) % 5) * 400;
      char ts[40];
      std::snprintf(ts, sizeof ts, "2026-01-01T00:%02d:%02d.%03dZ", ms / 60000, ms / 1000 % 60,
                    ms % 1000);
      rows.push_back(std::string("[\"") + ts + "\", " + std::to_string(i % (3 + side)) + ", "
                     + (side == 0 ? std::to_string(i) + ".5" : "\"r" + std::to_string(i) + "\"")
                     + "]");
    }
    return rows;
  };
  const auto left_rows = rows_of(0), right_rows = rows_of(1);
  auto run = [&](std::size_t chunk) {
    auto params = by_card("1500ms");
    params["max_out_of_order"] = "2s";
    join_run j("join.interval", params, payments, alerts);
    for (std::size_t at = 0; at < left_rows.size(); at += chunk) {
      auto batch_of = [&](const std::vector<std::string>& rows) {
        std::string text = "[";
        for (std::size_t i = at; i < std::min(at + chunk, rows.size()); ++i)
          text += (i == at ? "" : ",") + rows[i];
        return text + "]";
      };
      j.right(batch_of(right_rows));
      j.left(batch_of(left_rows));
    }
    j.end();
    CHECK(j.out.late_count == 0);
    CHECK(j.state_rows() == 0);
    return j.sorted_rows();
  };
  const auto whole = run(100);
  CHECK(whole.size() > 50);
  CHECK(run(1) == whole);
  CHECK(run(9) == whole);
  CHECK(run(40) == whole);
}

TEST_CASE("at end of stream an interval join drops its state and emits nothing more") {
  join_run j("join.interval", by_card(), payments, alerts);
  j.left(R"([["2026-01-01T00:00:01Z", 1, 1.0], ["2026-01-01T00:00:30Z", 2, 1.0]])");
  j.right(R"([["2026-01-01T00:00:02Z", 1, "x"]])");
  CHECK(j.rows().size() == 1);
  CHECK(j.state_rows() == 3);
  j.end();
  CHECK(j.state_rows() == 0);
  CHECK(j.rows().size() == 1);
}

TEST_CASE("an idle input stops holding an interval join's state") {
  auto params = by_card();
  params["idle_timeout"] = "10s";
  join_run j("join.interval", params, payments, alerts);
  CHECK(j.op->idle_timeout_us() == 10000000);
  j.right(R"([["2026-01-01T00:00:01Z", 1, "x"]])");
  j.left(R"([["2026-01-01T00:00:30Z", 1, 1.0]])");
  CHECK(j.state_rows() == 2);
  j.op->on_input_idle(1, 0, j.out);
  CHECK(j.state_rows() == 1);
  j.right(R"([["2026-01-01T00:00:02Z", 1, "back, but late"], ["2026-01-01T00:00:31Z", 1, "y"]])");
  CHECK(j.out.late_count == 1);
  CHECK(j.rows().size() == 1);
}

TEST_CASE("interval join params are checked against both inputs") {
  using test::join_error_of;
  CHECK(
    join_error_of("join.interval", {{"on", {"card"}}, {"right_timestamp", "at"}}, payments, alerts)
      ->param()
    == "within");
  CHECK(
    join_error_of("join.interval", {{"on", {"card"}}, {"within", "1s"}}, payments, alerts)->param()
    == "right_timestamp");
  auto with = [](const char* key, nlohmann::json value) {
    auto p = by_card();
    p[key] = std::move(value);
    return p;
  };
  CHECK(join_error_of("join.interval", with("on", {"reason"}), payments, alerts)->param() == "on");
  CHECK(join_error_of("join.interval", with("within", "soon"), payments, alerts)->param()
        == "within");
  CHECK(join_error_of("join.interval", with("on", "card"), payments, alerts)->param() == "on");
  CHECK_FALSE(join_error_of("join.interval", by_card(), payments, alerts));
}

TEST_CASE("an interval join finds every match among many keys") {
  join_run j("join.interval", by_card("1m"), payments, alerts);
  std::string left = "[", right = "[";
  for (int i = 0; i < 300; ++i) { // cards 0..59, five records each per side
    std::string ts = "\"2026-01-01T00:00:" + std::to_string(10 + i / 10) + "Z\"";
    left += (i ? "," : "") + std::string("[") + ts + ", " + std::to_string(i % 60) + ", 1.5]";
    right += (i ? "," : "") + std::string("[") + ts + ", " + std::to_string((i * 7) % 60) + ", \"r"
             + std::to_string(i) + "\"]";
  }
  j.right(right + "]");
  j.left(left + "]");
  CHECK(j.rows().size() == 60 * 5 * 5);
  CHECK(test::descriptor_of("join.interval").category == "join");
}
