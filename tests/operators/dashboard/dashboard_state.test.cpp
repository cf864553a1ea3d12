#include <catch2/catch.hpp>

#include <limits>
#include <set>
#include <string>

#include "../harness.hpp"
#include "sluice/ops/dashboard/dashboard_state.hpp"
#include "sluice/ops/dashboard/html_text.hpp"

using namespace sluice;
using namespace sluice::ops::dashboard;
using core::value_type;
using nlohmann::json;

namespace {

const core::schema_ptr readings = core::make_schema({{"ts", value_type::timestamp},
                                                     {"device", value_type::string},
                                                     {"temp", value_type::float64},
                                                     {"n", value_type::int64}});

/// Rows with n from..to-1, device "d" + n % devices, temp n / 2, ts n seconds.
core::batch_ptr rows(int from, int to, int devices = 3) {
  core::batch_builder b(readings);
  for (int i = from; i < to; ++i) {
    b.column_at(0).append_int(std::int64_t(i) * 1000000);
    b.column_at(1).append_string("d" + std::to_string(i % devices));
    b.column_at(2).append_double(i / 2.0);
    b.column_at(3).append_int(i);
  }
  return b.finish();
}

dashboard_config config(chart_kind chart, std::size_t history) {
  dashboard_config c;
  c.title = "t";
  c.chart = chart;
  c.history = history;
  c.time_at = 0;
  c.time_field = "ts";
  if (chart == chart_kind::table) {
    c.fields = {"ts", "device", "temp", "n"};
    c.field_at = {0, 1, 2, 3};
  } else {
    c.fields = {"temp"};
    c.field_at = {2};
  }
  if (chart == chart_kind::line || chart == chart_kind::bar) {
    c.key = "device";
    c.key_at = 1;
  }
  return c;
}

} // namespace

TEST_CASE("a table keeps only the latest `history` records, newest first") {
  dashboard_state s(config(chart_kind::table, 5));
  s.add(*rows(0, 3), 1000);
  s.add(*rows(3, 100), 1001); // a batch larger than the history
  s.add(*rows(100, 102), 1002);
  const json j = s.to_json(1002);
  REQUIRE(j["rows"].size() == 5);
  CHECK(j["rows"][0][3] == 101);
  CHECK(j["rows"][4][3] == 97);
  CHECK(j["rows"][0][0] == "1970-01-01T00:01:41.000Z");
  CHECK(j["rows"][0][1] == "d2");
  CHECK(j["records"] == 102);
  CHECK(j["status"] == "live");
}

TEST_CASE("a line keeps `history` points per series, a series per key, and at most "
          "max_series series") {
  dashboard_state s(config(chart_kind::line, 4));
  s.add(*rows(0, 30), 1000); // keys d0, d1, d2: 10 points each
  json j = s.to_json(1000);
  REQUIRE(j["series"].size() == 3);
  for (const auto& series : j["series"]) CHECK(series["points"].size() == 4);
  CHECK(j["series"][0]["name"] == "d0");
  // d0's last four points: n = 18, 21, 24, 27 (temp n / 2, at ts = n s)
  CHECK(j["series"][0]["points"][3] == json::array({27000, 13.5}));
  CHECK(j["series"][0]["points"][0] == json::array({18000, 9.0}));

  dashboard_state many(config(chart_kind::line, 2));
  many.add(*rows(0, 100, 50), 1000); // 50 keys
  j = many.to_json(1000);
  CHECK(j["series"].size() == dashboard_state::max_series);
  // the series kept are the ones updated last: keys d38..d49
  std::set<std::string> names;
  for (const auto& series : j["series"]) names.insert(series["name"].get<std::string>());
  CHECK(names.count("d49") == 1);
  CHECK(names.count("d38") == 1);
  CHECK(names.count("d37") == 0);
}

TEST_CASE("a bar shows the latest value per key, largest first, at most `history` keys") {
  dashboard_state s(config(chart_kind::bar, 3));
  s.add(*rows(0, 6), 1000);
  json j = s.to_json(1000);
  REQUIRE(j["bars"].size() == 3);
  // d0 last had n=3 (temp 1.5), d1 n=4 (2.0), d2 n=5 (2.5)
  CHECK(j["bars"][0] == json({{"key", "d2"}, {"values", {2.5}}}));
  CHECK(j["bars"][2] == json({{"key", "d0"}, {"values", {1.5}}}));

  // a later, smaller value replaces the bar's value
  core::batch_builder b(readings);
  b.column_at(0).append_int(0);
  b.column_at(1).append_string("d2");
  b.column_at(2).append_double(-1);
  b.column_at(3).append_int(0);
  s.add(*b.finish(), 1001);
  j = s.to_json(1001);
  CHECK(j["bars"][2] == json({{"key", "d2"}, {"values", {-1.0}}}));

  // a fourth key evicts the key updated longest ago (d0)
  s.add(*rows(3, 4, 1000), 1002); // key d3
  j = s.to_json(1002);
  REQUIRE(j["bars"].size() == 3);
  for (const auto& bar : j["bars"]) CHECK(bar["key"] != "d0");
}

