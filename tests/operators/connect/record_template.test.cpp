#include <catch2/catch.hpp>

#include "sluice/core/batch.hpp"
#include "sluice/core/errors.hpp"
#include "sluice/ops/connect/record_template.hpp"

using namespace sluice;
using ops::connect::record_template;

namespace {

core::batch_ptr one_row() {
  auto s =
    std::make_shared<core::schema>(std::vector<core::field>{{"device", core::value_type::string},
                                                            {"ts", core::value_type::timestamp},
                                                            {"level", core::value_type::int64}});
  core::batch_builder b(s, 2);
  b.column_at(0).append_string("d7");
  b.column_at(1).append_int(1767236400123456); // 2026-01-01T03:00:00.123456Z
  b.column_at(2).append_null();
  return b.finish();
}

} // namespace

TEST_CASE("A template puts a record's fields into text, timestamps formatted as asked") {
  auto b = one_row();
  record_template t("topic", "alerts/{device}/{ts:%Y-%m-%d}/h={ts:%H}/{level}", b->fields());
  CHECK(t.render(*b, 0) == "alerts/d7/2026-01-01/h=03/");
  CHECK_FALSE(t.constant());
  CHECK(t.fields() == std::vector<std::size_t>{0, 1, 1, 2});
  CHECK(record_template("topic", "{{literal}} {ts}", b->fields()).render(*b, 0)
        == "{literal} 2026-01-01T03:00:00.123Z");
  CHECK(record_template("topic", "plain", b->fields()).constant());
}

TEST_CASE("A template's extras are filled in by the caller") {
  auto b = one_row();
  record_template t("path", "part-{instance}-{device}.jsonl", b->fields(), {"instance"});
  std::string out;
  t.render(*b, 0, out, [](std::size_t i, std::string& o) { o += i == 0 ? "3" : "?"; });
  CHECK(out == "part-3-d7.jsonl");
}

TEST_CASE("A template with an unknown field or an open brace is refused with the param named") {
  auto b = one_row();
  try {
    record_template("topic", "alerts/{sensor}", b->fields());
    FAIL("accepted an unknown field");
  } catch (const core::param_error& e) {
    CHECK(e.param() == "topic");
    CHECK(std::string(e.what()).find("{sensor} names no field (known: device, ts, level)")
          != std::string::npos);
  }
  CHECK_THROWS_AS(record_template("topic", "alerts/{device", b->fields()), core::param_error);
  CHECK_THROWS_AS(record_template("topic", "alerts}", b->fields()), core::param_error);
  CHECK_THROWS_AS(record_template("topic", "{device:%Y}", b->fields()), core::param_error);
}

TEST_CASE("A template's :json puts a field in as a JSON value, quotes and control characters "
          "escaped") {
  auto s =
    std::make_shared<core::schema>(std::vector<core::field>{{"message", core::value_type::string},
                                                            {"ts", core::value_type::timestamp},
                                                            {"level", core::value_type::int64},
                                                            {"ratio", core::value_type::float64},
                                                            {"hot", core::value_type::boolean}});
  core::batch_builder b(s, 1);
  b.column_at(0).append_string("say \"hi\"\nnow");
  b.column_at(1).append_int(1767236400123456);
  b.column_at(2).append_null();
  b.column_at(3).append_double(0.5);
  b.column_at(4).append_bool(true);
  auto batch = b.finish();
  record_template t(
    "body",
    R"({{"m": {message:json}, "t": {ts:json}, "l": {level:json}, "r": {ratio:json}, "h": {hot:json}}})",
    batch->fields());
  CHECK(
    t.render(*batch, 0)
    == R"({"m": "say \"hi\"\nnow", "t": "2026-01-01T03:00:00.123Z", "l": null, "r": 0.5, "h": true})");
  CHECK_THROWS_AS(record_template("body", "{level:%H}", batch->fields()), core::param_error);
}