TEST_CASE("a number shows the newest value, the one before and a bounded trend") {
  dashboard_state s(config(chart_kind::number, 10));
  s.add(*rows(0, 50), 1000);
  const json j = s.to_json(1000);
  CHECK(j["value"] == 24.5);
  CHECK(j["previous"] == 24.0);
  CHECK(j["points"].size() == 10);
  CHECK(j["field"] == "temp");
}

TEST_CASE("the status says waiting, live, stalled after a pause, then ended or stopped") {
  dashboard_state s(config(chart_kind::table, 5));
  CHECK(s.to_json(1000)["status"] == "waiting");
  s.add(*rows(0, 1), 1000);
  CHECK(s.to_json(1000 + dashboard_state::stall_after_ms - 1)["status"] == "live");
  const json stalled = s.to_json(1000 + dashboard_state::stall_after_ms);
  CHECK(stalled["status"] == "stalled");
  CHECK(stalled["last_record_ms"] == 1000);
  s.finish(true, 9000);
  CHECK(s.to_json(20000)["status"] == "ended");
  s.finish(false, 9500); // close after the end: still ended
  CHECK(s.to_json(20000)["status"] == "ended");
  CHECK(s.to_json(20000)["finished_ms"] == 9000);

  dashboard_state stopped(config(chart_kind::table, 5));
  stopped.finish(false, 5);
  CHECK(stopped.to_json(6)["status"] == "stopped");
}

TEST_CASE("readers share one published text per interval however fast records arrive") {
  dashboard_state s(config(chart_kind::number, 10));
  s.add(*rows(0, 1), 1000);
  auto first = s.publish(1000);
  CHECK(first.sequence == 1);
  std::int64_t now = 1000;
  // 999 batches within less than one interval: the text does not change
  for (int i = 1; i < 1000; ++i) s.add(*rows(i, i + 1), now);
  now += dashboard_state::publish_every_ms - 1;
  auto same = s.publish(now);
  CHECK(same.sequence == first.sequence);
  CHECK(same.text == first.text);
  // one interval later: the newest state, once
  now += 1;
  auto next = s.publish(now);
  CHECK(next.sequence == 2);
  CHECK(json::parse(next.text)["value"] == 499.5);
  CHECK(s.publish(now + 10).sequence == 2);
  // nothing new, but the status now reads differently: published again
  auto stalled = s.publish(1000 + dashboard_state::stall_after_ms);
  CHECK(stalled.sequence == 3);
  CHECK(json::parse(stalled.text)["status"] == "stalled");
}

TEST_CASE("record text is kept as text: cut, valid UTF-8, never HTML") {
  core::batch_builder b(readings);
  b.column_at(0).append_int(0);
  b.column_at(1).append_string(std::string("<b>\xff") + std::string(500, 'x'));
  b.column_at(2).append_double(std::numeric_limits<double>::quiet_NaN());
  b.column_at(3).append_null();
  auto batch = b.finish();
  const json text = json_value(batch->col(1), 0, dashboard_state::max_text_bytes);
  const auto s = text.get<std::string>();
  CHECK(s.rfind("<b>\xEF\xBF\xBD", 0) == 0); // the bad byte is U+FFFD
  CHECK(s.size() < 220);
  CHECK(s.substr(s.size() - 3) == "\xE2\x80\xA6");
  CHECK(json_value(batch->col(2), 0, 10).is_null());
  CHECK(json_value(batch->col(3), 0, 10).is_null());

  CHECK(html_escape("<script>alert('x') & \"y\"</script>")
        == "&lt;script&gt;alert(&#39;x&#39;) &amp; &quot;y&quot;&lt;/script&gt;");
  CHECK(fill("<h1>{{title}}</h1>{{other}}", {{"title", "a &amp; b"}})
        == "<h1>a &amp; b</h1>{{other}}");
}
